"""Writes the fuzz targets' seed corpora (fuzz/seeds/TARGET/), small files of every kind each
target reads, each behind the 64 bytes of options the targets take first (zeros: the default
options; a few seeds get other option bytes).

Run from the repository root with numpy, Pillow, tifffile and OpenCV installed:
    python fuzz/make_seeds.py
The seeds are committed; the fuzzer's own corpora (fuzz/corpus/) are not.
"""

import io
import random
import shutil
import struct
from pathlib import Path

import cv2
import numpy as np
import tifffile
from PIL import Image

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT.parent / "tests" / "fixtures"
OPTION_BYTES = 64
rng = random.Random(14)
np_rng = np.random.default_rng(14)


def options(kind: str = "zeros") -> bytes:
    if kind == "zeros":
        return bytes(OPTION_BYTES)
    return bytes(rng.randrange(256) for _ in range(OPTION_BYTES))


def write(target: str, name: str, data: bytes, option_kinds=("zeros",)) -> None:
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    for i, kind in enumerate(option_kinds):
        (folder / f"{name}.{i}").write_bytes(options(kind) + data)


def scene(h: int = 12, w: int = 16) -> np.ndarray:
    """A small picture with edges: a bright square on a gradient, with a little noise."""
    y, x = np.mgrid[0:h, 0:w]
    img = 40 + 8 * x + 3 * y
    img[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = 220
    img = img + np_rng.integers(0, 6, size=(h, w))
    return np.clip(img, 0, 255).astype(np.uint8)


def pil_bytes(img: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **kw)
    return out.getvalue()


def tiff_bytes(a: np.ndarray, **kw) -> bytes:
    out = io.BytesIO()
    tifffile.imwrite(out, a, **kw)
    return out.getvalue()


def images() -> dict[str, bytes]:
    g = scene()
    rgb = np.stack([g, g[::-1], 255 - g], axis=-1)
    gray = Image.fromarray(g)
    colour = Image.fromarray(rgb)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees
    files = {
        "gray8.png": pil_bytes(gray, "PNG"),
        "gray16.png": pil_bytes(Image.fromarray(g.astype(np.uint16) * 257), "PNG"),
        "rgb.png": pil_bytes(colour, "PNG"),
        "rgba.png": pil_bytes(colour.convert("RGBA"), "PNG"),
        "gray_alpha.png": pil_bytes(gray.convert("LA"), "PNG"),
        "palette.png": pil_bytes(colour.convert("P"), "PNG"),
        "oriented.png": pil_bytes(gray, "PNG", exif=exif),
        "gray.jpg": pil_bytes(gray, "JPEG", quality=90),
        "colour.jpg": pil_bytes(colour, "JPEG", quality=90),
        "progressive.jpg": pil_bytes(colour, "JPEG", progressive=True),
        "oriented.jpg": pil_bytes(colour, "JPEG", exif=exif),
        "colour.bmp": pil_bytes(colour, "BMP"),
        "gray.gif": pil_bytes(gray, "GIF"),
        "colour.webp": pil_bytes(colour, "WEBP", lossless=True),
        "lossy.webp": pil_bytes(colour, "WEBP", quality=50),
        "colour.tga": pil_bytes(colour, "TGA"),
        "colour.ico": pil_bytes(colour.resize((16, 16)), "ICO", sizes=[(16, 16)]),
        "gray.pgm": pil_bytes(gray, "PPM"),
        "colour.ppm": pil_bytes(colour, "PPM"),
        "gray8.tif": tiff_bytes(g),
        "gray16.tif": tiff_bytes(g.astype(np.uint16) * 257),
        "rgb.tif": tiff_bytes(rgb, photometric="rgb"),
        "rgb_planar.tif": tiff_bytes(rgb, photometric="rgb", planarconfig="separate"),
        "deflate.tif": tiff_bytes(g, compression="zlib", rowsperstrip=4),
        "lzw.tif": pil_bytes(colour, "TIFF", compression="tiff_lzw"),
        "tiled.tif": tiff_bytes(scene(32, 48), tile=(16, 16)),
        "float32.tif": tiff_bytes(g.astype(np.float32) / 255),
        "float64.tif": tiff_bytes(g.astype(np.float64) / 255),
        "big.tif": tiff_bytes(g, bigtiff=True),
        "gray.pam": b"P7\nWIDTH 4\nHEIGHT 3\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n"
        + bytes(range(0, 240, 20)),
        "rgba16.pam": b"P7\nWIDTH 2\nHEIGHT 2\nDEPTH 4\nMAXVAL 65535\nTUPLTYPE RGB_ALPHA\nENDHDR\n"
        + bytes(range(32)),
        "maxval.pgm": b"P5 4 2 1000\n" + bytes(range(16)),
        "ascii.pgm": b"P2\n3 2\n255\n0 10 20\n30 40 50\n",
        "bits.pbm": b"P4\n8 2\n\x0f\xf0",
        "farbfeld.ff": b"farbfeld" + struct.pack(">II", 2, 2) + bytes(range(32)),
        "qoi.qoi": b"qoif"
        + struct.pack(">IIBB", 2, 1, 3, 0)
        + b"\xfe\x10\x20\x30\x00"
        + b"\0" * 7
        + b"\x01",
    }
    ok, hdr = cv2.imencode(".hdr", rgb.astype(np.float32) / 255)
    if ok:
        files["colour.hdr"] = hdr.tobytes()
    for fixture in ["gray8.png", "ycbcr8.jpg"]:
        files[f"fixture_{fixture}"] = (FIXTURES / "detect" / fixture).read_bytes()
    return files


def npy_bytes(a: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, a, allow_pickle=False)
    return out.getvalue()


def arrays() -> dict[str, bytes]:
    a = np.arange(24).reshape(2, 3, 4)
    files = {
        "f8.npy": npy_bytes(a.astype("<f8")),
        "f4_big_endian.npy": npy_bytes(a.astype(">f4")),
        "fortran.npy": npy_bytes(np.asfortranarray(a.astype("<i2"))),
        "u1.npy": npy_bytes(a.astype(np.uint8)),
        "u8.npy": npy_bytes(a.astype("<u8")),
        "i1.npy": npy_bytes(a.astype(np.int8) - 12),
        "bool.npy": npy_bytes(a % 3 == 0),
        "zero_d.npy": npy_bytes(np.array(3.5)),
        "empty.npy": npy_bytes(np.zeros((0, 4))),
        "one_d.npy": npy_bytes(np.array([1.0, 4.0, 9.0, 16.0, 25.0])),
        "nan.npy": npy_bytes(np.array([[np.nan, np.inf], [-np.inf, 0.0]])),
        "v2_header.npy": b"\x93NUMPY\x02\x00"
        + struct.pack("<I", 118)
        + b"{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }".ljust(117)
        + b"\n"
        + struct.pack("<ii", 7, -7),
    }
    for f in sorted((FIXTURES / "unsupported").glob("*.npy")):
        files[f"fixture_{f.name}"] = f.read_bytes()
    return files


def parser_texts() -> list[tuple[int, bytes]]:
    report = (
        b"Input #0, mov,mp4, from 'clip.mp4':\n"
        b"  Duration: 00:01:03.50, start: 0.000000, bitrate: 161 kb/s\n"
        b"Output #0, rawvideo, to 'pipe:1':\n"
        b"  Stream #0:0(und): Video: rawvideo (Y800 / 0x30303859), gray, 1280x720, q=2-31,"
        b" 29.97 fps, 29.97 tbn (default)\n"
        b"[in @ 0x1] bad data\n"
    )
    return [
        (0, b"0.1"),
        (0, b"5%"),
        (0, b"otsu"),
        (0, b"auto"),
        (1, b"0.05,0.2"),
        (2, b"3/8"),
        (2, b"auto"),
        (3, b"7\n4\n5\n8"),
        (4, b"640x480:rgb24"),
        (4, b"2x2"),
        (5, b"gray16"),
        (6, b"2"),
        (7, b"sobel"),
        (8, b"overlay"),
        (9, b"edges,dx,magnitude"),
        (10, b"0.5"),
        (10, b"1e-300"),
        (11, b"curves.svg"),
        (11, b"out.mkv"),
        (11, b"matroska"),
        (12, b"29.97"),
        (12, b"30000/1001"),
        (12, b"1k"),
        (13, report),
    ]


def main() -> None:
    shutil.rmtree(SEEDS, ignore_errors=True)
    for name, data in images().items():
        write("image", name, data, ("zeros", "random"))
        if name.endswith((".png", ".tif", ".pgm", ".ppm", ".pam", ".pbm")):
            write("stream_rows", name, data, ("zeros", "random"))
    for name, data in arrays().items():
        write("npy", name, data, ("zeros", "random"))
    for i, (which, text) in enumerate(parser_texts()):
        folder = SEEDS / "parsers"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"text{i:02}").write_bytes(bytes([which]) + text)
    for i in range(12):
        size = rng.choice([16, 64, 300, 1200])
        data = bytes(rng.randrange(256) for _ in range(size))
        write("fused", f"random{i:02}", data, ("random",) if i else ("zeros",))
        write("video_raw", f"random{i:02}", data, ("random",) if i else ("zeros",))


if __name__ == "__main__":
    main()
