#!/usr/bin/env python3
"""Whole-process speed of `edgegrad batch` against Python + OpenCV with one worker process per
core (batch_opencv.py), on N photos at WxH (half PNG, half JPEG, made by make_photos.py; or
all of one format with --format).

Usage, from the project's root, with the fixtures environment:
    cargo build --release
    ~/.cache/edgegrad-fixtures/bin/python bench/batch_compare.py [--runs 5] [--count 48]
        [--size 1920x1080] [--threshold 0.1] [--images assets] [--format both|png|jpg]

Runs alternate (ours, peer, ours, peer, ...) on a fresh output folder each time; wall-clock
medians are compared (ratio > 1: edgegrad is faster). Also prints edgegrad's per-stage totals
(summed over workers) and how many edge pixels the two disagree on: OpenCV reflects at the
image border where np.gradient takes one-sided differences, and rounds colour to 8-bit gray
(JPEG: decodes the Y channel) where edgegrad keeps the exact Rec. 601 luma, so a small share of
pixels near the threshold differ.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd):
    """Wall-clock and CPU seconds (user + system, the process and all its workers)."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed, cpu_of_children() - cpu, proc.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--threshold", type=float, default=0.1)
    ap.add_argument("--images", default=os.path.join(ROOT, "assets"))
    ap.add_argument("--format", choices=["both", "png", "jpg"], default="both")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "edgegrad"))
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="edgegrad-batch-bench-")
    try:
        photos = os.path.join(work, "in")
        subprocess.run([sys.executable, os.path.join(HERE, "make_photos.py"), args.images, photos,
                        "--count", str(args.count), "--size", args.size, "--format", args.format],
                       check=True)
        ours_out, peer_out = os.path.join(work, "ours"), os.path.join(work, "peer")
        thr = str(args.threshold)
        ours_cmd = [args.bin, "batch", photos, ours_out, "--threshold", thr, "--quiet", "--timings"]
        peer_cmd = [sys.executable, os.path.join(HERE, "batch_opencv.py"), photos, peer_out,
                    "--threshold", thr]
        ours_t, peer_t, ours_cpu, peer_cpu, stages = [], [], [], [], []
        for run in range(args.runs + 1):
            for out in (ours_out, peer_out):
                shutil.rmtree(out, ignore_errors=True)
            t, cpu, err = timed(ours_cmd)
            timings = json.loads(err.strip().splitlines()[-1])
            t_peer, cpu_peer, _ = timed(peer_cmd)
            if run:  # the first round warms the caches
                ours_t.append(t)
                peer_t.append(t_peer)
                ours_cpu.append(cpu)
                peer_cpu.append(cpu_peer)
                stages.append(timings)

        differ = total = 0
        for name in sorted(os.listdir(photos)):
            a = cv2.imread(os.path.join(ours_out, name + ".png"), cv2.IMREAD_UNCHANGED)
            b = cv2.imread(os.path.join(peer_out, name + ".png"), cv2.IMREAD_UNCHANGED)
            differ += int(np.count_nonzero(a != b))
            total += a.size

        ours, peer = statistics.median(ours_t), statistics.median(peer_t)
        oc, pc = statistics.median(ours_cpu), statistics.median(peer_cpu)
        cores = os.cpu_count()
        kind = {"both": "PNG and JPEG", "png": "PNG", "jpg": "JPEG"}[args.format]
        print(f"{args.count} photos at {args.size} ({kind}), threshold {args.threshold}, "
              f"{cores} cores, median of {args.runs} alternating runs")
        print()
        print("| whole process | wall s | images/s | CPU s (user+sys, all workers) |")
        print("|---|---|---|---|")
        print(f"| Python + OpenCV, {cores} worker processes | {peer:.3f} | {args.count / peer:.1f} | {pc:.3f} |")
        print(f"| edgegrad batch | {ours:.3f} | {args.count / ours:.1f} | {oc:.3f} |")
        print(f"| **ratio (OpenCV / edgegrad)** | **{peer / ours:.2f}x** | | **{pc / oc:.2f}x** |")
        print()
        keys = [k for k in stages[0] if k != "total_ms"]
        med = {k: statistics.median(s.get(k, 0.0) for s in stages) for k in keys}
        busy = sum(med.values())
        print("edgegrad per-stage totals, summed over workers (median run):")
        print()
        print("| stage | ms | share |")
        print("|---|---|---|")
        for k in sorted(keys, key=lambda k: -med[k]):
            print(f"| {k} | {med[k]:.0f} | {100 * med[k] / busy:.0f}% |")
        print()
        print(f"edge pixels that differ from OpenCV's: {differ} of {total} ({100 * differ / total:.3f}%)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
