//! 8-bit gray pictures written a chunk of rows at a time, never whole: PNG (the `png` crate's
//! stream writer, with the settings [`encode_png`](crate::image::encode::encode_png) uses) and
//! PGM. The file appears complete or not at all ([`write_atomically`]).

use std::io::{self, Write};
use std::path::Path;

use png::{BitDepth, ColorType, Compression, Encoder, Filter};

use crate::io::atomic::write_atomically;

/// A picture format that can be written row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    /// PNG, 8-bit gray.
    Png,
    /// Binary PGM (P5), 8-bit.
    Pgm,
}

impl RowFormat {
    /// The format of `path`'s extension (`.png`, `.pgm`, `.pnm`, any case); `None` for formats
    /// written whole.
    ///
    /// ```
    /// use edgegrad::image::stream::encode_rows::RowFormat;
    /// use std::path::Path;
    /// assert_eq!(RowFormat::from_path(Path::new("e.PNG")), Some(RowFormat::Png));
    /// assert_eq!(RowFormat::from_path(Path::new("e.jpg")), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<RowFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(RowFormat::Png),
            "pgm" | "pnm" => Some(RowFormat::Pgm),
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
    w: &mut dyn Write,
    format: RowFormat,
    (rows, cols): (usize, usize),
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> Result<R, E>,
) -> io::Result<Result<R, E>> {
    match format {
        RowFormat::Png => {
            let mut encoder = Encoder::new(w, dimension(cols)?, dimension(rows)?);
            encoder.set_color(ColorType::Grayscale);
            encoder.set_depth(BitDepth::Eight);
            encoder.set_compression(Compression::Fast);
            encoder.set_filter(Filter::Up);
            let mut writer = encoder.write_header().map_err(io::Error::other)?;
            let mut stream = writer.stream_writer().map_err(io::Error::other)?;
            let filled = fill(&mut |rows| stream.write_all(rows));
            if filled.is_ok() {
                stream.finish().map_err(io::Error::other)?;
                writer.finish().map_err(io::Error::other)?;
            }
            Ok(filled)
        }
        RowFormat::Pgm => {
            // The header `image` writes, so that both paths give the same bytes.
            write!(w, "P5\n{cols} {rows} 255\n")?;
            let filled = fill(&mut |rows| w.write_all(rows));
            w.flush()?;
            Ok(filled)
        }
    }
}

/// Writes a `size` (rows, columns) 8-bit gray picture to `path` in `format`, with the rows
/// `fill` gives the writer it is handed (whole rows, in order). When `fill` fails (its error
/// comes back as it is) or writing fails (`io_error` of it), nothing is left at `path`.
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
    let written = write_atomically(path, |w| match encode(w, format, size, fill)? {
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
        for format in [RowFormat::Png, RowFormat::Pgm] {
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
}
