"""Self-checks of the scoring and the scenes (run: python check.py; exits non-zero on failure).

Hand-made cases with known answers, so a broken matcher or ground truth cannot go unnoticed.
"""
import sys

import numpy as np

from pipeline_sim import Maps, hysteresis
from scenes import SceneSpec, render
from scoring import match


def line(h, w, x, thick=1):
    m = np.zeros((h, w), bool)
    m[5:h - 5, x:x + thick] = True
    return m


def main():
    truth = line(40, 40, 20)
    checks = []
    c = match(truth, truth)
    checks.append(("identical maps: P = R = 1", c.precision == 1 and c.recall == 1))
    c = match(line(40, 40, 22), truth)
    checks.append(("shift by 2 px: matched", c.f == 1))
    c = match(line(40, 40, 23), truth)
    checks.append(("shift by 3 px: unmatched", c.matched_detections == 0))
    c = match(line(40, 40, 20, thick=2), truth)
    checks.append(("two-pixel-wide line: P = 1/2, R = 1", abs(c.precision - 0.5) < 1e-12 and c.recall == 1))
    c = match(np.zeros_like(truth), truth)
    checks.append(("nothing detected: R = 0, F = 0", c.recall == 0 and c.f == 0))
    # one detection between two true pixels may pair with only one of them
    t2 = np.zeros((9, 9), bool)
    t2[4, 2] = t2[4, 6] = True
    d2 = np.zeros((9, 9), bool)
    d2[4, 4] = True
    c = match(d2, t2)
    checks.append(("one-to-one: 1 detection pairs 1 of 2 true pixels", c.matched_truth == 1 and c.recall == 0.5))

    scene = render(SceneSpec("clean", 7, 128, 96, (0.2, 0.4)))
    checks.append(("8-bit scene and boolean truth of its size",
                   scene.image.dtype == np.uint8 and scene.truth.shape == (96, 128)))
    maps = Maps.of(scene.image, 1.0)
    c = match(maps.thin & (maps.mag > 0.02), scene.truth)
    checks.append((f"thin detector on a clean scene: F {c.f:.3f} > 0.9", c.f > 0.9))
    far = np.roll(scene.truth, (5, 5), axis=(0, 1))
    c = match(far, scene.truth)
    checks.append((f"truth moved 5 px diagonally: F {c.f:.2f} < 0.35", c.f < 0.35))
    again = render(SceneSpec("clean", 7, 128, 96, (0.2, 0.4)))
    checks.append(("scenes are deterministic", np.array_equal(again.image, scene.image)))

    m = np.array([[0.0, 0.6, 0.3, 0.3, 0.0, 0.3]])
    h = hysteresis(m, np.ones_like(m, bool), 0.2, 0.5)
    checks.append(("hysteresis keeps weak pixels connected to a strong one",
                   h.tolist() == [[False, True, True, True, False, False]]))

    failed = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print(("ok   " if ok else "FAIL ") + name)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
