//! 8-bit gray pictures written a chunk of rows at a time, never whole, each byte for byte the
//! file the in-memory path writes for the same extension:
//!
//! - PNG: [`encode_png_rows`], the in-memory path's PNG encoder;
//! - PGM (`.pgm`, `.pnm`): `image`'s header, then the rows;
//! - TIFF (`.tif`, `.tiff`): the `tiff` crate's encoder, uncompressed strips as `image` writes
//!   them (a strip's rows gathered, then written); BigTIFF when the pixels pass
//!   [`CLASSIC_TIFF_PIXELS`], which a classic TIFF cannot hold (the in-memory path has no such
//!   file to match, and cannot write it);
//! - `.npy`: a 2-D `uint8` array, `ndarray-npy`'s header then the rows (only the streamed path
//!   writes the edges as `.npy`; the bytes are `ndarray-npy`'s `write_npy` of the same array).
//!
//! The file appears complete or not at all ([`write_atomically_seekable`]).

use std::io::{self, Seek, Write};
use std::path::Path;

use image::ExtendedColorType;
use ndarray_npy::npy::header::{Header, Layout};
use ndarray_npy::WritableElement;
use tiff::encoder::{colortype::Gray8, TiffEncoder, TiffKind};

use crate::image::encode::encode_png_rows;
use crate::io::atomic::{write_atomically_seekable, WriteSeek};

/// The most pixels an 8-bit TIFF is written classic (32-bit offsets) rather than BigTIFF:
/// 4 GiB less 16 MiB, room for the header and the strip tables.
pub const CLASSIC_TIFF_PIXELS: u64 = (1 << 32) - (16 << 20);

/// A picture format that can be written row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    /// PNG, 8-bit gray.
    Png,
    /// Binary PGM (P5), 8-bit.
    Pgm,
    /// TIFF (BigTIFF when large), 8-bit gray in uncompressed strips.
    Tiff,
    /// `.npy`, a 2-D `uint8` array.
    Npy,
}

impl RowFormat {
    /// The format of `path`'s extension (`.png`, `.pgm`, `.pnm`, `.tif`, `.tiff`, `.npy`, any
    /// case); `None` for formats written whole.
    ///
    /// ```
    /// use edgegrad::image::stream::encode_rows::RowFormat;
    /// use std::path::Path;
    /// assert_eq!(RowFormat::from_path(Path::new("e.PNG")), Some(RowFormat::Png));
    /// assert_eq!(RowFormat::from_path(Path::new("e.tiff")), Some(RowFormat::Tiff));
    /// assert_eq!(RowFormat::from_path(Path::new("e.npy")), Some(RowFormat::Npy));
    /// assert_eq!(RowFormat::from_path(Path::new("e.jpg")), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<RowFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(RowFormat::Png),
            "pgm" | "pnm" => Some(RowFormat::Pgm),
            "tif" | "tiff" => Some(RowFormat::Tiff),
            "npy" => Some(RowFormat::Npy),
            _ => None,
        }
    }
}

/// A dimension as the `u32` image formats store.
fn dimension(n: usize) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| io::Error::other(format!("{n} pixels is too many for the format")))
}

/// Encodes into `w` the rows `fill` gives, in `format`; `Ok(Err(e))` when `fill` fails (the
/// file is then incomplete).
fn encode<R, E>(
    w: &mut dyn WriteSeek,
    format: RowFormat,
    (rows, cols): (usize, usize),
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> Result<R, E>,
) -> io::Result<Result<R, E>> {
    match format {
        RowFormat::Png => {
            // `encode_png_rows` stops at a failed fill; its result is kept here.
            let mut filled = None;
            let encoded = encode_png_rows(
                w,
                dimension(cols)?,
                dimension(rows)?,
                ExtendedColorType::L8,
                |sink| {
                    let result = fill(sink);
                    let complete = result.is_ok();
                    filled = Some(result);
                    if complete {
                        Ok(())
                    } else {
                        Err(io::Error::other("the rows stopped short"))
                    }
                },
            );
            match filled {
                Some(Err(e)) => Ok(Err(e)),
                Some(Ok(r)) => encoded.map(|()| Ok(r)),
                None => encoded.and_then(|()| Err(io::Error::other("no rows were asked for"))),
            }
        }
        RowFormat::Pgm => {
            // The header `image` writes, so that both paths give the same bytes.
            write!(w, "P5\n{cols} {rows} 255\n")?;
            let filled = fill(&mut |rows| w.write_all(rows));
            w.flush()?;
            Ok(filled)
        }
        RowFormat::Tiff if (rows as u64).saturating_mul(cols as u64) > CLASSIC_TIFF_PIXELS => {
            encode_tiff(TiffEncoder::new_big(w), (rows, cols), fill)
        }
        RowFormat::Tiff => encode_tiff(TiffEncoder::new(w), (rows, cols), fill),
        RowFormat::Npy => {
            let header = Header {
                type_descriptor: u8::type_descriptor(),
                layout: Layout::Standard,
                shape: vec![rows, cols],
            };
            header.write(&mut *w).map_err(io::Error::other)?;
            let filled = fill(&mut |rows| w.write_all(rows));
            w.flush()?;
            Ok(filled)
        }
    }
}

/// A TIFF encoder's error as an I/O error.
fn tiff_io(e: tiff::TiffError) -> io::Error {
    match e {
        tiff::TiffError::IoError(e) => e,
        other => io::Error::other(other),
    }
}

/// Encodes the rows `fill` gives as an 8-bit gray TIFF (classic or BigTIFF, as `encoder` is),
/// in the strips `image`'s TIFF encoder writes: each strip's rows gathered, then written.
fn encode_tiff<W: Write + Seek, K: TiffKind, R, E>(
    encoder: tiff::TiffResult<TiffEncoder<W, K>>,
    (rows, cols): (usize, usize),
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> Result<R, E>,
) -> io::Result<Result<R, E>> {
    let mut encoder = encoder.map_err(tiff_io)?;
    let mut image = encoder
        .new_image::<Gray8>(dimension(cols)?, dimension(rows)?)
        .map_err(tiff_io)?;
    let mut strip = Vec::new();
    let filled = fill(&mut |mut bytes: &[u8]| {
        while !bytes.is_empty() {
            let want =
                usize::try_from(image.next_strip_sample_count()).map_err(io::Error::other)?;
            if want == 0 {
                return Err(io::Error::other("more rows than the picture has"));
            }
            let take = (want - strip.len()).min(bytes.len());
            strip.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if strip.len() == want {
                image.write_strip(&strip).map_err(tiff_io)?;
                strip.clear();
            }
        }
        Ok(())
    });
    if filled.is_ok() {
        image.finish().map_err(tiff_io)?;
    }
    Ok(filled)
}

/// Writes a `size` (rows, columns) 8-bit gray picture to `path` in `format`, with the rows
/// `fill` gives the writer it is handed (whole rows, in order). When `fill` fails (its error
/// comes back as it is) or writing fails (`io_error` of it), nothing is left at `path`.
/// A picture of no pixels cannot be written as TIFF (the format has none).
///
/// ```
/// use edgegrad::image::stream::encode_rows::{write_rows, RowFormat};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("e.png");
/// write_rows(&path, RowFormat::Png, (2, 3), |w| w(&[0, 255, 0, 255, 0, 255]), |e| e)?;
/// assert_eq!(image::open(&path)?.to_luma8().into_raw(), [0, 255, 0, 255, 0, 255]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_rows<R, E>(
    path: &Path,
    format: RowFormat,
    size: (usize, usize),
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> Result<R, E>,
    io_error: impl FnOnce(io::Error) -> E,
) -> Result<R, E> {
    let mut filled = None;
    let written = write_atomically_seekable(path, |w| match encode(w, format, size, fill)? {
        Ok(r) => {
            filled = Some(Ok(r));
            Ok(())
        }
        Err(e) => {
            filled = Some(Err(e));
            Err(io::Error::other("abandoned"))
        }
    });
    match (filled, written) {
        (Some(Err(e)), _) => Err(e),
        (_, Err(e)) => Err(io_error(e)),
        (Some(Ok(r)), Ok(())) => Ok(r),
        (None, Ok(())) => Err(io_error(io::Error::other("nothing was written"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgm_rows_are_the_picture_after_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.pgm");
        write_rows(
            &path,
            RowFormat::Pgm,
            (3, 2),
            |w| {
                w(&[1, 2])?;
                w(&[3, 4, 5, 6])
            },
            |e| e,
        )
        .unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"P5\n2 3 255\n\x01\x02\x03\x04\x05\x06"
        );
    }

    #[test]
    fn a_failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for format in [
            RowFormat::Png,
            RowFormat::Pgm,
            RowFormat::Tiff,
            RowFormat::Npy,
        ] {
            let path = dir.path().join("e.out");
            let e = write_rows(
                &path,
                format,
                (4, 4),
                |w| {
                    w(&[0; 8]).map_err(|e| e.to_string())?;
                    Err::<(), _>("decoding failed".to_string())
                },
                |e| e.to_string(),
            )
            .unwrap_err();
            assert_eq!(e, "decoding failed");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }

    /// A gray picture whose rows differ: `rows x cols` of `(x * 31 + y * 17) % 256`.
    fn picture(rows: usize, cols: usize) -> Vec<u8> {
        (0..rows * cols)
            .map(|i| ((i % cols) * 31 + (i / cols) * 17) as u8)
            .collect()
    }

    /// Writes `px` in `format` through `write_rows`, `chunk` rows at a time.
    fn streamed(
        path: &Path,
        format: RowFormat,
        (rows, cols): (usize, usize),
        px: &[u8],
        chunk: usize,
    ) {
        write_rows(
            path,
            format,
            (rows, cols),
            |w| px.chunks(chunk * cols).try_for_each(w),
            |e| e,
        )
        .unwrap();
    }

    #[test]
    fn tiff_rows_are_the_in_memory_tiff_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        // 1 000 000 / 3001 bytes a row: strips of 334 rows, the last one short.
        for (rows, cols) in [(700, 3001), (5, 3), (1, 1)] {
            let px = picture(rows, cols);
            let whole = dir.path().join("whole.tif");
            let img = image::GrayImage::from_raw(cols as u32, rows as u32, px.clone()).unwrap();
            crate::image::encode::write_picture(
                &whole,
                &image::DynamicImage::ImageLuma8(img),
                crate::image::encode::PictureFormat::from_path(&whole, Default::default()).unwrap(),
            )
            .unwrap();
            for chunk in [1, 7, 1000] {
                let path = dir.path().join("rows.tif");
                streamed(&path, RowFormat::Tiff, (rows, cols), &px, chunk);
                assert!(
                    std::fs::read(&path).unwrap() == std::fs::read(&whole).unwrap(),
                    "{rows}x{cols} in chunks of {chunk}"
                );
            }
        }
    }

    #[test]
    fn a_bigtiff_holds_the_same_pixels() {
        let (rows, cols) = (600, 2001);
        let px = picture(rows, cols);
        let mut file = io::Cursor::new(Vec::new());
        encode_tiff(TiffEncoder::new_big(&mut file), (rows, cols), |w| {
            px.chunks(13 * cols).try_for_each(w)
        })
        .unwrap()
        .unwrap();
        let bytes = file.into_inner();
        assert_eq!(&bytes[..4], b"II+\0", "a little-endian BigTIFF");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.tif");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = crate::image::load(&path, &Default::default()).unwrap();
        assert_eq!(
            loaded.luma,
            crate::image::Luma::U8(ndarray::Array2::from_shape_vec((rows, cols), px).unwrap())
        );
    }

    #[test]
    fn npy_rows_are_ndarray_npys_file_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let (rows, cols) = (9, 11);
        let px = picture(rows, cols);
        let path = dir.path().join("e.npy");
        streamed(&path, RowFormat::Npy, (rows, cols), &px, 2);
        let whole = dir.path().join("whole.npy");
        let array = ndarray::Array2::from_shape_vec((rows, cols), px).unwrap();
        ndarray_npy::write_npy(&whole, &array).unwrap();
        assert!(std::fs::read(&path).unwrap() == std::fs::read(&whole).unwrap());
    }

    #[test]
    fn too_many_rows_for_a_tiff_fail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.tif");
        let e = write_rows(&path, RowFormat::Tiff, (2, 2), |w| w(&[0; 6]), |e| e).unwrap_err();
        assert!(e.to_string().contains("more rows"), "{e}");
        assert!(!path.exists());
    }
}
