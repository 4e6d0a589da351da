//! Rows of big-endian samples as files store them (PNG, binary PNM) turned into rows of luma,
//! as [`luma_of`](crate::image::luma_of) turns the same pixels: the gray channel as it is
//! (alpha dropped), colour as Rec. 601 luma in `f32`.

use crate::image::luma::{rec601_row, scale_u16, weighted, weighted_u8};

/// Turns one stored row of bytes into a row of luma samples.
pub(super) type Convert<T> = Box<dyn FnMut(&[u8], &mut [T]) + Send>;

/// Gray channel values: the first of every `channels` bytes.
pub(super) fn gray8(channels: usize) -> Convert<u8> {
    Box::new(move |row, out| {
        for (o, &v) in out.iter_mut().zip(row.iter().step_by(channels)) {
            *o = v;
        }
    })
}

/// Gray 16-bit big-endian channel values: the first of every `channels`.
pub(super) fn gray16(channels: usize) -> Convert<u16> {
    Box::new(move |row, out| {
        for (o, b) in out.iter_mut().zip(row.chunks_exact(2 * channels)) {
            *o = u16::from_be_bytes([b[0], b[1]]);
        }
    })
}

/// Rec. 601 luma of 8-bit colour pixels of `channels` channels.
pub(super) fn colour8(channels: usize) -> Convert<f32> {
    let w = weighted_u8();
    Box::new(move |row, out| rec601_row(row, channels, &w, out))
}

/// Rec. 601 luma of 16-bit big-endian colour pixels of `channels` channels.
pub(super) fn colour16(channels: usize) -> Convert<f32> {
    let w = weighted(scale_u16);
    let mut values = Vec::new();
    Box::new(move |row, out| {
        values.clear();
        values.extend(
            row.chunks_exact(2)
                .map(|b| u16::from_be_bytes([b[0], b[1]])),
        );
        rec601_row(&values, channels, &w, out);
    })
}
