#!/usr/bin/env python3
"""The peer of `edgegrad batch` for the speed comparison: Python + OpenCV, one worker process per
core, each file read as gray -> Sobel(ksize=1) in x and y -> magnitude -> threshold -> PNG.

Usage: batch_opencv.py IN_DIR OUT_DIR [--threshold T] [--workers N]

T is edgegrad's threshold (gradient magnitude of intensities in [0, 1], central differences);
OpenCV's ksize=1 Sobel on 0..255 values is 2 * 255 times that, so the OpenCV threshold is
510 * T and both write the same edge maps. Outputs are named as edgegrad names them:
OUT_DIR/REL/NAME.png for IN_DIR/REL/NAME.
"""
import argparse
import os
import sys
from multiprocessing import Pool

import cv2

EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}


def edges(job):
    src, dst, thr = job
    gray = cv2.imread(src, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        return f"{src}: cannot read"
    dx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=1)
    dy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=1)
    mag = cv2.magnitude(dx, dy)
    _, mask = cv2.threshold(mag, thr, 255, cv2.THRESH_BINARY)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if not cv2.imwrite(dst, mask.astype("uint8")):
        return f"{dst}: cannot write"
    return None


def worker_init():
    cv2.setNumThreads(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--threshold", type=float, default=0.1)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    args = ap.parse_args()
    jobs = []
    for root, dirs, files in os.walk(args.in_dir):
        dirs.sort()
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in EXTENSIONS:
                src = os.path.join(root, name)
                rel = os.path.relpath(src, args.in_dir)
                jobs.append((src, os.path.join(args.out_dir, rel + ".png"), 510.0 * args.threshold))
    failed = 0
    with Pool(args.workers, initializer=worker_init) as pool:
        for err in pool.imap_unordered(edges, jobs, chunksize=1):
            if err:
                print(err, file=sys.stderr)
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
