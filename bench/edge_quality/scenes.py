"""Synthetic scenes with known true edges.

Each scene is a set of non-overlapping analytic shapes (discs, ellipses, rotated rectangles,
triangles) on a background, rendered with 4x4 supersampling (so edges are anti-aliased like a
camera's), then optionally textured, blurred (Gaussian, sigma in pixels), given additive Gaussian
noise and quantised to 8 bits.

Ground truth: a label map is computed at the pixel centres from the same analytic shapes; a pixel is a
true edge pixel when its label differs from its right or its lower neighbour (BSDS's ``seg2bmap``
without its diagonal term). That marks one side of every boundary, one pixel wide, as a 4-connected
staircase like the output of non-maximum suppression (Canny's, OpenCV's, scikit-image's and
edgegrad's ``--thin``): a perfect thin detector scores P and R near 0.95 on clean scenes. (With the
diagonal term the map is thicker on slanted edges and caps recall near 0.9; thinned to 8-connected
lines it caps every NMS detector's precision near 0.8.)

Everything is deterministic: a scene is fully defined by its ``SceneSpec`` (which carries its seed).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import ndimage

SUPERSAMPLE = 4


@dataclasses.dataclass(frozen=True)
class SceneSpec:
    """Parameters of one scene; ``condition`` is the group it is reported under."""

    condition: str
    seed: int
    width: int
    height: int
    contrasts: tuple  # step heights the shapes cycle through (in [0, 1] units)
    texture: float = 0.0  # std of the band-limited background/shape texture
    blur: float = 0.0  # Gaussian blur sigma of the whole scene, pixels
    noise: float = 0.0  # std of additive white Gaussian noise
    detail: bool = False  # many small shapes close together instead of a few large ones

    @property
    def name(self) -> str:
        return (f"{self.condition}-s{self.seed}-{self.width}x{self.height}{'-detail' if self.detail else ''}"
                f"-b{self.blur:g}-n{self.noise:g}-t{self.texture:g}")


@dataclasses.dataclass
class Scene:
    spec: SceneSpec
    image: np.ndarray  # uint8, (height, width)
    truth: np.ndarray  # bool, (height, width), one-pixel-wide true boundary


def _shape_masks(kind, params, ys, xs):
    """Membership of points (ys, xs) in one analytic shape."""
    cy, cx, r, ang, aspect = params
    dy, dx = ys - cy, xs - cx
    c, s = math.cos(ang), math.sin(ang)
    u = c * dx + s * dy
    v = -s * dx + c * dy
    if kind == "disc":
        return u * u + v * v <= r * r
    if kind == "ellipse":
        return (u / r) ** 2 + (v / (r * aspect)) ** 2 <= 1.0
    if kind == "rect":
        return (np.abs(u) <= r) & (np.abs(v) <= r * aspect)
    if kind == "triangle":
        inside = np.ones(np.broadcast(u, v).shape, bool)
        for k in range(3):
            a = ang + 2 * math.pi * k / 3
            # half-plane facing each vertex direction: distance to centre <= r/2
            inside &= (math.cos(a) * dx + math.sin(a) * dy) <= r / 2
        return inside
    raise ValueError(kind)


def _place_shapes(rng, width, height, count, sizes, margin):
    """Non-overlapping shapes (bounding circles ``margin`` px apart), away from the border."""
    kinds = ["disc", "ellipse", "rect", "triangle"]
    shapes = []
    m = min(width, height)
    tries = 0
    while len(shapes) < count and tries < 20000:
        tries += 1
        r = rng.uniform(*sizes) * m
        kind = kinds[len(shapes) % len(kinds)]
        bound = r * (1.0 if kind != "triangle" else 1.0) * (1.0 if kind != "rect" else math.sqrt(2))
        cy = rng.uniform(bound + margin, height - bound - margin)
        cx = rng.uniform(bound + margin, width - bound - margin)
        if any(math.hypot(cy - s[1][0], cx - s[1][1]) < bound + s[2] + margin for s in shapes):
            continue
        ang = rng.uniform(0, math.pi)
        aspect = rng.uniform(0.45, 0.9)
        shapes.append((kind, (cy, cx, r, ang, aspect), bound))
    return [(k, p) for k, p, _ in shapes]


def _texture(rng, height, width, std):
    """Band-limited random texture (two scales) plus a gentle illumination ramp."""
    fine = ndimage.gaussian_filter(rng.standard_normal((height, width)), 1.5)
    coarse = ndimage.gaussian_filter(rng.standard_normal((height, width)), 6.0)
    tex = fine / fine.std() + 0.7 * coarse / coarse.std()
    tex *= std / tex.std()
    yy, xx = np.mgrid[0:height, 0:width]
    a = rng.uniform(0, 2 * math.pi)
    ramp = (math.cos(a) * xx / width + math.sin(a) * yy / height) * 0.15
    return tex + ramp - ramp.mean()


def render(spec: SceneSpec) -> Scene:
    rng = np.random.default_rng(spec.seed)
    h, w = spec.height, spec.width
    if spec.detail:
        count = int(rng.integers(30, 45))
        shapes = _place_shapes(rng, w, h, count, (0.02, 0.04), 3.0)
    else:
        count = int(rng.integers(6, 10))
        shapes = _place_shapes(rng, w, h, count, (0.07, 0.2), 8.0)
    background = rng.uniform(0.15, 0.85)

    # intensities: shape i has contrast contrasts[i % len] against the background
    values = []
    for i in range(len(shapes)):
        c = spec.contrasts[i % len(spec.contrasts)]
        sign = rng.choice([-1.0, 1.0])
        v = background + sign * c
        if not 0.02 <= v <= 0.98:
            v = background - sign * c
        if not 0.02 <= v <= 0.98:  # too strong either way: as strong as the range allows
            v = 0.02 if background > 0.5 else 0.98
        values.append(v)

    # supersampled intensity (anti-aliased edges)
    s = SUPERSAMPLE
    sub = (np.arange(s) + 0.5) / s - 0.5
    ys = (np.arange(h)[:, None] + sub[None, :]).reshape(-1)
    xs = (np.arange(w)[:, None] + sub[None, :]).reshape(-1)
    YS, XS = ys[:, None], xs[None, :]
    img_hr = np.full((h * s, w * s), background)
    for (kind, params), v in zip(shapes, values):
        img_hr[_shape_masks(kind, params, YS, XS)] = v
    img = img_hr.reshape(h, s, w, s).mean(axis=(1, 3))

    # labels at pixel centres -> one-pixel-wide boundary (seg2bmap convention)
    yc, xc = np.arange(h, dtype=float)[:, None], np.arange(w, dtype=float)[None, :]
    labels = np.zeros((h, w), np.int32)
    for i, (kind, params) in enumerate(shapes):
        labels[_shape_masks(kind, params, yc, xc)] = i + 1
    truth = np.zeros((h, w), bool)
    truth[:, :-1] |= labels[:, :-1] != labels[:, 1:]
    truth[:-1, :] |= labels[:-1, :] != labels[1:, :]

    if spec.texture > 0:
        img = img + _texture(rng, h, w, spec.texture)
    if spec.blur > 0:
        img = ndimage.gaussian_filter(img, spec.blur, mode="nearest")
    if spec.noise > 0:
        img = img + rng.normal(0.0, spec.noise, img.shape)
    image = np.clip(np.rint(img * 255.0), 0, 255).astype(np.uint8)
    return Scene(spec, image, truth)


MIXED = (0.05, 0.1, 0.2, 0.4, 0.8)
LOW = (0.05, 0.08, 0.12)
SIZES = ((192, 144), (256, 256), (384, 288))


def scene_set(quick: bool = False):
    """The evaluation set: several scenes per condition, three sizes, fixed seeds."""
    specs = []
    seed = 1000

    def add(condition, reps, **kw):
        nonlocal seed
        for r in range(reps):
            w, h = SIZES[r % len(SIZES)]
            seed += 1
            specs.append(SceneSpec(condition, seed, w, h, **kw))

    reps = 1 if quick else 3
    add("clean", reps, contrasts=MIXED)
    add("clean", reps, contrasts=MIXED, blur=0.6)
    add("textured", reps, contrasts=MIXED, texture=0.03, blur=0.6)
    add("textured", reps, contrasts=MIXED, texture=0.06, blur=0.6)
    for n in (0.02, 0.05, 0.1):
        add("noisy", reps, contrasts=MIXED, blur=0.6, noise=n)
    for b in (1.0, 2.0, 3.0):
        add("blurred", reps, contrasts=MIXED, blur=b)
    add("low-contrast", reps, contrasts=LOW, blur=0.6)
    add("low-contrast", reps, contrasts=LOW, blur=0.6, noise=0.02)
    add("fine-detail", reps, contrasts=MIXED, blur=0.6, detail=True)
    add("fine-detail", reps, contrasts=MIXED, blur=0.8, noise=0.02, detail=True)
    add("mixed", reps, contrasts=MIXED, texture=0.03, blur=1.5, noise=0.02)
    add("mixed", reps, contrasts=MIXED, texture=0.03, blur=1.0, noise=0.05)
    return specs
