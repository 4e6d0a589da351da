#!/usr/bin/env python3
"""Accuracy of `edgegrad detect --points` (sub-pixel edge points, linked curves) on synthetic
images of known geometry, with its default automatic level, with `--canny` and with the
Laplacian of Gaussian (`--operator log`, sigma 2), side by side with the pixel-centre error of
OpenCV's and scikit-image's Canny edge masks on the same images.

Images are rendered at 8x supersampling and box-filtered down (anti-aliased like a camera):
dark 0.2, bright 0.8, plus Gaussian noise of standard deviation 0, 0.01 and 0.03 of the full
intensity range (fixed seeds), saved as 16-bit PNG. Shapes (pixel centres at whole
coordinates, x right, y down):
- a disc of centre (63.37, 61.81) and radius 37.23 in 128 x 128;
- straight edges at 0, 10, 30, 45, 60 and 80 degrees, three sub-pixel offsets each, in
  96 x 96 (at 0 and 45 degrees the offsets are where 8x supersampling draws the edge exactly:
  elsewhere a grid of 8 x 8 samples moves an axis-aligned edge by up to 1/16 pixel);
- a thin ring (radii 20.4 and 23.7, centre (48.6, 47.3)) in 96 x 96: two circles.

Measured, per method and noise level:
- `mean`: the mean distance from each point (edgegrad) or edge-pixel centre (OpenCV, skimage)
  to the true curve, over those within 2 px of it and at least 4 px inside the image;
- `stray`: the share of points farther than 2 px (noise edges);
- disc: the circle fitted to edgegrad's points (Kasa's algebraic fit): centre and radius error;
- completeness: the share of the true curves' length within 1 px of a linked curve's
  polyline (edgegrad only; masks have no curves), and the number of curves on the disc with
  whether the longest is closed.

Usage, from the project's root:
    cargo build --release
    ~/.cache/edgegrad/venv/bin/python bench/subpixel/accuracy.py [--bin target/release/edgegrad]
Needs numpy, opencv-python and scikit-image. Prints a Markdown table (the README's).
"""
import argparse
import json
import math
import os
import subprocess
import tempfile

import cv2
import numpy as np
from skimage.feature import canny as sk_canny

SS = 8
DARK, BRIGHT = 0.2, 0.8
NOISES = (0.0, 0.01, 0.03)
MARGIN = 4.0
NEAR = 2.0


def render(h, w, inside):
    """The mean over 8 x 8 samples per pixel of DARK/BRIGHT by `inside(x, y)`."""
    ys, xs = np.mgrid[0 : h * SS, 0 : w * SS]
    x = (xs + 0.5) / SS - 0.5
    y = (ys + 0.5) / SS - 0.5
    v = np.where(inside(x, y), BRIGHT, DARK)
    return v.reshape(h, SS, w, SS).mean(axis=(1, 3))


class Circle:
    def __init__(self, cx, cy, r):
        self.cx, self.cy, self.r = cx, cy, r

    def distance(self, p):
        return np.abs(np.hypot(p[:, 0] - self.cx, p[:, 1] - self.cy) - self.r)

    def samples(self, step=0.1):
        n = int(2 * math.pi * self.r / step)
        t = np.arange(n) * 2 * math.pi / n
        return np.stack([self.cx + self.r * np.cos(t), self.cy + self.r * np.sin(t)], 1)


class Line:
    """The line through (x0, y0) at `angle` degrees from the x axis."""

    def __init__(self, x0, y0, angle):
        a = math.radians(angle)
        self.p0 = np.array([x0, y0])
        self.t = np.array([math.cos(a), math.sin(a)])
        self.n = np.array([-math.sin(a), math.cos(a)])

    def side(self, x, y):
        return self.n[0] * (x - self.p0[0]) + self.n[1] * (y - self.p0[1])

    def distance(self, p):
        return np.abs((p - self.p0) @ self.n)

    def samples(self, step=0.1):
        s = np.arange(-200, 200, step)
        return self.p0 + s[:, None] * self.t


def shapes():
    """(name, image size, inside(x, y), true curves)."""
    disc = Circle(63.37, 61.81, 37.23)
    yield "disc", (128, 128), lambda x, y: np.hypot(x - disc.cx, y - disc.cy) < disc.r, [disc]
    for angle in (0, 10, 30, 45, 60, 80):
        if angle == 0:
            offsets = (0.125, 0.375, 0.75)
        elif angle == 45:
            offsets = (1 / 32, 0.25 + 1 / 32, 0.5 + 1 / 32)
        else:
            offsets = (0.1, 0.37, 0.81)
        for off in offsets:
            # Through (47.5 + off, 47.5 + off): at 45 degrees x + y = 95 + 2 off, which is
            # halfway between sample rows when 2 off = k/8 + 1/16.
            line = Line(47.5 + off, 47.5 + off, angle)
            yield f"line {angle}°", (96, 96), (lambda l: lambda x, y: l.side(x, y) > 0)(line), [line]
    inner, outer = Circle(48.6, 47.3, 20.4), Circle(48.6, 47.3, 23.7)
    yield "ring", (96, 96), lambda x, y: np.abs(np.hypot(x - 48.6, y - 47.3) - 22.05) < 1.65, [inner, outer]


def distance_to(curves, p):
    return np.min(np.stack([c.distance(p) for c in curves]), axis=0)


def inside(p, h, w):
    return (p[:, 0] >= MARGIN) & (p[:, 1] >= MARGIN) & (p[:, 0] <= w - 1 - MARGIN) & (p[:, 1] <= h - 1 - MARGIN)


def errors(points, curves, h, w):
    """(distances of the near points, number of stray points) for points inside the margin."""
    p = points[inside(points, h, w)] if len(points) else np.zeros((0, 2))
    if len(p) == 0:
        return np.zeros(0), 0
    d = distance_to(curves, p)
    return d[d <= NEAR], int((d > NEAR).sum())


def segment_distance(samples, polylines):
    """The distance from each sample to the nearest segment of the polylines."""
    segs = [np.stack([pl[:-1], pl[1:]], 1) for pl in polylines if len(pl) >= 2]
    if not segs:
        return np.full(len(samples), np.inf)
    s = np.concatenate(segs)
    a, b = s[:, 0], s[:, 1]
    best = np.full(len(samples), np.inf)
    for i in range(0, len(samples), 512):
        q = samples[i : i + 512, None, :]
        ab = b - a
        t = np.clip(((q - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12), 0, 1)
        d = np.hypot(*(q - (a + t[..., None] * ab)).transpose(2, 0, 1))
        best[i : i + 512] = d.min(1)
    return best


def completeness(curves, json_curves, h, w):
    polylines = []
    for c in json_curves:
        pl = np.stack([c["x"], c["y"]], 1)
        if c["closed"] and len(pl) > 2:
            pl = np.concatenate([pl, pl[:1]])
        polylines.append(pl)
    samples = np.concatenate([c.samples() for c in curves])
    samples = samples[inside(samples, h, w)]
    return float((segment_distance(samples, polylines) <= 1.0).mean())


def fit_circle(p):
    """Kasa's algebraic circle fit: (cx, cy, r)."""
    A = np.column_stack([p[:, 0], p[:, 1], np.ones(len(p))])
    b = -(p[:, 0] ** 2 + p[:, 1] ** 2)
    D, E, F = np.linalg.lstsq(A, b, rcond=None)[0]
    cx, cy = -D / 2, -E / 2
    return cx, cy, math.sqrt(cx * cx + cy * cy - F)


def edgegrad_curves(binary, path, extra):
    out = path + ".json"
    subprocess.run([binary, "detect", path, "-o", path + ".edges.png", "--points", out, *extra], check=True)
    with open(out) as f:
        return json.load(f)


def mask_points(mask):
    ys, xs = np.nonzero(mask)
    return np.stack([xs, ys], 1).astype(float)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/edgegrad")
    args = ap.parse_args()
    ours = (("edgegrad auto", []), ("edgegrad --canny", ["--canny"]), ("edgegrad log", ["--operator", "log"]))
    methods = [m for m, _ in ours] + ["OpenCV Canny", "skimage Canny"]
    # (method, noise) -> lists of distances / stray counts / totals; completeness per shape.
    dist = {}
    stray = {}
    total = {}
    complete = {}
    disc_fit = {}
    disc_curves = {}
    with tempfile.TemporaryDirectory() as tmp:
        for si, (name, (h, w), inside_fn, curves) in enumerate(shapes()):
            clean = render(h, w, inside_fn)
            for ni, noise in enumerate(NOISES):
                rng = np.random.default_rng(1000 * si + ni)
                img = np.clip(clean + rng.normal(0, noise, clean.shape), 0, 1)
                path = os.path.join(tmp, f"s{si}_n{ni}.png")
                cv2.imwrite(path, np.round(img * 65535).astype(np.uint16))
                u8 = np.round(img * 255).astype(np.uint8)
                found = {}
                for method, extra in ours:
                    js = edgegrad_curves(args.bin, path, extra)
                    pts = [np.stack([c["x"], c["y"]], 1) for c in js["curves"] if c["x"]]
                    found[method] = (np.concatenate(pts) if pts else np.zeros((0, 2)), js)
                blurred = cv2.GaussianBlur(u8, (0, 0), 1.4)
                found["OpenCV Canny"] = (mask_points(cv2.Canny(blurred, 20, 50, L2gradient=True)), None)
                found["skimage Canny"] = (mask_points(sk_canny(img, sigma=1.4)), None)
                for method in methods:
                    points, js = found[method]
                    d, s = errors(points, curves, h, w)
                    key = (method, noise)
                    dist.setdefault(key, []).append(d)
                    stray[key] = stray.get(key, 0) + s
                    total[key] = total.get(key, 0) + len(d) + s
                    if js is not None:
                        complete.setdefault(key, []).append(completeness(curves, js["curves"], h, w))
                        if name == "disc":
                            near = points[distance_to(curves, points) <= NEAR]
                            cx, cy, r = fit_circle(near)
                            c = curves[0]
                            disc_fit[key] = (math.hypot(cx - c.cx, cy - c.cy), abs(r - c.r))
                            long = [c for c in js["curves"] if len(c["x"]) >= 10]
                            longest = max(js["curves"], key=lambda c: len(c["x"]))
                            disc_curves[key] = (len(long), longest["closed"])
    print("| method | noise σ | mean distance (px) | stray points | disc centre / radius error (px) | completeness | disc curves (≥ 10 points), longest closed |")
    print("|---|---|---|---|---|---|---|")
    for method in methods:
        for noise in NOISES:
            key = (method, noise)
            d = np.concatenate(dist[key])
            row = [method, f"{noise:g}", f"{d.mean():.3f}", f"{100 * stray[key] / max(total[key], 1):.1f}%"]
            if key in disc_fit:
                c, r = disc_fit[key]
                n, closed = disc_curves[key]
                row += [f"{c:.3f} / {r:.3f}", f"{100 * np.mean(complete[key]):.1f}%", f"{n}, {'yes' if closed else 'no'}"]
            else:
                row += ["–", "–", "–"]
            print("| " + " | ".join(row) + " |")
    print()
    print("Mean distance by shape (noise 0):")
    shape_names = [s[0] for s in shapes()]
    for method in methods:
        per = {}
        for name, d in zip(shape_names, dist[(method, 0.0)]):
            per.setdefault(name, []).append(d)
        print(method + ": " + ", ".join(f"{n} {np.concatenate(v).mean():.3f}" for n, v in per.items()))


if __name__ == "__main__":
    main()
