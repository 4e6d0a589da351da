//! Non-interlaced PNG, row by row (the `png` crate's row reader), with the transformations
//! `image` decodes PNG with (palettes and low bit depths expanded to 8 bits), so that the rows are
//! those of [`load`](crate::image::load).

use std::io::{BufRead, Seek};

use image::metadata::Orientation;
use image::{ImageError, ImageFormat};
use png::{BitDepth, ColorType, Decoder, Reader, Transformations};

use super::samples::{colour16, colour8, gray16, gray8, Convert};
use super::{Opened, RowReader, RowStream, Whole, TURNED};
use crate::image::decode::png_palette;
use crate::image::decode::{LoadError, LoadOptions};

/// A decoding failure as [`load`](crate::image::load) reports it.
fn corrupt(e: png::DecodingError) -> LoadError {
    let cause = match e {
        png::DecodingError::IoError(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
            return LoadError::Io(e)
        }
        png::DecodingError::IoError(_) => ImageError::IoError(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "unexpected end of file",
        )),
        other => ImageError::Decoding(image::error::DecodingError::new(
            ImageFormat::Png.into(),
            other,
        )),
    };
    LoadError::Corrupt {
        format: "PNG".into(),
        cause,
    }
}

/// Opens a PNG for streaming, or says why it is read whole (interlaced, to be turned upright).
pub(super) fn open<R: BufRead + Seek + Send + 'static>(
    r: R,
    options: &LoadOptions,
) -> Result<Opened, LoadError> {
    let mut decoder = Decoder::new(r);
    decoder.set_ignore_text_chunk(true);
    decoder.set_transformations(Transformations::EXPAND);
    let reader = decoder.read_info().map_err(corrupt)?;
    let info = reader.info();
    png_palette::check(info)?;
    if info.interlaced {
        return Ok(Err(Whole("an interlaced PNG is read whole")));
    }
    let upright = options.keep_orientation
        || info
            .exif_metadata
            .as_deref()
            .and_then(Orientation::from_exif_chunk)
            .is_none_or(|o| o == Orientation::NoTransforms);
    if !upright {
        return Ok(Err(Whole(TURNED)));
    }
    let size = (info.height as usize, info.width as usize);
    Ok(Ok(match reader.output_color_type() {
        (ColorType::Grayscale, BitDepth::Eight) => RowStream::U8(rows(reader, size, gray8(1))),
        (ColorType::GrayscaleAlpha, BitDepth::Eight) => RowStream::U8(rows(reader, size, gray8(2))),
        (ColorType::Grayscale, BitDepth::Sixteen) => RowStream::U16(rows(reader, size, gray16(1))),
        (ColorType::GrayscaleAlpha, BitDepth::Sixteen) => {
            RowStream::U16(rows(reader, size, gray16(2)))
        }
        (ColorType::Rgb, BitDepth::Eight) => RowStream::F32(rows(reader, size, colour8(3))),
        (ColorType::Rgba, BitDepth::Eight) => RowStream::F32(rows(reader, size, colour8(4))),
        (ColorType::Rgb, BitDepth::Sixteen) => RowStream::F32(rows(reader, size, colour16(3))),
        (ColorType::Rgba, BitDepth::Sixteen) => RowStream::F32(rows(reader, size, colour16(4))),
        // What `image` does not decode either: the whole-image path says so.
        _ => return Ok(Err(Whole("a PNG of this colour type is read whole"))),
    }))
}

/// The rows of `reader`, converted by `convert`.
fn rows<R: BufRead + Seek + Send + 'static, T: 'static>(
    reader: Reader<R>,
    (rows, cols): (usize, usize),
    convert: Convert<T>,
) -> Box<dyn RowReader<T>> {
    Box::new(PngRows {
        reader,
        rows,
        cols,
        read: 0,
        convert,
    })
}

/// A PNG's rows.
struct PngRows<R: BufRead + Seek, T> {
    reader: Reader<R>,
    rows: usize,
    cols: usize,
    /// Rows read so far.
    read: usize,
    convert: Convert<T>,
}

impl<R: BufRead + Seek + Send, T> RowReader<T> for PngRows<R, T> {
    fn size(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    fn read_rows(&mut self, out: &mut [T]) -> Result<(), LoadError> {
        for o in out.chunks_exact_mut(self.cols) {
            match self.reader.next_row().map_err(corrupt)? {
                Some(row) => (self.convert)(row.data(), o),
                None => {
                    return Err(corrupt(png::DecodingError::IoError(
                        std::io::ErrorKind::UnexpectedEof.into(),
                    )))
                }
            }
            self.read += 1;
            if self.read == self.rows {
                // Asking past the last row reads the rest of the pixel data's chunks, as `load`
                // does after the last row: a file cut short there is as corrupt streamed as
                // loaded (and, as for `load`, the chunks after the pixels are not read).
                self.reader.next_row().map_err(corrupt)?;
            }
        }
        Ok(())
    }
}
