//! Images read a few rows at a time, never whole: the streaming counterpart of
//! [`load`](super::load) for files that can be read in rows.
//!
//! [`open_stream`] opens a file as a [`RowStream`] when its format can be read in rows in
//! bounded memory and it needs no turning (an orientation other than upright needs the whole
//! image, so such a file is not streamed unless the orientation is to be kept); for every other
//! file it says why (a [`Whole`]), and the caller loads it whole. [`open_rows`] is the same
//! without the reason. What streams:
//!
//! - PNG, non-interlaced (`png_rows.rs`, the `png` crate's row reader), a row at a time;
//! - TIFF and BigTIFF in strips or tiles, one-channel or chunky (`tiff_rows.rs`, the `tiff`
//!   crate's chunk reader, any compression it decodes), a strip or a row of tiles at a time;
//! - binary PNM: P5, P6 and PAM of gray, gray + alpha, RGB or RGBA, any maxval
//!   (`pnm_rows.rs`, `image`'s header parser), a row at a time.
//!
//! The rows are the very luma [`load`](super::load) gives the same file (8-bit and 16-bit gray
//! as they are, gray + alpha without the alpha, colour as Rec. 601 luma in `f32`, float TIFFs
//! as they are), so whatever is computed from them is identical. `samples.rs` turns stored rows
//! into luma, `window.rs` holds the rows a pass reads, `encode_rows.rs` writes rows out.
//!
//! A stream holds one decoded row (a PNG's, a PNM's) or one strip or row of tiles (a TIFF's)
//! besides the rows asked for; a lying header fails when the data runs out, never by allocating
//! what it claims (a TIFF whose strips or rows of tiles would take more than
//! [`CHUNK_ROW_BYTES`] is read whole, where the pixel limit refuses it from its header).

pub mod encode_rows;
mod png_rows;
mod pnm_rows;
mod samples;
mod tiff_rows;
pub(crate) mod window;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::decode::{io_error, LoadError, LoadOptions};

/// A source of an image's rows of samples of type `T`, read from the top down.
pub trait RowReader<T>: Send {
    /// The image's size as (rows, columns).
    fn size(&self) -> (usize, usize);

    /// Reads the next `out.len() / columns` rows into `out` (row-major). An error names what is
    /// wrong with the file (corrupt or cut short).
    fn read_rows(&mut self, out: &mut [T]) -> Result<(), LoadError>;
}

/// An image's rows in the cheapest exact form, as [`Luma`](super::Luma) holds whole images:
/// `u8 / 255`, `u16 / 65535`, or `f32` as they are.
pub enum RowStream {
    /// 8-bit gray.
    U8(Box<dyn RowReader<u8>>),
    /// 16-bit gray.
    U16(Box<dyn RowReader<u16>>),
    /// Luma of colour, or float samples.
    F32(Box<dyn RowReader<f32>>),
}

impl RowStream {
    /// The image's size as (rows, columns).
    pub fn size(&self) -> (usize, usize) {
        match self {
            RowStream::U8(r) => r.size(),
            RowStream::U16(r) => r.size(),
            RowStream::F32(r) => r.size(),
        }
    }
}

impl std::fmt::Debug for RowStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            RowStream::U8(_) => "U8",
            RowStream::U16(_) => "U16",
            RowStream::F32(_) => "F32",
        };
        write!(f, "RowStream::{kind}{:?}", self.size())
    }
}

/// The most memory a TIFF's strip or row of tiles may take, decoded, to be streamed: 64 MiB.
pub const CHUNK_ROW_BYTES: usize = 64 << 20;

/// Why a file is read whole rather than streamed, in words that complete "not streamed: ...".
///
/// ```
/// use edgegrad::image::stream::{open_stream, Whole};
/// use edgegrad::image::LoadOptions;
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("g.bmp");
/// image::GrayImage::new(4, 4).save(&path)?;
/// let why = open_stream(&path, &LoadOptions::default())?.unwrap_err();
/// assert!(why.to_string().contains("PNG, TIFF"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole(pub &'static str);

impl std::fmt::Display for Whole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A file opened as rows, or why it is read whole.
pub type Opened = Result<RowStream, Whole>;

/// Why a file with an orientation is read whole.
const TURNED: &str = "its orientation asks for turning it upright, which needs the whole image";

/// Opens `path` as a stream of rows, or says why it is read whole (another format, an
/// interlaced PNG, an ASCII PNM, a TIFF of another kind, an image to be turned upright). Errors
/// are those of [`load`](super::load) for the same file.
///
/// ```
/// use edgegrad::image::stream::{open_stream, RowStream};
/// use edgegrad::image::LoadOptions;
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("g.pgm");
/// std::fs::write(&path, b"P5 3 2 255\n\x00\x01\x02\x03\x04\x05")?;
/// let Ok(RowStream::U8(mut rows)) = open_stream(&path, &LoadOptions::default())? else {
///     panic!("a binary PGM streams")
/// };
/// let mut first = [0u8; 3];
/// rows.read_rows(&mut first)?;
/// assert_eq!(first, [0, 1, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_stream(path: &Path, options: &LoadOptions) -> Result<Opened, LoadError> {
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(LoadError::Directory);
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty);
    }
    let mut signature = [0u8; 8];
    let mut file = File::open(path).map_err(io_error)?;
    let n = read_up_to(&mut file, &mut signature).map_err(io_error)?;
    let signature = &signature[..n];
    let open = || File::open(path).map(BufReader::new).map_err(io_error);
    if signature.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_rows::open(open()?, options)
    } else if tiff_rows::is_tiff(signature) {
        tiff_rows::open(open()?, options)
    } else if matches!(signature, [b'P', b'1'..=b'7', ..]) {
        pnm_rows::open(open()?)
    } else {
        Ok(Err(Whole(
            "only PNG, TIFF and PNM files are streamed, other formats are read whole",
        )))
    }
}

/// Opens `path` as a stream of rows, or `Ok(None)` when it is not a file that streams
/// ([`open_stream`] says why).
///
/// ```
/// use edgegrad::image::stream::{open_rows, RowStream};
/// use edgegrad::image::LoadOptions;
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("g.png");
/// image::GrayImage::from_fn(5, 3, |x, _| image::Luma([x as u8])).save(&path)?;
/// let Some(RowStream::U8(mut rows)) = open_rows(&path, &LoadOptions::default())? else {
///     panic!("an 8-bit gray PNG streams")
/// };
/// assert_eq!(rows.size(), (3, 5));
/// let mut two = [0u8; 10];
/// rows.read_rows(&mut two)?;
/// assert_eq!(two, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_rows(path: &Path, options: &LoadOptions) -> Result<Option<RowStream>, LoadError> {
    Ok(open_stream(path, options)?.ok())
}

#[cfg(test)]
mod tests;

/// Reads up to `buf.len()` bytes, fewer only at the end of the file.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
