"""Writes a large 16-bit gray TIFF in deflated tiles, for measuring `edgegrad detect --stream`.

    python bench/make_big_tiff.py OUT.tif [--width 20000] [--height 20000] [--tile 256]
                                  [--crop OUT_CROP.tif]

The scene is make_big_png.py's (discs, stripes, a slow ramp, noise), scaled to 16 bits, made one
row of tiles at a time: memory stays a row of tiles (tile height x width), whatever the size.
The tiles go to the file as they are compressed, the directory last (a classic TIFF, so the
file must stay under 4 GiB: deflate keeps 20000x20000 far below). ``--crop`` also writes the
top-left 4096x4096 of the same picture in the same layout, to compare the streamed edges with
the in-memory path's. Needs numpy.
"""

from __future__ import annotations

import argparse
import struct
import zlib

import numpy as np

from make_big_png import row

# TIFF tag numbers and field types.
SHORT, LONG = 3, 4
IMAGE_WIDTH, IMAGE_LENGTH, BITS_PER_SAMPLE, COMPRESSION = 256, 257, 258, 259
PHOTOMETRIC, SAMPLES_PER_PIXEL, PLANAR = 262, 277, 284
TILE_WIDTH, TILE_LENGTH, TILE_OFFSETS, TILE_BYTE_COUNTS, SAMPLE_FORMAT = 322, 323, 324, 325, 339


def band(y0: int, tile: int, width: int, height: int) -> np.ndarray:
    """Rows ``y0 .. y0 + tile`` of the scene in 16 bits, padded to whole tiles with zeros."""
    across = -(-width // tile)
    out = np.zeros((tile, across * tile), dtype="<u2")
    for y in range(y0, min(y0 + tile, height)):
        out[y - y0, :width] = row(y, width, np.random.default_rng(y)).astype(np.uint16) * 257
    return out


def write(path: str, width: int, height: int, tile: int) -> None:
    across, down = -(-width // tile), -(-height // tile)
    offsets, counts = [], []
    with open(path, "wb") as f:
        f.write(b"II*\x00" + struct.pack("<I", 0))  # the directory's offset, patched below
        for ty in range(down):
            pixels = band(ty * tile, tile, width, height)
            for tx in range(across):
                data = zlib.compress(pixels[:, tx * tile : (tx + 1) * tile].tobytes(), 1)
                offsets.append(f.tell())
                counts.append(len(data))
                f.write(data)
                if f.tell() % 2:
                    f.write(b"\x00")
        # The offset and count arrays, then the directory (entries sorted by tag).
        arrays = {}
        for tag, values in ((TILE_OFFSETS, offsets), (TILE_BYTE_COUNTS, counts)):
            arrays[tag] = f.tell()
            f.write(struct.pack(f"<{len(values)}I", *values))
        entries = [
            (IMAGE_WIDTH, LONG, 1, width),
            (IMAGE_LENGTH, LONG, 1, height),
            (BITS_PER_SAMPLE, SHORT, 1, 16),
            (COMPRESSION, SHORT, 1, 8),
            (PHOTOMETRIC, SHORT, 1, 1),
            (SAMPLES_PER_PIXEL, SHORT, 1, 1),
            (PLANAR, SHORT, 1, 1),
            (TILE_WIDTH, LONG, 1, tile),
            (TILE_LENGTH, LONG, 1, tile),
            (TILE_OFFSETS, LONG, len(offsets), arrays[TILE_OFFSETS]),
            (TILE_BYTE_COUNTS, LONG, len(counts), arrays[TILE_BYTE_COUNTS]),
            (SAMPLE_FORMAT, SHORT, 1, 1),
        ]
        directory = f.tell()
        if directory >= 1 << 32:
            raise SystemExit("the file passed 4 GiB: a classic TIFF cannot hold it")
        f.write(struct.pack("<H", len(entries)))
        for tag, kind, count, value in entries:
            packed = struct.pack("<H", value) + b"\x00\x00" if kind == SHORT else struct.pack("<I", value)
            f.write(struct.pack("<HHI", tag, kind, count) + packed)
        f.write(struct.pack("<I", 0))
        f.seek(4)
        f.write(struct.pack("<I", directory))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=20000)
    parser.add_argument("--height", type=int, default=20000)
    parser.add_argument("--tile", type=int, default=256, help="tile side, a multiple of 16")
    parser.add_argument("--crop", help="also write the top-left 4096x4096 here")
    args = parser.parse_args()
    write(args.out, args.width, args.height, args.tile)
    if args.crop:
        write(args.crop, 4096, 4096, args.tile)


if __name__ == "__main__":
    main()
