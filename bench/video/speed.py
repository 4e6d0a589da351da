#!/usr/bin/env python3
"""Speed of `edgegrad video` on 1920x1080 frames, as the README's tables show it.

1. Pipeline throughput: raw gray frames from a file in RAM (/dev/shm), raw frames out to
   /dev/null, with the default options and with --canny (frames per second from --timings,
   the time of each stage summed over the frames, and the CPU time the process used per
   frame, user + system: unlike the frame rate, it hardly depends on the machine's load).
2. A 1080p H.264 clip to H.264 (libx264's defaults, yuv420p), against FFmpeg doing the same
   transcode with its own edge filter (`-vf edgedetect`) and with a plain gray conversion
   (`-vf format=gray`): wall-clock frames per second, best of --repeat runs.

Needs the `ffmpeg` program and Python's standard library only. The machine's load is printed
beside the numbers: on a shared machine, compare within one run.

    bench/video/speed.py [--edgegrad target/release/edgegrad] [--frames 150] [--repeat 3]
"""

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def cpu_seconds():
    """User + system time of the finished child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best_wall(cmd, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--edgegrad", default="target/release/edgegrad")
    p.add_argument("--frames", type=int, default=150)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        gray = os.path.join(tmp, "frames.gray")
        clip = os.path.join(tmp, "in.mp4")
        src = "testsrc2=size=1920x1080:rate=30"
        run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", src, "-frames:v", str(args.frames),
             "-f", "rawvideo", "-pix_fmt", "gray", gray])
        run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", src, "-frames:v", str(args.frames),
             "-c:v", "libx264", "-pix_fmt", "yuv420p", clip])

        print(f"Pipeline throughput, 1920x1080 gray8 raw frames in RAM, {args.frames} frames "
              f"(load average {load()}):\n")
        print("| options | frames/s | ms/frame | CPU ms/frame | stages, ms/frame |")
        print("|---|---|---|---|---|")
        for name, opts in [("default", []), ("--canny", ["--canny"]),
                           ("default, --per-frame", ["--per-frame"])]:
            best, cpu = None, float("inf")
            for _ in range(args.repeat):
                before = cpu_seconds()
                r = run([args.edgegrad, "video", gray, "--raw", "1920x1080", "-o", "-", "--quiet",
                         "--timings", *opts], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                t = json.loads(r.stderr.decode().strip().splitlines()[-1])
                cpu = min(cpu, (cpu_seconds() - before) * 1000 / t["frames"])
                if best is None or t["fps"] > best["fps"]:
                    best = t
            n = best["frames"]
            stages = ", ".join(f"{k[:-3]} {v / n:.2f}" for k, v in best.items()
                               if k.endswith("_ms") and k != "total_ms")
            print(f"| {name} | {best['fps']:.0f} | {1000 / best['fps']:.2f} | {cpu:.2f} | "
                  f"{stages} |")

        print(f"\n1080p H.264 to H.264 (libx264 defaults, yuv420p), {args.frames} frames, "
              f"best of {args.repeat} (load average {load()}):\n")
        out = os.path.join(tmp, "out.mp4")
        x264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
        cases = [
            ("edgegrad video --canny", [args.edgegrad, "video", clip, "--canny", "-o", out, "--quiet"]),
            ("edgegrad video (default)", [args.edgegrad, "video", clip, "-o", out, "--quiet"]),
            ("ffmpeg -vf edgedetect", ["ffmpeg", "-v", "error", "-y", "-i", clip, "-vf", "edgedetect", *x264, out]),
            ("ffmpeg -vf format=gray", ["ffmpeg", "-v", "error", "-y", "-i", clip, "-vf", "format=gray", *x264, out]),
        ]
        print("| command | seconds | frames/s |")
        print("|---|---|---|")
        for name, cmd in cases:
            s = best_wall(cmd, args.repeat)
            print(f"| {name} | {s:.2f} | {args.frames / s:.0f} |")
        print(f"\n(load average after: {load()})")


if __name__ == "__main__":
    main()
