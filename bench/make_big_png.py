"""Writes a large 8-bit gray PNG row by row, for measuring `edgegrad detect --stream`.

    python bench/make_big_png.py OUT.png [--width 50000] [--height 50000] [--crop OUT_CROP.png]

The picture is a scene with edges at every scale (discs, stripes, a slow ramp) and noise, made
one row at a time so that neither this script nor the file's writer ever holds the image:
memory stays a few rows. ``--crop`` also writes the top-left 4096x4096 of the same picture, to
compare the streamed edges with the in-memory path's on a crop that fits (the crop's edges are
the big image's except within a few pixels of the crop's right and bottom borders). Needs numpy.
"""

from __future__ import annotations

import argparse
import struct
import zlib

import numpy as np


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def row(y: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Row ``y`` of the scene."""
    x = np.arange(width, dtype=np.float32)
    value = 60.0 + 40.0 * np.sin(x / 1500.0) * np.cos(y / 1100.0)
    # Discs on a 700-pixel lattice, radii varying with the cell.
    cx, cy = (x // 700) * 700 + 350, (y // 700) * 700 + 350
    radius = 120 + ((x // 700) * 37 + (y // 700) * 53) % 200
    value += 90.0 * (((x - cx) ** 2 + (y - cy) ** 2) < radius**2)
    value += 50.0 * ((((x + 2 * y) // 97) % 7) == 0)
    value += rng.normal(0.0, 3.0, width).astype(np.float32)
    return np.clip(value, 0, 255).astype(np.uint8)


def write(path: str, width: int, height: int, rows) -> None:
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)))
        deflate = zlib.compressobj(1)
        pending = []
        size = 0
        for r in rows:
            pending.append(deflate.compress(b"\x00" + r.tobytes()))
            size += len(pending[-1])
            if size > 1 << 20:
                f.write(chunk(b"IDAT", b"".join(pending)))
                pending, size = [], 0
        pending.append(deflate.flush())
        f.write(chunk(b"IDAT", b"".join(pending)))
        f.write(chunk(b"IEND", b""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=50000)
    parser.add_argument("--height", type=int, default=50000)
    parser.add_argument("--crop", help="also write the top-left 4096x4096 here")
    args = parser.parse_args()
    rows = (row(y, args.width, np.random.default_rng(y)) for y in range(args.height))
    write(args.out, args.width, args.height, rows)
    if args.crop:
        side = 4096
        crop = (row(y, args.width, np.random.default_rng(y))[:side] for y in range(side))
        write(args.crop, side, side, crop)


if __name__ == "__main__":
    main()
