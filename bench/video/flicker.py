#!/usr/bin/env python3
"""Flicker of `edgegrad video`'s edges on a still, noisy scene, with steady and per-frame levels.

A still picture (one frame of FFmpeg's testsrc2, or mandelbrot) gets fresh Gaussian noise in
every frame (FFmpeg's `noise` filter, temporal); `edgegrad video` finds the edges of each frame
(raw gray frames on pipes); the flicker is the number of pixels whose edge/non-edge state
changes between consecutive frames, over the mean number of edge pixels. Nothing but Python's
standard library and the `ffmpeg` program is needed.

    bench/video/flicker.py [--edgegrad target/release/edgegrad] [--frames 100]
        [--sizes 160x120,640x360]
"""

import argparse
import subprocess
import sys


def frames_of(cmd, frame_len, stdin=None):
    out = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, check=True).stdout
    return [out[i : i + frame_len] for i in range(0, len(out) - frame_len + 1, frame_len)]


def flicker(frames):
    """Pixels toggling between consecutive frames over the mean edge pixels (0/255 masks)."""
    toggles = 0
    for a, b in zip(frames, frames[1:]):
        x = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
        toggles += x.bit_count() // 8
    edges = sum(len(f) - f.count(0) for f in frames) / len(frames)
    return toggles / (len(frames) - 1) / edges, edges


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--edgegrad", default="target/release/edgegrad")
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--sizes", default="160x120,640x360")
    args = p.parse_args()
    rows = []
    for size in args.sizes.split(","):
        rows += measure(args, size)
    print("| size | scene | noise | rule | flicker, steady | flicker, --per-frame | edge pixels (steady / per-frame) |")
    print("|---|---|---|---|---|---|---|")
    for size, scene, strength, name, s, pf, e1, e2 in rows:
        print(f"| {size} | {scene} | {strength} | {name} | {s:.3f} | {pf:.3f} | {e1:.0f} / {e2:.0f} |")
    sys.stdout.flush()


def measure(args, size):
    w, h = map(int, size.split("x"))
    rows = []
    for scene in ["testsrc2", "mandelbrot"]:
        for strength in [4, 12]:
            src = (
                f"{scene}=size={size}:rate=25,trim=end_frame=1,loop=loop=-1:size=1,"
                f"format=gray,noise=alls={strength}:allf=t"
            )
            gray = subprocess.run(
                ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", src, "-frames:v", str(args.frames),
                 "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                stdout=subprocess.PIPE, check=True,
            ).stdout
            for rule in [[], ["--canny"]]:
                result = {}
                for levels in [[], ["--per-frame"]]:
                    cmd = [args.edgegrad, "video", "-", "--raw", size, "-o", "-", *rule, *levels]
                    result[bool(levels)] = flicker(frames_of(cmd, w * h, gray))
                name = "canny" if rule else "default"
                (steady, e1), (per_frame, e2) = result[False], result[True]
                rows.append((size, scene, strength, name, steady, per_frame, e1, e2))
    return rows


if __name__ == "__main__":
    main()
