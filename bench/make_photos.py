#!/usr/bin/env python3
"""Writes the batch benchmark's input: N photos at WxH, half PNG and half JPEG (quality 90) or
all of one format (--format), made from the sample photos in assets/ (resized to cover WxH,
cropped, flipped and shifted so that no two are alike).

Usage: make_photos.py SRC_DIR OUT_DIR [--count 48] [--size 1920x1080] [--format both|png|jpg]
"""
import argparse
import os

import cv2


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--format", choices=["both", "png", "jpg"], default="both")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    sources = sorted(f for f in os.listdir(args.src_dir) if f.endswith(".png"))
    os.makedirs(args.out_dir, exist_ok=True)
    for i in range(args.count):
        img = cv2.imread(os.path.join(args.src_dir, sources[i % len(sources)]), cv2.IMREAD_COLOR)
        scale = max(w / img.shape[1], h / img.shape[0]) * (1.0 + 0.05 * (i // len(sources)))
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        dy, dx = (img.shape[0] - h) * (i % 3) // 2, (img.shape[1] - w) * (i % 5) // 4
        img = img[dy:dy + h, dx:dx + w]
        if i % 2:
            img = cv2.flip(img, 1)
        ext = args.format if args.format != "both" else ("png" if i % 2 == 0 else "jpg")
        params = [cv2.IMWRITE_JPEG_QUALITY, 90] if ext == "jpg" else []
        cv2.imwrite(os.path.join(args.out_dir, f"photo{i:02d}.{ext}"), img, params)


if __name__ == "__main__":
    main()
