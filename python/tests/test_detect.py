"""``edgegrad.detect`` and ``edgegrad.read_image`` against the ``edgegrad detect`` command.

The command line is the reference: the same options on the same pixels must give its edge map
byte for byte and its float maps (``--save-*`` as ``.npy``) bit for bit, on the bundled photos
(read with ``read_image``) and on arrays written as PNM files. The binary is ``$EDGEGRAD_BIN``,
else the workspace's ``target/release/edgegrad`` (``scripts/test.sh`` builds it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import edgegrad

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = sorted((ROOT / "assets").glob("*.png"))
MAPS = ("magnitude", "direction", "dx", "dy")


def _binary() -> Path:
    path = Path(os.environ.get("EDGEGRAD_BIN", ROOT / "target" / "release" / "edgegrad"))
    if not path.is_file():
        raise RuntimeError(
            f"the edgegrad binary is needed to compare with: {path} does not exist "
            "(build it with `cargo build --release`, or set EDGEGRAD_BIN)"
        )
    return path


def _read_pgm(path: Path) -> np.ndarray:
    """An 8-bit binary PGM as written by ``edgegrad detect -o FILE.pgm``."""
    data = path.read_bytes()
    magic, width, height, maxval = data.split(maxsplit=4)[:4]
    assert magic == b"P5" and maxval == b"255"
    w, h = int(width), int(height)
    return np.frombuffer(data[len(data) - w * h :], np.uint8).reshape(h, w)


def _write_pnm(path: Path, image: np.ndarray) -> None:
    """A binary PGM (2-D) or PPM (RGB) of a uint8 or uint16 array."""
    maxval = 255 if image.dtype == np.uint8 else 65535
    magic = b"P5" if image.ndim == 2 else b"P6"
    header = b"%s\n%d %d\n%d\n" % (magic, image.shape[1], image.shape[0], maxval)
    path.write_bytes(header + image.astype(image.dtype.newbyteorder(">")).tobytes())


def _cli_args(options: dict) -> list[str]:
    """The command-line options of ``detect``'s keyword arguments."""
    args = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, bool):
            args += [flag] if value else []
        elif isinstance(value, tuple):
            args += [flag, ",".join(str(v) for v in value)]
        else:
            args += [flag, str(value)]
    return args


def _run_cli(image: Path, options: dict, out: Path) -> dict[str, np.ndarray]:
    """The command's edge map and maps for ``image``, by name."""
    saves = []
    for name in MAPS:
        saves += [f"--save-{name}", str(out / f"{name}.npy")]
    subprocess.run(
        [
            str(_binary()),
            "detect",
            str(image),
            "-o",
            str(out / "edges.pgm"),
            *saves,
            *_cli_args(options),
        ],
        check=True,
        capture_output=True,
    )
    results = {"edges": _read_pgm(out / "edges.pgm")}
    for name in MAPS:
        results[name] = np.load(out / f"{name}.npy")
    return results


def _assert_same(got: edgegrad.Detection, want: dict[str, np.ndarray]) -> None:
    assert got.edges is not None and got.edges.dtype == np.uint8
    np.testing.assert_array_equal(got.edges, want["edges"])
    for name in MAPS:
        mine = getattr(got, name)
        assert mine.dtype == np.float32 and want[name].dtype == np.float32
        np.testing.assert_array_equal(mine.view(np.uint32), want[name].view(np.uint32))


OPTIONS = [
    {},
    {"canny": True},
    {"operator": "sobel", "threshold": 0.1},
    {"threshold": "otsu", "sigma": 2.0},
    {"threshold": "5%", "thin": True, "operator": "scharr"},
    {"hysteresis": (0.05, 0.15), "edge_order": 2},
    {"operator": "prewitt", "threshold": 0.08, "edge_order": 2, "sigma": 0.7},
    {"operator": "log"},
    {"operator": "log", "threshold": 0.02, "sigma": 1.5},
]


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: ",".join(map(str, o.values())) or "defaults"
)
@pytest.mark.parametrize("photo", PHOTOS, ids=lambda p: p.name)
def test_photos_give_the_command_lines_results(photo, options, tmp_path):
    assert PHOTOS, "the bundled photos are missing"
    want = _run_cli(photo, options, tmp_path)
    got = edgegrad.detect(edgegrad.read_image(photo), outputs=("edges", *MAPS), **options)
    _assert_same(got, want)
    # Edges alone take the fused path: the same edges.
    alone = edgegrad.detect(edgegrad.read_image(photo), **options)
    np.testing.assert_array_equal(alone.edges, want["edges"])
    assert alone.magnitude is None and alone.dx is None


def _random_image(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    rng = np.random.default_rng(sum(shape))
    base = rng.random(shape[:2])
    base[:, shape[1] // 2 :] += 1.0  # a strong vertical edge over noise
    top = np.iinfo(dtype).max
    values = base[..., None] * np.linspace(0.6, 1.0, shape[2]) if len(shape) == 3 else base
    return np.clip(values / 2.0 * top, 0, top).astype(dtype)


@pytest.mark.parametrize(
    ("shape", "dtype"),
    [
        ((40, 56, 3), np.uint8),
        ((33, 47), np.uint16),
        ((30, 20, 3), np.uint16),
        ((25, 31), np.uint8),
    ],
)
@pytest.mark.parametrize("options", [{}, {"canny": True}, {"threshold": 0.2, "thin": True}])
def test_arrays_give_what_the_command_line_gives_for_their_file(shape, dtype, options, tmp_path):
    image = _random_image(shape, dtype)
    file = tmp_path / "image.pnm"
    _write_pnm(file, image)
    want = _run_cli(file, options, tmp_path)
    _assert_same(edgegrad.detect(image, outputs=("edges", *MAPS), **options), want)


def test_alpha_is_ignored():
    rgb = _random_image((20, 24, 3), np.uint8)
    rgba = np.concatenate([rgb, np.full((20, 24, 1), 7, np.uint8)], axis=2)
    a = edgegrad.detect(rgb, outputs="magnitude").magnitude
    b = edgegrad.detect(rgba, outputs="magnitude").magnitude
    np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))


def test_any_layout_gives_the_results_of_a_contiguous_copy():
    image = _random_image((48, 64, 4), np.uint8)
    views = [
        image[::-1, :, :3],
        image[:, ::2, :3],
        np.asfortranarray(image[..., :3]),
        image[5:40, 3:60, 1],
        image[..., 0].T,
        image[..., 0].astype(">u2") * 100,
    ]
    for view in views:
        want = edgegrad.detect(
            np.ascontiguousarray(view, view.dtype.newbyteorder("=")), outputs=("edges", "dx")
        )
        got = edgegrad.detect(view, outputs=("edges", "dx"))
        np.testing.assert_array_equal(got.edges, want.edges)
        np.testing.assert_array_equal(got.dx.view(np.uint32), want.dx.view(np.uint32))


def test_float64_images_are_computed_as_float32():
    image = np.random.default_rng(1).random((30, 40))
    a = edgegrad.detect(image, threshold=0.3, outputs=("edges", "magnitude"))
    b = edgegrad.detect(image.astype(np.float32), threshold=0.3, outputs=("edges", "magnitude"))
    np.testing.assert_array_equal(a.edges, b.edges)
    np.testing.assert_array_equal(a.magnitude.view(np.uint32), b.magnitude.view(np.uint32))


def test_central_derivatives_are_numpys_gradient():
    image = np.random.default_rng(2).random((30, 40)).astype(np.float32)
    d = edgegrad.detect(image, threshold=0.1, outputs=("dx", "dy"), edge_order=2)
    dy, dx = np.gradient(image, edge_order=2)
    np.testing.assert_array_equal(d.dx.view(np.uint32), dx.view(np.uint32))
    np.testing.assert_array_equal(d.dy.view(np.uint32), dy.view(np.uint32))


def test_the_result_reports_the_levels_used():
    image = _random_image((40, 40), np.uint8)
    assert edgegrad.detect(image, threshold=0.125).threshold == 0.125
    assert edgegrad.detect(image, threshold="0.125").threshold == 0.125
    canny = edgegrad.detect(image, canny=True, hysteresis=(0.0625, 0.25))
    assert canny.hysteresis == (0.0625, 0.25) and canny.threshold == 0.25
    auto = edgegrad.detect(image, canny=True)
    low, high = auto.hysteresis
    assert 0 < low < high == auto.threshold
    assert np.isnan(edgegrad.detect(image, outputs="dx").threshold)
    assert edgegrad.detect(image).hysteresis is None


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (1, 9), (9, 1), (2, 2), (3, 0)])
def test_tiny_images_give_results_of_their_size(shape):
    d = edgegrad.detect(np.zeros(shape, np.uint8), outputs=("edges", "magnitude", "direction"))
    assert d.edges.shape == d.magnitude.shape == d.direction.shape == shape
    assert not d.edges.any()


@pytest.mark.parametrize(
    ("image", "options", "error", "words"),
    [
        (np.zeros(5, np.uint8), {}, ValueError, "shape [5]"),
        (np.zeros((2, 3, 5), np.uint8), {}, ValueError, "1 to 4 channels"),
        (np.zeros((2, 2, 2, 2), np.float32), {}, ValueError, "shape"),
        (np.zeros((4, 4), np.int32), {}, TypeError, "int32"),
        (np.zeros((4, 4), bool), {}, TypeError, "bool"),
        (np.zeros((4, 4), np.complex64), {}, TypeError, "complex64"),
        (np.zeros((4, 4), np.uint8), {"sigma": float("nan")}, ValueError, "sigma"),
        (np.zeros((4, 4), np.uint8), {"sigma": -1.0}, ValueError, "sigma"),
        (np.zeros((4, 4), np.uint8), {"threshold": -0.1}, ValueError, "threshold"),
        (np.zeros((4, 4), np.uint8), {"threshold": float("inf")}, ValueError, "threshold"),
        (np.zeros((4, 4), np.uint8), {"threshold": "bogus"}, ValueError, "bogus"),
        (np.zeros((4, 4), np.uint8), {"threshold": "150%"}, ValueError, "percentage"),
        (np.zeros((4, 4), np.uint8), {"threshold": [0.1]}, TypeError, "threshold"),
        (np.zeros((4, 4), np.uint8), {"canny": True, "threshold": 0.1}, ValueError, "canny"),
        (
            np.zeros((4, 4), np.uint8),
            {"hysteresis": (0.1, 0.2), "threshold": "otsu"},
            ValueError,
            "hysteresis",
        ),
        (np.zeros((4, 4), np.uint8), {"hysteresis": (0.3, 0.1)}, ValueError, "LOW <= HIGH"),
        (np.zeros((4, 4), np.uint8), {"edge_order": 3}, ValueError, "edge order"),
        (np.zeros((4, 4), np.uint8), {"operator": "roberts"}, ValueError, "roberts"),
        (np.zeros((4, 4), np.uint8), {"operator": "log", "thin": True}, ValueError, "thin"),
        (np.zeros((4, 4), np.uint8), {"operator": "log", "canny": True}, ValueError, "canny"),
        (np.zeros((4, 4), np.uint8), {"outputs": ("edge",)}, ValueError, "edge"),
        (np.zeros((4, 4), np.uint8), {"outputs": ()}, ValueError, "at least one"),
    ],
)
def test_bad_input_is_a_one_line_exception(image, options, error, words):
    with pytest.raises(error) as raised:
        edgegrad.detect(image, **options)
    message = str(raised.value)
    assert words in message and "\n" not in message


def test_read_image_gives_the_command_lines_luma(tmp_path):
    gray16 = (np.arange(12 * 10, dtype=np.uint16).reshape(12, 10) * 500).astype(np.uint16)
    _write_pnm(tmp_path / "g16.pgm", gray16)
    got = edgegrad.read_image(tmp_path / "g16.pgm")
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, gray16)
    rgb = _random_image((6, 9, 3), np.uint8)
    _write_pnm(tmp_path / "rgb.ppm", rgb)
    luma = edgegrad.read_image(str(tmp_path / "rgb.ppm"))
    assert luma.dtype == np.float32 and luma.shape == (6, 9)
    # Rec. 601 in float32 on values scaled to [0, 1], summed in the order R, G, B.
    scaled = [
        np.float32(w) * (rgb[..., c].astype(np.float32) / np.float32(255))
        for c, w in enumerate((0.299, 0.587, 0.114))
    ]
    np.testing.assert_array_equal(luma, (scaled[0] + scaled[1]) + scaled[2])


def test_read_image_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.png: no such file"):
        edgegrad.read_image(tmp_path / "missing.png")
    with pytest.raises(IsADirectoryError, match="directory"):
        edgegrad.read_image(tmp_path)
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(ValueError, match=r"notes\.png: not an image"):
        edgegrad.read_image(tmp_path / "notes.png")
    cut = tmp_path / "cut.png"
    cut.write_bytes(PHOTOS[0].read_bytes()[:300])
    with pytest.raises(ValueError, match=r"cut\.png"):
        edgegrad.read_image(cut)
    with pytest.raises(ValueError, match="more than the limit of 100 pixels"):
        edgegrad.read_image(PHOTOS[0], max_pixels=100)
