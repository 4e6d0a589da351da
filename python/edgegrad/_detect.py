"""``detect`` and ``read_image``: edgegrad's edge detection pipeline on numpy arrays.

``detect`` runs the very pipeline ``edgegrad detect`` runs on an image file, with the same
options and defaults, and gives the same numbers: an image read with ``read_image`` (the command
line's own decoding) gives exactly the command line's edge map, byte for byte, and its float
maps, bit for bit. Images are 2-D gray arrays or ``H x W x C`` arrays of 1 to 4 channels (gray,
gray + alpha, RGB, RGBA; alpha is ignored, colour becomes Rec. 601 luma ``0.299 R + 0.587 G +
0.114 B``) of ``uint8`` (``value / 255``), ``uint16`` (``value / 65535``), ``float32`` or
``float64`` (values as they are; float64 is rounded to float32, the pipeline's precision).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from edgegrad import _native

#: The dtypes ``detect`` reads.
_IMAGE_DTYPES = frozenset(np.dtype(t) for t in (np.uint8, np.uint16, np.float32, np.float64))

#: The command line's default ``--max-pixels``: the largest image ``read_image`` decodes.
DEFAULT_MAX_PIXELS = 16384 * 16384


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` computed. Each output is ``None`` unless asked for in ``outputs``.

    Attributes:
        edges: ``uint8``, 255 at edge pixels and 0 elsewhere.
        magnitude: ``float32``, the gradient magnitude ``hypot(dx, dy)``.
        direction: ``float32``, the gradient direction ``atan2(dy, dx)`` in radians, y pointing
            down.
        dx: ``float32``, the derivative along x (axis 1).
        dy: ``float32``, the derivative along y (axis 0).
        threshold: the magnitude level used (with hysteresis, the high level); NaN when the edges
            were not asked for.
        hysteresis: the ``(low, high)`` levels used, when hysteresis (or Canny) decided the edges.
    """

    edges: np.ndarray | None
    magnitude: np.ndarray | None
    direction: np.ndarray | None
    dx: np.ndarray | None
    dy: np.ndarray | None
    threshold: float
    hysteresis: tuple[float, float] | None


def _image(image: object) -> np.ndarray:
    """``image`` as an aligned, native-byte-order ndarray of a dtype ``detect`` reads."""
    array = np.asarray(image)
    if array.dtype not in _IMAGE_DTYPES:
        if array.dtype.kind in "fu" and array.dtype.newbyteorder("=") in _IMAGE_DTYPES:
            return array.astype(array.dtype.newbyteorder("="))
        raise TypeError(
            f"detect takes images of dtype uint8, uint16, float32 or float64, not {array.dtype}"
        )
    if not array.flags.aligned:
        return array.copy()
    return array


def detect(
    image: np.ndarray,
    *,
    operator: str = "central",
    sigma: float | None = None,
    threshold: float | str = "auto",
    hysteresis: tuple[float, float] | None = None,
    thin: bool = False,
    canny: bool = False,
    edge_order: int = 1,
    outputs: str | Iterable[str] = ("edges",),
) -> Detection:
    """The edges of an image, and any of its derivative maps: ``edgegrad detect`` on an array.

    Args:
        image: a 2-D gray image, or ``H x W x C`` with 1 to 4 channels (gray, gray + alpha, RGB,
            RGBA), of ``uint8``, ``uint16``, ``float32`` or ``float64``. Integer images mean
            ``value / 255`` and ``value / 65535``; float images their values.
        operator: the derivative operator: ``"central"`` (np.gradient of the grid, exactly),
            ``"sobel"``, ``"scharr"`` or ``"prewitt"`` (central differences smoothed across),
            or ``"log"``: Marr-Hildreth, the zero crossings of the Laplacian of Gaussian whose
            gradient magnitude (central differences of the smoothed image) passes the
            threshold, one pixel wide (not with ``thin`` or ``canny``).
        sigma: smooth with a Gaussian of this standard deviation (pixels) first; 0 for none.
            Default: none, but 1 with ``threshold="auto"``, 1.4 with ``canny=True`` and 2 with
            ``operator="log"``.
        threshold: the edge level on the gradient magnitude: a number (edges are above it),
            ``"auto"`` (3.5 times the noise level estimated from the median magnitude, with
            thinning and, unless ``sigma`` is given, smoothing with sigma 1), ``"otsu"`` or
            ``"P%"`` (the strongest P percent of the pixels). Only ``"auto"`` goes with
            ``hysteresis`` or ``canny``, which decide edges with two levels.
        hysteresis: ``(low, high)``: edges are the pixels above ``high``, plus those above
            ``low`` connected to them.
        thin: thin the edges to one pixel (non-maximum suppression along the gradient); implied
            by ``threshold="auto"`` and ``canny=True``; not with ``operator="log"``.
        canny: Canny's detector: smoothing, thinning and hysteresis (automatic levels unless
            ``hysteresis`` gives them).
        edge_order: the accuracy order of the one-sided differences at the borders, 1 or 2.
        outputs: the outputs to compute, any of ``"edges"``, ``"magnitude"``, ``"direction"``,
            ``"dx"`` and ``"dy"`` (one name or several).

    Returns:
        A :class:`Detection` with the outputs asked for and the threshold used.

    Raises:
        TypeError: an image of another dtype, or a threshold that is neither a number nor text.
        ValueError: an image of another shape, or an invalid or conflicting option.

    A black-to-white step has gradient magnitude 0.5 on the grid of values in [0, 1]:

    >>> import numpy as np, edgegrad
    >>> step = np.zeros((4, 6), np.uint8)
    >>> step[:, 3:] = 255
    >>> d = edgegrad.detect(step, threshold=0.25, outputs=("edges", "dx"))
    >>> d.edges[0]
    array([  0,   0, 255, 255,   0,   0], dtype=uint8)
    >>> d.dx[0]
    array([0. , 0. , 0.5, 0.5, 0. , 0. ], dtype=float32)
    >>> d.threshold
    0.25
    """
    names = (outputs,) if isinstance(outputs, str) else tuple(outputs)
    arrays, level, levels = _native.detect(
        _image(image),
        operator,
        sigma,
        threshold,
        hysteresis,
        thin,
        canny,
        edge_order,
        list(names),
    )
    return Detection(
        edges=arrays.get("edges"),
        magnitude=arrays.get("magnitude"),
        direction=arrays.get("direction"),
        dx=arrays.get("dx"),
        dy=arrays.get("dy"),
        threshold=level,
        hysteresis=levels,
    )


def read_image(
    path: str | os.PathLike[str],
    *,
    keep_orientation: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> np.ndarray:
    """An image file's luma, exactly as ``edgegrad detect`` reads it.

    Any image the command line reads (PNG, JPEG, TIFF, BMP, WebP, GIF, PNM, TGA, QOI, OpenEXR,
    HDR, one-channel float TIFF), recognised by its content. 8-bit gray gives ``uint8``, 16-bit
    gray ``uint16``, a colour or gray JPEG its stored Y plane (``uint8``), other colour Rec. 601
    luma in ``float32`` (on values scaled to [0, 1]) and float images ``float32``; alpha is
    ignored. ``detect(read_image(path), ...)`` gives exactly what
    ``edgegrad detect path ...`` writes.

    Args:
        path: the image file.
        keep_orientation: keep the stored pixel order instead of turning a photo upright by its
            EXIF orientation.
        max_pixels: refuse images with more pixels than this, from their header.

    Raises:
        FileNotFoundError: no such file.
        IsADirectoryError: the path is a folder.
        ValueError: not an image, a corrupt or unsupported one, or one above ``max_pixels``.
        MemoryError: the decoded image would not fit in memory.

    >>> import edgegrad
    >>> edgegrad.read_image("no-such-photo.png")
    Traceback (most recent call last):
        ...
    FileNotFoundError: no-such-photo.png: no such file
    """
    return _native.read_image(os.fspath(path), keep_orientation, max_pixels)
