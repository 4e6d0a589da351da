"""edgegrad.detect against the same pipeline written with OpenCV, in one Python process.

    pip install opencv-python-headless
    python python/bench/bench_detect.py [--repeats N] [--threads N]

The pipeline: central differences of the image scaled to [0, 1] (OpenCV's ``Sobel`` with
``ksize=1`` is the kernel [-1, 0, 1]; the scale 1/510 makes it the central difference of
``u8 / 255``), the gradient magnitude, and a threshold, on a 4096x4096 ``uint8`` image
(a smooth scene with noise, so that edges are a few percent of the pixels). Both give the same
edges away from the borders (OpenCV reflects the border pixels where numpy's gradient takes
one-sided differences): the script checks that before it times anything. Prints a markdown
table of the median times (edgegrad's and OpenCV's runs taken in turn) and the speed-up.
"""

from __future__ import annotations

import argparse

import numpy as np

import edgegrad
from bench import median_seconds, show

try:
    import cv2
except ImportError as missing:  # pragma: no cover - a message for the person running it
    raise SystemExit("this benchmark needs OpenCV: pip install opencv-python-headless") from missing

SIZE = 4096
LEVEL = 0.1


def test_image() -> np.ndarray:
    """A 4096x4096 uint8 scene: discs and a ramp, blurred, with noise."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    scene = 0.3 + 0.2 * np.sin(x / 300.0) * np.cos(y / 200.0)
    for cy, cx, r in rng.integers(200, SIZE - 200, (40, 3)):
        scene[(y - cy) ** 2 + (x - cx) ** 2 < (r % 180 + 20) ** 2] += 0.25
    noisy = scene + rng.normal(0.0, 0.01, scene.shape).astype(np.float32)
    return np.clip(noisy * 255.0, 0, 255).astype(np.uint8)


def opencv_edges(image: np.ndarray) -> np.ndarray:
    """Central differences, magnitude and threshold with OpenCV: edges 0/255."""
    dx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=1, scale=1.0 / 510.0)
    dy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=1, scale=1.0 / 510.0)
    magnitude = cv2.magnitude(dx, dy)
    _, edges = cv2.threshold(magnitude, LEVEL, 255.0, cv2.THRESH_BINARY)
    return edges.astype(np.uint8)


def edgegrad_edges(image: np.ndarray) -> np.ndarray:
    """The same pipeline with edgegrad: edges 0/255."""
    return edgegrad.detect(image, threshold=LEVEL).edges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="runs per case (median)")
    parser.add_argument("--threads", type=int, help="threads of both (default: all cores)")
    args = parser.parse_args()
    if args.threads:
        edgegrad.set_num_threads(args.threads)
        cv2.setNumThreads(args.threads)

    image = test_image()
    ours, theirs = edgegrad_edges(image), opencv_edges(image)
    inner = (slice(1, -1), slice(1, -1))
    differ = np.count_nonzero(ours[inner] != theirs[inner])
    edges = np.count_nonzero(ours) / ours.size
    print(
        f"OpenCV {cv2.__version__} on {cv2.getNumThreads()} threads, edgegrad "
        f"{edgegrad.__version__} on {edgegrad.get_num_threads()} threads, median of "
        f"{args.repeats} runs; {edges:.1%} of the pixels are edges, {differ} interior pixels "
        "differ between the two\n"
    )
    print("| case | OpenCV | edgegrad | speed-up | floor |")
    print("|---|---:|---:|---:|---|")
    theirs_s, ours_s = median_seconds(
        (lambda: opencv_edges(image), lambda: edgegrad_edges(image)), args.repeats, 1
    )
    ratio = theirs_s / ours_s
    verdict = f"≥ 5x: {'met' if ratio >= 5 else 'NOT MET'}"
    print(
        f"| detect u8 {SIZE}x{SIZE}, threshold {LEVEL} | {show(theirs_s)} | {show(ours_s)} "
        f"| {ratio:.2f}x | {verdict} |"
    )


if __name__ == "__main__":
    main()
