//! The check the `png` crate (0.18) does not make on an indexed PNG's palette: a `PLTE` chunk
//! whose length is not a whole number of RGB entries (three bytes each) makes its palette
//! expansion index past the end of the chunk and panic when the first row is read, in `load`
//! (through `image`) and in the row stream alike. The PNG specification forbids such a
//! palette ("the number of palette entries is the chunk length divided by 3; a chunk length
//! not divisible by 3 is an error"), so both readers refuse it first, as a corrupt file.

use image::error::DecodingError;
use image::{ImageError, ImageFormat};
use png::{ColorType, Info};

use super::LoadError;

/// Refuses an indexed PNG whose palette is not a whole number of RGB entries.
pub(crate) fn check(info: &Info<'_>) -> Result<(), LoadError> {
    let length = match (&info.color_type, &info.palette) {
        (ColorType::Indexed, Some(palette)) => palette.len(),
        _ => return Ok(()),
    };
    if length % 3 == 0 {
        return Ok(());
    }
    let why = format!("its palette (PLTE) has {length} bytes, not a whole number of RGB entries");
    Err(LoadError::Corrupt {
        format: "PNG".into(),
        cause: ImageError::Decoding(DecodingError::new(ImageFormat::Png.into(), why)),
    })
}

/// [`check`] on the header of the PNG at `path` (read up to its pixel data). A header that
/// does not read is left to the decoder, which reports it.
pub(super) fn check_file(path: &std::path::Path) -> Result<(), LoadError> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_ignore_text_chunk(true);
    match decoder.read_info() {
        Ok(reader) => check(reader.info()),
        Err(_) => Ok(()),
    }
}
