//! TIFF and BigTIFF, a strip or a row of tiles at a time (the `tiff` crate's chunk reader, any
//! compression and predictor it decodes), with the samples [`load`](crate::image::load) reads:
//! 8- and 16-bit gray (and gray + alpha) as they are, 32- and 64-bit float gray as `f32`, and
//! 8-bit, 16-bit and 32-bit float RGB (and RGBA) as Rec. 601 luma. Other kinds (CMYK, palette,
//! YCbCr, 1-bit, signed or planar colour samples), and images turned by their Orientation tag,
//! are read whole.

use std::io::{Read, Seek};
use std::ops::Range;

use image::metadata::Orientation;
use tiff::decoder::{ChunkType, Decoder, DecodingResult, Limits};
use tiff::tags::{SampleFormat, Tag};
use tiff::ColorType;

use super::{Opened, RowReader, RowStream, Whole, CHUNK_ROW_BYTES, TURNED};
use crate::image::decode::{is_bigtiff, tiff_error, LoadError, LoadOptions};
use crate::image::luma::{rec601_row, scale_u16, weighted, weighted_u8};

/// True when `start`, a file's first bytes, is a TIFF's or a BigTIFF's signature.
pub(super) fn is_tiff(start: &[u8]) -> bool {
    start.starts_with(b"II*\0") || start.starts_with(b"MM\0*") || is_bigtiff(start)
}

/// Turns the samples `range` of a decoded chunk (one row of it) into a row of luma; `false`
/// when the chunk holds samples of another type than its header said.
type Convert<T> = Box<dyn Fn(&DecodingResult, Range<usize>, &mut [T]) -> bool + Send>;

/// The decoded samples of a chunk, if they are `u8`.
fn u8s(d: &DecodingResult) -> Option<&[u8]> {
    match d {
        DecodingResult::U8(v) => Some(v),
        _ => None,
    }
}

/// The decoded samples of a chunk, if they are `u16`.
fn u16s(d: &DecodingResult) -> Option<&[u16]> {
    match d {
        DecodingResult::U16(v) => Some(v),
        _ => None,
    }
}

/// The decoded samples of a chunk, if they are `f32`.
fn f32s(d: &DecodingResult) -> Option<&[f32]> {
    match d {
        DecodingResult::F32(v) => Some(v),
        _ => None,
    }
}

/// The decoded samples of a chunk, if they are `f64`.
fn f64s(d: &DecodingResult) -> Option<&[f64]> {
    match d {
        DecodingResult::F64(v) => Some(v),
        _ => None,
    }
}

/// The first of every `channels` samples, mapped by `map`.
fn gray<S: Copy + 'static, T: 'static>(
    samples: fn(&DecodingResult) -> Option<&[S]>,
    channels: usize,
    map: fn(S) -> T,
) -> Convert<T> {
    Box::new(
        move |d, range, out| match samples(d).and_then(|s| s.get(range)) {
            Some(row) => {
                for (o, &v) in out.iter_mut().zip(row.iter().step_by(channels)) {
                    *o = map(v);
                }
                true
            }
            None => false,
        },
    )
}

/// Rec. 601 luma of pixels of `channels` samples, weighted by `w`.
fn colour<S: Copy + 'static>(
    samples: fn(&DecodingResult) -> Option<&[S]>,
    channels: usize,
    w: impl Fn(usize, S) -> f32 + Send + 'static,
) -> Convert<f32> {
    Box::new(
        move |d, range, out| match samples(d).and_then(|s| s.get(range)) {
            Some(row) => {
                rec601_row(row, channels, &w, out);
                true
            }
            None => false,
        },
    )
}

/// The luma of the TIFF `decoder` reads, by its colour type and sample format as `image` (and
/// `load`'s float TIFF reader) accepts them; `None` for the others.
fn stream_of<R: Read + Seek + Send + 'static>(
    decoder: Decoder<R>,
    layout: Layout,
    colour_type: ColorType,
    float: bool,
) -> Option<RowStream> {
    Some(match (colour_type, float) {
        (ColorType::Gray(8), false) => RowStream::U8(rows(decoder, layout, 1, gray(u8s, 1, |v| v))),
        (ColorType::GrayA(8), false) => {
            RowStream::U8(rows(decoder, layout, 2, gray(u8s, 2, |v| v)))
        }
        (ColorType::Gray(16), false) => {
            RowStream::U16(rows(decoder, layout, 1, gray(u16s, 1, |v| v)))
        }
        (ColorType::GrayA(16), false) => {
            RowStream::U16(rows(decoder, layout, 2, gray(u16s, 2, |v| v)))
        }
        (ColorType::Gray(32), true) => {
            RowStream::F32(rows(decoder, layout, 1, gray(f32s, 1, |v| v)))
        }
        (ColorType::Gray(64), true) => {
            RowStream::F32(rows(decoder, layout, 1, gray(f64s, 1, |v| v as f32)))
        }
        (ColorType::RGB(8), false) => {
            RowStream::F32(rows(decoder, layout, 3, colour(u8s, 3, weighted_u8())))
        }
        (ColorType::RGBA(8), false) => {
            RowStream::F32(rows(decoder, layout, 4, colour(u8s, 4, weighted_u8())))
        }
        (ColorType::RGB(16), false) => RowStream::F32(rows(
            decoder,
            layout,
            3,
            colour(u16s, 3, weighted(scale_u16)),
        )),
        (ColorType::RGBA(16), false) => RowStream::F32(rows(
            decoder,
            layout,
            4,
            colour(u16s, 4, weighted(scale_u16)),
        )),
        (ColorType::RGB(32), true) => {
            RowStream::F32(rows(decoder, layout, 3, colour(f32s, 3, weighted(|v| v))))
        }
        (ColorType::RGBA(32), true) => {
            RowStream::F32(rows(decoder, layout, 4, colour(f32s, 4, weighted(|v| v))))
        }
        _ => return None,
    })
}

/// Opens a TIFF for streaming, or says why it is read whole.
pub(super) fn open<R: Read + Seek + Send + 'static>(
    r: R,
    options: &LoadOptions,
) -> Result<Opened, LoadError> {
    let mut limits = Limits::default();
    limits.decoding_buffer_size = CHUNK_ROW_BYTES;
    limits.intermediate_buffer_size = CHUNK_ROW_BYTES;
    let mut decoder = Decoder::new(r).map_err(tiff_error)?.with_limits(limits);
    let (width, height) = decoder.dimensions().map_err(tiff_error)?;
    let colour_type = decoder.colortype().map_err(tiff_error)?;
    let formats = decoder
        .find_tag_unsigned_vec::<u16>(Tag::SampleFormat)
        .map_err(tiff_error)?
        .unwrap_or_default();
    let is = |f: SampleFormat| formats.iter().all(|&v| v == f.to_u16());
    let float = if is(SampleFormat::Uint) {
        false
    } else if !formats.is_empty() && is(SampleFormat::IEEEFP) {
        true
    } else {
        return Ok(Err(Whole(
            "a TIFF of signed or mixed samples is read whole",
        )));
    };
    let (channels, bits) = (
        usize::from(colour_type.num_samples()),
        usize::from(colour_type.bit_depth()),
    );
    let planar = decoder
        .find_tag_unsigned::<u16>(Tag::PlanarConfiguration)
        .map_err(tiff_error)?
        .unwrap_or(1);
    if planar != 1 && channels > 1 {
        return Ok(Err(Whole("a TIFF of planar samples is read whole")));
    }
    // As `image` reads it: a tag that cannot be read counts as none.
    let upright = options.keep_orientation
        || decoder
            .find_tag(Tag::Orientation)
            .ok()
            .flatten()
            .and_then(|v| v.into_u16().ok())
            .and_then(|v| Orientation::from_exif(v.min(255) as u8))
            .is_none_or(|o| o == Orientation::NoTransforms);
    if !upright {
        return Ok(Err(Whole(TURNED)));
    }
    let (chunk_width, chunk_height) = decoder.chunk_dimensions();
    let (chunk_width, chunk_height) = (chunk_width as usize, chunk_height as usize);
    let (rows, cols) = (height as usize, width as usize);
    if chunk_width == 0 || chunk_height == 0 {
        return Err(tiff_error(tiff::TiffError::FormatError(
            tiff::TiffFormatError::InvalidDimensions(width, height),
        )));
    }
    // The decoded samples of a strip or row of tiles, and their luma.
    let band_bytes = chunk_height
        .min(rows)
        .checked_mul(cols.next_multiple_of(chunk_width))
        .and_then(|px| px.checked_mul(channels * bits.div_ceil(8) + 4));
    if band_bytes.is_none_or(|b| b > CHUNK_ROW_BYTES) {
        return Ok(Err(Whole(
            "its strips or rows of tiles are too large to stream (more than 64 MiB)",
        )));
    }
    let layout = Layout {
        rows,
        cols,
        chunk_width,
        chunk_height,
        tiled: decoder.get_chunk_type() == ChunkType::Tile,
    };
    Ok(stream_of(decoder, layout, colour_type, float).ok_or(Whole(
        "a TIFF of this colour type or sample format is read whole (streamed: gray, \
         gray + alpha, RGB and RGBA of 8- or 16-bit or float samples)",
    )))
}

/// How an image is cut into chunks: strips of `chunk_height` rows, or tiles of `chunk_width x
/// chunk_height` pixels.
#[derive(Debug, Clone, Copy)]
struct Layout {
    rows: usize,
    cols: usize,
    chunk_width: usize,
    chunk_height: usize,
    tiled: bool,
}

impl Layout {
    /// The chunks across the image.
    fn across(&self) -> usize {
        if self.tiled {
            self.cols.div_ceil(self.chunk_width)
        } else {
            1
        }
    }
}

/// The rows of a TIFF of `channels` samples a pixel laid out as `layout`, converted by
/// `convert`.
fn rows<R: Read + Seek + Send + 'static, T: Default + Clone + Send + 'static>(
    decoder: Decoder<R>,
    layout: Layout,
    channels: usize,
    convert: Convert<T>,
) -> Box<dyn RowReader<T>> {
    Box::new(TiffRows {
        decoder,
        layout,
        channels,
        convert,
        band: Vec::new(),
        band_rows: 0..0,
        next: 0,
    })
}

/// A TIFF's rows: the strip or row of tiles holding the next row, decoded into `band`.
struct TiffRows<R: Read + Seek, T> {
    decoder: Decoder<R>,
    layout: Layout,
    channels: usize,
    convert: Convert<T>,
    /// The luma of the image rows `band_rows`, row-major.
    band: Vec<T>,
    band_rows: Range<usize>,
    /// The next row to give.
    next: usize,
}

impl<R: Read + Seek + Send, T: Default + Clone + Send> TiffRows<R, T> {
    /// Decodes the strip or row of tiles holding row `self.next` into `band`.
    fn decode_band(&mut self) -> Result<(), LoadError> {
        let l = self.layout;
        let band = self.next / l.chunk_height;
        let start = band * l.chunk_height;
        let height = l.chunk_height.min(l.rows - start);
        self.band.clear();
        self.band.resize(height * l.cols, T::default());
        let corrupt = || {
            tiff_error(tiff::TiffError::FormatError(
                tiff::TiffFormatError::InconsistentSizesEncountered,
            ))
        };
        for across in 0..l.across() {
            let x0 = across * l.chunk_width;
            let width = l.chunk_width.min(l.cols - x0);
            let index = band * l.across() + across;
            let index = u32::try_from(index).map_err(|_| corrupt())?;
            let chunk = self.decoder.read_chunk(index).map_err(tiff_error)?;
            let row_samples = width * self.channels;
            for y in 0..height {
                let out = &mut self.band[y * l.cols + x0..][..width];
                if !(self.convert)(&chunk, y * row_samples..(y + 1) * row_samples, out) {
                    return Err(corrupt());
                }
            }
        }
        self.band_rows = start..start + height;
        Ok(())
    }
}

impl<R: Read + Seek + Send, T: Default + Clone + Send> RowReader<T> for TiffRows<R, T> {
    fn size(&self) -> (usize, usize) {
        (self.layout.rows, self.layout.cols)
    }

    fn read_rows(&mut self, out: &mut [T]) -> Result<(), LoadError> {
        let cols = self.layout.cols;
        for o in out.chunks_exact_mut(cols) {
            if self.next >= self.layout.rows {
                return Err(tiff_error(tiff::TiffError::IoError(
                    std::io::ErrorKind::UnexpectedEof.into(),
                )));
            }
            if !self.band_rows.contains(&self.next) {
                self.decode_band()?;
            }
            let y = self.next - self.band_rows.start;
            o.clone_from_slice(&self.band[y * cols..(y + 1) * cols]);
            self.next += 1;
        }
        Ok(())
    }
}
