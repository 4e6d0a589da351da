//! Binary PNM (P5, P6, and PAM of gray, gray + alpha, RGB or RGBA) row by row, the header read
//! by `image`'s own parser, the samples scaled to the full 8- or 16-bit range when the maxval is
//! another, exactly as `image` scales them, so that the rows are those of
//! [`load`](crate::image::load). ASCII PNM (P2, P3) and 1-bit images (PBM, PAM's black and
//! white) are read whole.

use std::io::{BufRead, Read};

use image::codecs::pnm::{PnmDecoder, SampleEncoding};
use image::{ColorType, ExtendedColorType, ImageDecoder, ImageError};

use super::samples::{colour16, colour8, gray16, gray8, Convert};
use super::{Opened, RowReader, RowStream, Whole};
use crate::image::decode::{decode_error, LoadError};

/// A PNM decoding failure as [`load`](crate::image::load) reports it.
fn pnm_error(e: ImageError) -> LoadError {
    decode_error("PNM", e)
}

/// Opens a PNM for streaming, or says why it is read whole.
pub(super) fn open<R: BufRead + Send + 'static>(r: R) -> Result<Opened, LoadError> {
    let decoder = PnmDecoder::new(r).map_err(pnm_error)?;
    if decoder.subtype().sample_encoding() == SampleEncoding::Ascii {
        return Ok(Err(Whole("an ASCII PNM (P1, P2, P3) is read whole")));
    }
    if matches!(
        decoder.original_color_type(),
        ExtendedColorType::L1 | ExtendedColorType::La1
    ) {
        return Ok(Err(Whole("a 1-bit PNM (PBM) is read whole")));
    }
    let colour_type = decoder.color_type();
    let (width, height) = decoder.dimensions();
    let (reader, header) = decoder.into_inner();
    let size = (height as usize, width as usize);
    let maxval = header.maximal_sample();
    let rows =
        |channels: usize, bytes: usize| Rows::new(reader, size, channels, bytes == 2, maxval);
    Ok(Ok(match colour_type {
        ColorType::L8 => RowStream::U8(rows(1, 1)?.boxed(gray8(1))),
        ColorType::La8 => RowStream::U8(rows(2, 1)?.boxed(gray8(2))),
        ColorType::L16 => RowStream::U16(rows(1, 2)?.boxed(gray16(1))),
        ColorType::La16 => RowStream::U16(rows(2, 2)?.boxed(gray16(2))),
        ColorType::Rgb8 => RowStream::F32(rows(3, 1)?.boxed(colour8(3))),
        ColorType::Rgba8 => RowStream::F32(rows(4, 1)?.boxed(colour8(4))),
        ColorType::Rgb16 => RowStream::F32(rows(3, 2)?.boxed(colour16(3))),
        ColorType::Rgba16 => RowStream::F32(rows(4, 2)?.boxed(colour16(4))),
        _ => return Ok(Err(Whole("a PNM of this kind is read whole"))),
    }))
}

/// The stored rows of a PNM: each `bytes` bytes of big-endian samples.
struct Rows<R> {
    reader: R,
    size: (usize, usize),
    row: Vec<u8>,
    /// The factor samples are scaled by (`image`'s): `None` when the maxval is 255 or 65535.
    scale: Option<f32>,
    wide: bool,
}

impl<R: Read + Send + 'static> Rows<R> {
    /// The rows of `reader`, positioned after the header, of `size` (rows, columns) pixels of
    /// `channels` samples, 16-bit if `wide`, up to `maxval`; an error when a row cannot be had.
    fn new(
        reader: R,
        (rows, cols): (usize, usize),
        channels: usize,
        wide: bool,
        maxval: u32,
    ) -> Result<Self, LoadError> {
        let (full, pixel_bytes) = if wide {
            (65535u32, 2 * channels)
        } else {
            (255, channels)
        };
        let len = cols.checked_mul(pixel_bytes);
        let mut row = Vec::new();
        len.and_then(|n| row.try_reserve_exact(n).ok().map(|()| row.resize(n, 0)))
            .ok_or(LoadError::OutOfMemory {
                width: cols as u32,
                height: rows as u32,
                bytes: (cols as u64).saturating_mul(pixel_bytes as u64),
            })?;
        Ok(Rows {
            reader,
            size: (rows, cols),
            row,
            scale: (maxval != full).then(|| full as f32 / maxval as f32),
            wide,
        })
    }

    /// The rows as luma, `convert`ed.
    fn boxed<T: 'static>(self, convert: Convert<T>) -> Box<dyn RowReader<T>> {
        Box::new(PnmRows {
            rows: self,
            convert,
        })
    }

    /// Reads the next row into `self.row`, scaled.
    fn next_row(&mut self) -> Result<&[u8], LoadError> {
        self.reader
            .read_exact(&mut self.row)
            .map_err(|e| pnm_error(ImageError::IoError(e)))?;
        if let Some(factor) = self.scale {
            // `image`'s scaling, to the value.
            if self.wide {
                for b in self.row.chunks_exact_mut(2) {
                    let v = (f32::from(u16::from_be_bytes([b[0], b[1]])) * factor).round() as u16;
                    b.copy_from_slice(&v.to_be_bytes());
                }
            } else {
                for v in self.row.iter_mut() {
                    *v = (f32::from(*v) * factor).round() as u8;
                }
            }
        }
        Ok(&self.row)
    }
}

/// A PNM's rows as luma.
struct PnmRows<R, T> {
    rows: Rows<R>,
    convert: Convert<T>,
}

impl<R: Read + Send + 'static, T> RowReader<T> for PnmRows<R, T> {
    fn size(&self) -> (usize, usize) {
        self.rows.size
    }

    fn read_rows(&mut self, out: &mut [T]) -> Result<(), LoadError> {
        for o in out.chunks_exact_mut(self.rows.size.1.max(1)) {
            let row = self.rows.next_row()?;
            (self.convert)(row, o);
        }
        Ok(())
    }
}
