//! Streamed rows against [`load`] of the same file, for TIFFs (strips, tiles, compressions,
//! sample kinds) and PNMs made here, and the files that are read whole or refused.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tiff::encoder::colortype::{self, ColorType};
use tiff::encoder::compression::{CompressionAlgorithm, Deflate};
use tiff::encoder::{Compression, TiffEncoder, TiffValue};
use tiff::tags::Tag;

use super::{open_stream, RowStream};
use crate::image::{load, LoadOptions, Luma};

/// Every row of `stream`, read in reads of 1, 2, 3, ... rows, as the `Luma` they make.
fn read_all(stream: RowStream) -> Luma {
    fn all<T: Default + Clone>(mut r: Box<dyn super::RowReader<T>>) -> ndarray::Array2<T> {
        let (rows, cols) = r.size();
        let mut v = vec![T::default(); rows * cols];
        let (mut y, mut n) = (0, 1);
        while y < rows {
            let k = n.min(rows - y);
            r.read_rows(&mut v[y * cols..(y + k) * cols]).unwrap();
            y += k;
            n += 1;
        }
        ndarray::Array2::from_shape_vec((rows, cols), v).unwrap()
    }
    match stream {
        RowStream::U8(r) => Luma::U8(all(r)),
        RowStream::U16(r) => Luma::U16(all(r)),
        RowStream::F32(r) => Luma::F32(all(r)),
    }
}

/// Asserts that `path` streams, to exactly the luma `load` gives (floats compared by bits).
fn streams_as_loaded(path: &Path) {
    let options = LoadOptions::default();
    let stream = open_stream(path, &options)
        .unwrap()
        .unwrap_or_else(|why| panic!("{}: not streamed: {why}", path.display()));
    let streamed = read_all(stream);
    let loaded = load(path, &options).unwrap().luma;
    match (&streamed, &loaded) {
        (Luma::F32(a), Luma::F32(b)) => {
            assert_eq!(a.dim(), b.dim(), "{}", path.display());
            let bits = |a: &ndarray::Array2<f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert!(bits(a) == bits(b), "{}: float rows differ", path.display());
        }
        _ => assert!(streamed == loaded, "{}: rows differ", path.display()),
    }
}

/// A test pattern: every value differs from its neighbours, over the whole range of `T`.
fn pattern<T>(len: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    (0..len).map(|i| f(i * 7919 % 65521)).collect()
}

/// Writes a stripped TIFF of `C` pixels with `rows_per_strip` (else the encoder's) and
/// `compression`.
fn stripped<C: ColorType>(
    path: &Path,
    (w, h): (u32, u32),
    data: &[C::Inner],
    rows_per_strip: Option<u32>,
    compression: Compression,
) where
    [C::Inner]: TiffValue,
{
    let file = BufWriter::new(File::create(path).unwrap());
    let mut tiff = TiffEncoder::new(file)
        .unwrap()
        .with_compression(compression);
    let mut image = tiff.new_image::<C>(w, h).unwrap();
    if let Some(n) = rows_per_strip {
        image.rows_per_strip(n).unwrap();
    }
    image.write_data(data).unwrap();
}

/// Writes a tiled TIFF of gray or RGB samples (`samples` a pixel, `bits` each, `format` the
/// TIFF SampleFormat), given as native-endian bytes, in tiles of `tile` pixels (edge tiles
/// padded), each tile deflated if `deflate`; `orientation` tagged when given.
fn tiled(
    path: &Path,
    (w, h): (usize, usize),
    (tw, th): (usize, usize),
    (samples, bits, format): (usize, u16, u16),
    bytes: &[u8],
    deflate: bool,
    orientation: Option<u16>,
) {
    let px = samples * usize::from(bits / 8);
    let file = BufWriter::new(File::create(path).unwrap());
    let mut tiff = TiffEncoder::new(file).unwrap();
    let mut dir = tiff.image_directory().unwrap();
    let (mut offsets, mut counts) = (Vec::<u32>::new(), Vec::<u32>::new());
    for ty in 0..h.div_ceil(th) {
        for tx in 0..w.div_ceil(tw) {
            let mut tile = vec![0u8; tw * th * px];
            for y in 0..th.min(h - ty * th) {
                let x_len = tw.min(w - tx * tw) * px;
                let from = ((ty * th + y) * w + tx * tw) * px;
                tile[y * tw * px..][..x_len].copy_from_slice(&bytes[from..from + x_len]);
            }
            if deflate {
                let mut packed = Vec::new();
                Deflate::default().write_to(&mut packed, &tile).unwrap();
                tile = packed;
            }
            offsets.push(dir.write_data(&tile[..]).unwrap() as u32);
            counts.push(tile.len() as u32);
        }
    }
    dir.write_tag(Tag::ImageWidth, w as u32).unwrap();
    dir.write_tag(Tag::ImageLength, h as u32).unwrap();
    dir.write_tag(Tag::BitsPerSample, &vec![bits; samples][..])
        .unwrap();
    dir.write_tag(Tag::Compression, if deflate { 8u16 } else { 1 })
        .unwrap();
    dir.write_tag(
        Tag::PhotometricInterpretation,
        if samples >= 3 { 2u16 } else { 1 },
    )
    .unwrap();
    dir.write_tag(Tag::SamplesPerPixel, samples as u16).unwrap();
    dir.write_tag(Tag::TileWidth, tw as u32).unwrap();
    dir.write_tag(Tag::TileLength, th as u32).unwrap();
    dir.write_tag(Tag::TileOffsets, &offsets[..]).unwrap();
    dir.write_tag(Tag::TileByteCounts, &counts[..]).unwrap();
    dir.write_tag(Tag::SampleFormat, &vec![format; samples][..])
        .unwrap();
    if let Some(o) = orientation {
        dir.write_tag(Tag::Orientation, o).unwrap();
    }
    dir.finish().unwrap();
}

fn in_dir(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn tiff_strips_stream_as_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (37u32, 29u32);
    let n = (w * h) as usize;
    let u8s = pattern(n, |v| v as u8);
    let u16s = pattern(n, |v| v as u16);
    let f32s = pattern(n, |v| v as f32 / 1000.0 - 20.0);
    let rgb8 = pattern(3 * n, |v| v as u8);
    let rgb16 = pattern(3 * n, |v| v as u16);
    let rgba8 = pattern(4 * n, |v| (v >> 3) as u8);
    for (i, compression) in [
        Compression::Uncompressed,
        Compression::Deflate(Default::default()),
        Compression::Lzw,
    ]
    .into_iter()
    .enumerate()
    {
        for strip in [None, Some(1), Some(4), Some(h)] {
            let p = |kind: &str| in_dir(&dir, &format!("{kind}-{i}-{strip:?}.tif"));
            stripped::<colortype::Gray8>(&p("u8"), (w, h), &u8s, strip, compression);
            stripped::<colortype::Gray16>(&p("u16"), (w, h), &u16s, strip, compression);
            stripped::<colortype::Gray32Float>(&p("f32"), (w, h), &f32s, strip, compression);
            stripped::<colortype::RGB8>(&p("rgb8"), (w, h), &rgb8, strip, compression);
            stripped::<colortype::RGB16>(&p("rgb16"), (w, h), &rgb16, strip, compression);
            stripped::<colortype::RGBA8>(&p("rgba8"), (w, h), &rgba8, strip, compression);
            for kind in ["u8", "u16", "f32", "rgb8", "rgb16", "rgba8"] {
                streams_as_loaded(&p(kind));
            }
        }
    }
}

#[test]
fn tiff_tiles_stream_as_loaded_whatever_the_tile_size() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (45, 38);
    let n = w * h;
    let u8s = pattern(n, |v| v as u8);
    let u16s: Vec<u8> = pattern(n, |v| v as u16)
        .iter()
        .flat_map(|v| v.to_ne_bytes())
        .collect();
    let f32s: Vec<u8> = pattern(n, |v| (v as f32).sqrt() - 9.5)
        .iter()
        .flat_map(|v| v.to_ne_bytes())
        .collect();
    let rgb8 = pattern(3 * n, |v| (v >> 1) as u8);
    for (tw, th) in [(16, 16), (32, 16), (48, 48), (16, 64)] {
        for deflate in [false, true] {
            let p = |kind: &str| in_dir(&dir, &format!("{kind}-{tw}x{th}-{deflate}.tif"));
            tiled(&p("u8"), (w, h), (tw, th), (1, 8, 1), &u8s, deflate, None);
            tiled(
                &p("u16"),
                (w, h),
                (tw, th),
                (1, 16, 1),
                &u16s,
                deflate,
                None,
            );
            tiled(
                &p("f32"),
                (w, h),
                (tw, th),
                (1, 32, 3),
                &f32s,
                deflate,
                None,
            );
            tiled(
                &p("rgb8"),
                (w, h),
                (tw, th),
                (3, 8, 1),
                &rgb8,
                deflate,
                None,
            );
            for kind in ["u8", "u16", "f32", "rgb8"] {
                streams_as_loaded(&p(kind));
            }
        }
    }
}

#[test]
fn a_turned_tiff_is_read_whole_unless_its_orientation_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = in_dir(&dir, "turned.tif");
    let px = pattern(12 * 10, |v| v as u8);
    tiled(&path, (12, 10), (16, 16), (1, 8, 1), &px, false, Some(6));
    let why = open_stream(&path, &LoadOptions::default())
        .unwrap()
        .unwrap_err();
    assert!(why.0.contains("orientation"), "{why}");
    let kept = LoadOptions {
        keep_orientation: true,
        ..Default::default()
    };
    let RowStream::U8(rows) = open_stream(&path, &kept).unwrap().unwrap() else {
        panic!("8-bit gray")
    };
    assert_eq!(rows.size(), (10, 12));
    // Upright (orientation 1) streams.
    tiled(&path, (12, 10), (16, 16), (1, 8, 1), &px, false, Some(1));
    streams_as_loaded(&path);
}

#[test]
fn tiffs_of_other_kinds_are_read_whole_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = in_dir(&dir, "signed.tif");
    let px = pattern(8 * 8 * 2, |v| v as u8);
    tiled(&path, (8, 8), (16, 16), (1, 16, 2), &px, false, None);
    let why = open_stream(&path, &LoadOptions::default())
        .unwrap()
        .unwrap_err();
    assert!(why.0.contains("signed"), "{why}");
    let cmyk = in_dir(&dir, "cmyk.tif");
    stripped::<colortype::CMYK8>(&cmyk, (4, 4), &[7; 64], None, Compression::Uncompressed);
    let why = open_stream(&cmyk, &LoadOptions::default())
        .unwrap()
        .unwrap_err();
    assert!(why.0.contains("colour type"), "{why}");
}

#[test]
fn truncated_tiff_and_pnm_fail_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let tif = in_dir(&dir, "cut.tif");
    let px = pattern(64 * 64, |v| v as u8);
    stripped::<colortype::Gray8>(&tif, (64, 64), &px, Some(4), Compression::Uncompressed);
    // Cut short: the directory, written last, is gone.
    let bytes = std::fs::read(&tif).unwrap();
    std::fs::write(&tif, &bytes[..bytes.len() / 2]).unwrap();
    let e = open_stream(&tif, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("TIFF"), "{e}");
    // Corrupt deflated strips: the first read fails.
    let deflated = in_dir(&dir, "bad.tif");
    stripped::<colortype::Gray8>(
        &deflated,
        (64, 64),
        &px,
        Some(8),
        Compression::Deflate(Default::default()),
    );
    let mut bytes = std::fs::read(&deflated).unwrap();
    // Each strip's zlib header made invalid.
    let strips = tiff::decoder::Decoder::new(std::io::Cursor::new(&bytes))
        .unwrap()
        .get_tag_u32_vec(Tag::StripOffsets)
        .unwrap();
    for at in strips {
        bytes[at as usize] ^= 0xff;
    }
    std::fs::write(&deflated, &bytes).unwrap();
    let e = match open_stream(&deflated, &LoadOptions::default()) {
        Ok(Ok(RowStream::U8(mut r))) => r.read_rows(&mut vec![0; 64 * 64]).unwrap_err(),
        other => panic!("{other:?}"),
    };
    assert!(e.to_string().contains("TIFF"), "{e}");

    let pgm = in_dir(&dir, "cut.pgm");
    let mut bytes = b"P5\n# a comment\n64 64\n255\n".to_vec();
    bytes.extend(&px[..64 * 30]);
    std::fs::write(&pgm, &bytes).unwrap();
    let Ok(RowStream::U8(mut r)) = open_stream(&pgm, &LoadOptions::default()).unwrap() else {
        panic!("a binary PGM streams")
    };
    r.read_rows(&mut vec![0; 64 * 30]).unwrap();
    let e = r.read_rows(&mut [0; 64]).unwrap_err();
    assert!(e.to_string().contains("corrupt or truncated PNM"), "{e}");
}

#[test]
fn lying_headers_stream_in_little_memory_or_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    // A PGM claiming 10^6 x 10^6 pixels: a row of 1 MB is read, then the data runs out.
    let pgm = in_dir(&dir, "huge.pgm");
    std::fs::write(&pgm, b"P5 1000000 1000000 255\n\x01\x02\x03").unwrap();
    let Ok(RowStream::U8(mut r)) = open_stream(&pgm, &LoadOptions::default()).unwrap() else {
        panic!("a binary PGM streams")
    };
    assert_eq!(r.size(), (1_000_000, 1_000_000));
    assert!(r.read_rows(&mut vec![0; 1_000_000]).is_err());
    // A TIFF claiming 10^6 x 10^6 pixels in one strip: read whole (where the pixel limit
    // refuses it from its header).
    let tif = in_dir(&dir, "huge.tif");
    let mut bytes = Vec::new();
    {
        let mut tiff = TiffEncoder::new(std::io::Cursor::new(&mut bytes)).unwrap();
        let mut d = tiff.image_directory().unwrap();
        let offset = d.write_data(&[0u8; 16][..]).unwrap() as u32;
        d.write_tag(Tag::ImageWidth, 1_000_000u32).unwrap();
        d.write_tag(Tag::ImageLength, 1_000_000u32).unwrap();
        d.write_tag(Tag::BitsPerSample, 8u16).unwrap();
        d.write_tag(Tag::Compression, 1u16).unwrap();
        d.write_tag(Tag::PhotometricInterpretation, 1u16).unwrap();
        d.write_tag(Tag::SamplesPerPixel, 1u16).unwrap();
        d.write_tag(Tag::RowsPerStrip, 1_000_000u32).unwrap();
        d.write_tag(Tag::StripOffsets, offset).unwrap();
        d.write_tag(Tag::StripByteCounts, 16u32).unwrap();
        d.finish().unwrap();
    }
    std::fs::write(&tif, &bytes).unwrap();
    let why = open_stream(&tif, &LoadOptions::default())
        .unwrap()
        .unwrap_err();
    assert!(why.0.contains("too large"), "{why}");
    assert!(matches!(
        load(&tif, &LoadOptions::default()),
        Err(crate::image::LoadError::TooLarge { .. })
    ));
}

/// A binary PNM of `magic`, `maxval` and `channels` samples a pixel, with a comment and odd
/// whitespace in its header.
fn pnm(path: &Path, magic: &str, (w, h): (usize, usize), maxval: u32, samples: &[u16]) {
    let mut f = BufWriter::new(File::create(path).unwrap());
    write!(f, "{magic}\n# made by a test\n{w}  {h}\n\t{maxval}\n").unwrap();
    for &s in samples {
        if maxval > 255 {
            f.write_all(&s.to_be_bytes()).unwrap();
        } else {
            f.write_all(&[s as u8]).unwrap();
        }
    }
}

#[test]
fn binary_pnm_streams_as_loaded_whatever_the_maxval() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (23, 17);
    let n = w * h;
    for maxval in [255, 100, 1, 65535, 1000, 256] {
        let gray = pattern(n, |v| (v as u32 % (maxval + 1)) as u16);
        let rgb = pattern(3 * n, |v| (v as u32 % (maxval + 1)) as u16);
        let p5 = in_dir(&dir, &format!("g{maxval}.pgm"));
        pnm(&p5, "P5", (w, h), maxval, &gray);
        streams_as_loaded(&p5);
        let p6 = in_dir(&dir, &format!("c{maxval}.ppm"));
        pnm(&p6, "P6", (w, h), maxval, &rgb);
        streams_as_loaded(&p6);
    }
    let pam = in_dir(&dir, "ga.pam");
    let mut bytes = format!(
        "P7\nWIDTH {w}\nHEIGHT {h}\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n"
    )
    .into_bytes();
    bytes.extend(pattern(2 * n, |v| v as u8));
    std::fs::write(&pam, bytes).unwrap();
    streams_as_loaded(&pam);
}

#[test]
fn ascii_pnm_is_read_whole_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let p2 = in_dir(&dir, "a.pgm");
    std::fs::write(&p2, b"P2\n2 1\n255\n0 255\n").unwrap();
    let why = open_stream(&p2, &LoadOptions::default())
        .unwrap()
        .unwrap_err();
    assert!(why.0.contains("ASCII"), "{why}");
}
