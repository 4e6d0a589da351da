//! Images read a few rows at a time, never whole: the streaming counterpart of
//! [`load`](super::load) for files that can be read in rows.
//!
//! [`open_rows`] opens a file as a [`RowStream`] when its format can be read row by row in
//! bounded memory (non-interlaced PNG, through the `png` crate's row reader) and when it needs
//! no turning (an EXIF orientation other than upright needs the whole image, so such a file is
//! not streamed unless the orientation is to be kept). Every other file is `Ok(None)`: the
//! caller loads it whole. The rows are the very luma [`load`](super::load) gives the same file
//! (8-bit and 16-bit gray as they are, gray + alpha without the alpha, colour as Rec. 601 luma
//! in `f32`), so whatever is computed from them is identical.
//!
//! A stream holds one decoded row besides the rows asked for; a lying header fails when the
//! data runs out, never by allocating what it claims.

pub mod encode_rows;
mod png_rows;
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

/// Opens `path` as a stream of rows, or `Ok(None)` when it is not a file that streams (another
/// format, an interlaced PNG, a TIFF of another kind, a photo to be turned upright). Errors are
/// those of [`load`](super::load) for the same file.
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
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(LoadError::Directory);
    }
    let mut signature = [0u8; 8];
    let mut file = File::open(path).map_err(io_error)?;
    let n = read_up_to(&mut file, &mut signature).map_err(io_error)?;
    let signature = &signature[..n];
    let open = || File::open(path).map(BufReader::new).map_err(io_error);
    if signature.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_rows::open(open()?, options)
    } else {
        Ok(None)
    }
}

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
