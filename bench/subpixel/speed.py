#!/usr/bin/env python3
"""Speed of edges as geometry on a 4096 x 4096 photo: what `--points` adds to `detect --canny`,
and the Laplacian of Gaussian (`--operator log`) against SciPy's `gaussian_laplace` with the
zero crossings found in NumPy (what scikit-image users write: scikit-image has no LoG edge
detector of its own and its filters call SciPy's).

The photo is assets/chelsea.png resized to 4096 x 4096 (8-bit gray PNG), or any image given
with --image (read as 8-bit gray). Times are the compute
stages edgegrad reports with --timings (everything but decoding, drawing the picture and
encoding: for `--points`, the fitting and the linking are in), the median of --runs runs, the
commands alternated so that the machine's load falls on both alike. The Python side is timed
in-process around the computation alone (the image already in memory), single-threaded as
NumPy and SciPy are; edgegrad uses every core.

The Python LoG does what edgegrad's does: smoothing with sigma 2 (SciPy's Gaussian, truncated
at 4 sigma), the five-point Laplacian, the gradient magnitude by central differences of the
smoothed image, and a pixel marked where the Laplacian crosses zero towards a neighbour along
the axis nearest its gradient, the pixel nearer zero, with its magnitude above the level.

Usage, from the project's root:
    cargo build --release
    ~/.cache/edgegrad/venv/bin/python bench/subpixel/speed.py [--bin target/release/edgegrad]
        [--runs 5] [--image photo.png]
Needs numpy, scipy and opencv-python. Prints Markdown tables (the README's).
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import cv2
import numpy as np
from scipy import ndimage as ndi

SIZE = 4096
LEVEL = 0.01
NOT_COMPUTE = {"decode_ms", "render_ms", "encode_ms", "total_ms"}


def photo(path):
    src = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "chelsea.png")
    img = cv2.imread(src, cv2.IMREAD_GRAYSCALE)
    img = cv2.resize(img, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    cv2.imwrite(path, img)
    return img


def compute_ms(binary, args):
    """The compute stages' total of one `edgegrad detect` run, and the stages."""
    out = subprocess.run([binary, "detect", *args, "--timings"], check=True, capture_output=True, text=True)
    stages = json.loads(out.stderr.strip().splitlines()[-1])
    return sum(v for k, v in stages.items() if k not in NOT_COMPUTE), stages


def log_edges_numpy(img, sigma=2.0, level=LEVEL):
    """Marr-Hildreth in NumPy/SciPy, as edgegrad's --operator log computes it."""
    g = ndi.gaussian_filter(img, sigma, mode="nearest")
    lap = ndi.laplace(g, mode="nearest")
    gy, gx = np.gradient(g)
    m = np.hypot(gx, gy)
    horizontal = np.abs(gx) >= np.abs(gy)
    p = lap
    pos = p >= 0
    ap = np.abs(p)

    def crosses(q):
        return (pos != (q >= 0)) & ((ap < np.abs(q)) | ((ap == np.abs(q)) & pos))

    pad = np.pad(p, 1, mode="edge")
    left, right = pad[1:-1, :-2], pad[1:-1, 2:]
    up, down = pad[:-2, 1:-1], pad[2:, 1:-1]
    marked = np.where(horizontal, crosses(left) | crosses(right), crosses(up) | crosses(down))
    return marked & (m > level)


def log_scipy(img, sigma=2.0, level=LEVEL):
    """The same with SciPy's gaussian_laplace for the Laplacian (its own, second-derivative
    Gaussian kernels), as usually written."""
    lap = ndi.gaussian_laplace(img, sigma)
    g = ndi.gaussian_filter(img, sigma)
    gy, gx = np.gradient(g)
    m = np.hypot(gx, gy)
    s = np.sign(lap)
    zc = np.zeros(img.shape, bool)
    zc[:, :-1] |= s[:, :-1] != s[:, 1:]
    zc[:-1, :] |= s[:-1, :] != s[1:, :]
    return zc & (m > level)


def timed(f, *args):
    t = time.perf_counter()
    f(*args)
    return 1e3 * (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/edgegrad")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--image", help="the photo to time on (default: chelsea.png resized)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.image:
            path = args.image
            img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        else:
            path = os.path.join(tmp, "photo.png")
            img = photo(path)
        img = img.astype(np.float32) / 255
        edges = os.path.join(tmp, "e.png")
        points = os.path.join(tmp, "p.csv")
        runs = {"canny": [], "points": [], "log": [], "log points": []}
        stages = {}
        commands = {
            "canny": [path, "-o", edges, "--canny"],
            "points": [path, "-o", edges, "--canny", "--points", points],
            "log": [path, "-o", edges, "--operator", "log", "--threshold", str(LEVEL)],
            "log points": [path, "-o", edges, "--operator", "log", "--threshold", str(LEVEL), "--points", points],
        }
        python = {"numpy": [], "scipy": []}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                ms, st = compute_ms(args.bin, cmd)
                runs[name].append(ms)
                stages[name] = st
            python["numpy"].append(timed(log_edges_numpy, img))
            python["scipy"].append(timed(log_scipy, img))
        med = {k: statistics.median(v) for k, v in {**runs, **python}.items()}
    size = f"{img.shape[1]} x {img.shape[0]}"
    print(f"`--points` on a {size} photo (compute ms, median of {args.runs}):\n")
    print("| command | compute (ms) | ratio |")
    print("|---|---|---|")
    print(f"| `detect --canny` | {med['canny']:.0f} | 1 |")
    print(f"| `detect --canny --points p.csv` | {med['points']:.0f} | {med['points'] / med['canny']:.2f} |")
    print(f"| `detect --operator log --threshold {LEVEL}` | {med['log']:.0f} | 1 |")
    print(f"| `... --points p.csv` | {med['log points']:.0f} | {med['log points'] / med['log']:.2f} |")
    print()
    print("Stages of the last runs:", json.dumps(stages))
    print()
    print(f"Laplacian of Gaussian edges on {size} (ms, median of {args.runs}):\n")
    print("| implementation | ms | edgegrad faster by |")
    print("|---|---|---|")
    print(f"| edgegrad `--operator log` (compute) | {med['log']:.0f} | 1 |")
    print(f"| NumPy/SciPy, the same steps | {med['numpy']:.0f} | {med['numpy'] / med['log']:.1f}x |")
    print(f"| SciPy `gaussian_laplace` + sign changes | {med['scipy']:.0f} | {med['scipy'] / med['log']:.1f}x |")


if __name__ == "__main__":
    main()
