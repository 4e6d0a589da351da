//! Fitting a picture into the window: scaled to fit with its aspect ratio kept (area averaging
//! when shrinking, nearest neighbour when enlarging), centred on a dark background, and packed
//! as the `0RGB` `u32` pixels minifb draws. Rows are drawn in parallel.

use image::{GrayImage, RgbImage};
use rayon::prelude::*;

/// The colour around a picture whose aspect ratio differs from the window's.
pub const BACKGROUND: u32 = 0x0020_2020;

/// A rendered view at the image's full size.
#[derive(Debug, Clone, PartialEq)]
pub enum Canvas {
    /// One channel: edges, magnitude.
    Gray(GrayImage),
    /// Three channels: the photo, dx, dy, direction, overlay.
    Rgb(RgbImage),
}

impl Canvas {
    /// (width, height) in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            Canvas::Gray(g) => g.dimensions(),
            Canvas::Rgb(c) => c.dimensions(),
        }
    }
}

/// Where a picture of `image` size lands in a `window`: the largest rectangle of the same
/// aspect ratio that fits, centred. Both sizes are (width, height).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Left edge in the window.
    pub x: usize,
    /// Top edge in the window.
    pub y: usize,
    /// Width of the scaled picture.
    pub width: usize,
    /// Height of the scaled picture.
    pub height: usize,
}

/// The placement of an `image`-sized picture in a `window`; zero-sized when either is empty.
pub fn place(image: (u32, u32), window: (usize, usize)) -> Placement {
    let (iw, ih) = (image.0 as usize, image.1 as usize);
    let (ww, wh) = window;
    if iw == 0 || ih == 0 || ww == 0 || wh == 0 {
        return Placement {
            x: 0,
            y: 0,
            width: 0,
            height: 0,
        };
    }
    // Compare ww/iw with wh/ih exactly in integers: the limiting side is scaled to the full
    // window, the other rounded to the nearest pixel (at least one).
    let (width, height) = if ww * ih <= wh * iw {
        (ww, ((ih * ww + iw / 2) / iw).clamp(1, wh))
    } else {
        (((iw * wh + ih / 2) / ih).clamp(1, ww), wh)
    };
    Placement {
        x: (ww - width) / 2,
        y: (wh - height) / 2,
        width,
        height,
    }
}

/// The largest size of `image`'s aspect ratio within `bound`, never larger than `image`
/// itself: the size a window opens at. Both are (width, height).
pub fn initial_window(image: (u32, u32), bound: (usize, usize)) -> (usize, usize) {
    let own = (image.0.max(1) as usize, image.1.max(1) as usize);
    if own.0 <= bound.0 && own.1 <= bound.1 {
        return own;
    }
    let p = place(image, bound);
    (p.width.max(1), p.height.max(1))
}

/// Draws `picture` into `frame`, a `window`-sized buffer of `0RGB` pixels (resized as needed,
/// its allocation reused), scaled to fit and centred on [`BACKGROUND`].
pub fn letterbox(picture: &Canvas, window: (usize, usize), frame: &mut Vec<u32>) {
    frame.clear();
    frame.resize(window.0 * window.1, BACKGROUND);
    let p = place(picture.dimensions(), window);
    if p.width == 0 {
        return;
    }
    let src = match picture {
        Canvas::Gray(g) => Source::new(g.as_raw(), 1, g.dimensions()),
        Canvas::Rgb(c) => Source::new(c.as_raw(), 3, c.dimensions()),
    };
    if p.width < src.width {
        shrink(&src, p, window.0, frame);
    } else {
        enlarge(&src, p, window.0, frame);
    }
}

/// A pixel of `CH` (1 or 3) bytes as `0RGB`.
#[inline(always)]
fn pack<const CH: usize>(px: &[u8]) -> u32 {
    if CH == 1 {
        let g = u32::from(px[0]);
        (g << 16) | (g << 8) | g
    } else {
        (u32::from(px[0]) << 16) | (u32::from(px[1]) << 8) | u32::from(px[2])
    }
}

/// A picture's bytes: `channels` bytes per pixel, rows of `width` pixels.
struct Source<'a> {
    pixels: &'a [u8],
    channels: usize,
    width: usize,
    height: usize,
}

impl<'a> Source<'a> {
    fn new(pixels: &'a [u8], channels: usize, size: (u32, u32)) -> Self {
        Source {
            pixels,
            channels,
            width: size.0 as usize,
            height: size.1 as usize,
        }
    }

    fn row(&self, y: usize) -> &[u8] {
        let len = self.width * self.channels;
        &self.pixels[y * len..(y + 1) * len]
    }
}

/// Nearest neighbour: destination pixel `i` shows source pixel `floor((i + 1/2) * s / d)`.
fn enlarge(src: &Source, p: Placement, stride: usize, frame: &mut [u32]) {
    match src.channels {
        1 => enlarge_channels::<1>(src, p, stride, frame),
        _ => enlarge_channels::<3>(src, p, stride, frame),
    }
}

/// [`enlarge`] for pictures of `CH` channels.
fn enlarge_channels<const CH: usize>(src: &Source, p: Placement, stride: usize, frame: &mut [u32]) {
    let nearest = |i: usize, s: usize, d: usize| ((2 * i + 1) * s / (2 * d)).min(s - 1);
    let columns: Vec<usize> = (0..p.width)
        .map(|i| nearest(i, src.width, p.width) * CH)
        .collect();
    frame
        .par_chunks_exact_mut(stride)
        .skip(p.y)
        .take(p.height)
        .enumerate()
        .for_each(|(j, out)| {
            let row = src.row(nearest(j, src.height, p.height));
            for (o, &c) in out[p.x..p.x + p.width].iter_mut().zip(&columns) {
                *o = pack::<CH>(&row[c..c + CH]);
            }
        });
}

/// Area averaging: destination pixel `i` is the mean of source pixels
/// `floor(i * s / d) .. floor((i + 1) * s / d)` along each axis, so every source pixel counts
/// once and a one-pixel line stays visible. (The image crate's `thumbnail` does the same but
/// took 10-75 ms to fit a 1920x1080 picture into 1280x720 here; this takes 1 (gray) to 2.5 (RGB)
/// ms.)
fn shrink(src: &Source, p: Placement, stride: usize, frame: &mut [u32]) {
    match src.channels {
        1 => shrink_channels::<1>(src, p, stride, frame),
        _ => shrink_channels::<3>(src, p, stride, frame),
    }
}

/// The most source rows summed into one `u32` column sum (`255 * MAX_ROWS <= u32::MAX`); taller
/// spans (a picture millions of rows tall in a small window) use every k-th row.
const MAX_ROWS: usize = (u32::MAX / 255) as usize;

/// [`shrink`] for pictures of `CH` channels. Means are rounded to the nearest value (an
/// exact half may go either way unless the span has a power-of-two number of pixels).
fn shrink_channels<const CH: usize>(src: &Source, p: Placement, stride: usize, frame: &mut [u32]) {
    let spans = |d: usize, s: usize| -> Vec<(usize, usize)> {
        (0..d).map(|i| (i * s / d, (i + 1) * s / d)).collect()
    };
    let columns = spans(p.width, src.width);
    let inverse_widths: Vec<f32> = columns.iter().map(|&(a, b)| 1.0 / (b - a) as f32).collect();
    let rows = spans(p.height, src.height);
    frame
        .par_chunks_exact_mut(stride)
        .skip(p.y)
        .take(p.height)
        .zip(rows.par_iter())
        .for_each_init(
            || vec![0u32; src.width * CH],
            |sums, (out, &(y0, y1))| {
                // Column sums over this band of rows (a loop the compiler vectorises), then
                // sums across each column span.
                sums.fill(0);
                let step = (y1 - y0).div_ceil(MAX_ROWS);
                let mut summed = 0usize;
                for y in (y0..y1).step_by(step) {
                    for (s, &v) in sums.iter_mut().zip(src.row(y)) {
                        *s += u32::from(v);
                    }
                    summed += 1;
                }
                let inverse_height = 1.0 / summed as f32;
                let spans = columns.iter().zip(&inverse_widths);
                for (o, (&(x0, x1), &inverse_width)) in
                    out[p.x..p.x + p.width].iter_mut().zip(spans)
                {
                    let mut total = [0u64; CH];
                    for px in sums[x0 * CH..x1 * CH].chunks_exact(CH) {
                        for (t, &v) in total.iter_mut().zip(px) {
                            *t += u64::from(v);
                        }
                    }
                    let scale = inverse_height * inverse_width;
                    // Through i64: one conversion instruction; + 0.5 and truncation: rounding
                    // without a call to `round`.
                    let mean = total.map(|t| (t as i64 as f32 * scale + 0.5) as u8);
                    *o = pack::<CH>(&mean);
                }
            },
        );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_keeps_the_aspect_ratio_and_centres() {
        let p = place((200, 100), (400, 400));
        assert_eq!((p.x, p.y, p.width, p.height), (0, 100, 400, 200));
        let p = place((100, 200), (400, 400));
        assert_eq!((p.x, p.y, p.width, p.height), (100, 0, 200, 400));
        let p = place((1920, 1080), (1280, 720));
        assert_eq!((p.x, p.y, p.width, p.height), (0, 0, 1280, 720));
    }

    #[test]
    fn placement_of_extreme_shapes_is_at_least_one_pixel() {
        let p = place((10000, 1), (100, 100));
        assert_eq!((p.width, p.height), (100, 1));
        assert_eq!(place((0, 5), (100, 100)).width, 0);
        assert_eq!(place((5, 5), (0, 100)).width, 0);
    }

    #[test]
    fn initial_window_never_enlarges_and_fits_the_bound() {
        assert_eq!(initial_window((300, 200), (1280, 720)), (300, 200));
        assert_eq!(initial_window((1920, 1080), (1280, 720)), (1280, 720));
        assert_eq!(initial_window((4000, 1000), (1280, 720)), (1280, 320));
    }

    #[test]
    fn enlarging_repeats_pixels() {
        let g = GrayImage::from_raw(2, 1, vec![10, 200]).unwrap();
        let mut frame = Vec::new();
        letterbox(&Canvas::Gray(g), (4, 4), &mut frame);
        let v = |x: u32| (x << 16) | (x << 8) | x;
        let bg = BACKGROUND;
        #[rustfmt::skip]
        let expected = vec![
            bg, bg, bg, bg,
            v(10), v(10), v(200), v(200),
            v(10), v(10), v(200), v(200),
            bg, bg, bg, bg,
        ];
        assert_eq!(frame, expected);
    }

    #[test]
    fn shrinking_averages_so_thin_lines_stay_visible() {
        // A one-pixel white line in an 8x8 black picture, shrunk to 4x4: nearest neighbour
        // could drop it, averaging keeps it at half brightness.
        let g = GrayImage::from_fn(8, 8, |x, _| image::Luma([if x == 3 { 255 } else { 0 }]));
        let mut frame = Vec::new();
        letterbox(&Canvas::Gray(g), (4, 4), &mut frame);
        for row in frame.chunks_exact(4) {
            assert_eq!(row[0], 0);
            assert_eq!(row[1] & 0xff, 128, "{row:x?}"); // 255 / 2, rounded
            assert_eq!(row[2], 0);
        }
    }

    #[test]
    fn shrinking_by_a_fraction_averages_each_span_of_source_pixels() {
        // 3 columns into 2: spans [0, 1) and [1, 3); rows 2 into 1 (window 2x1).
        let c = RgbImage::from_raw(
            3,
            2,
            vec![
                10, 0, 0, /**/ 20, 0, 0, /**/ 30, 0, 255, 30, 0, 0, /**/ 40, 0, 0,
                /**/ 50, 0, 255,
            ],
        )
        .unwrap();
        let mut frame = Vec::new();
        letterbox(&Canvas::Rgb(c), (2, 1), &mut frame);
        // (10 + 30) / 2 = 20; (20 + 30 + 40 + 50) / 4 = 35, blue (0 + 255 + 0 + 255) / 4 = 127.5.
        assert_eq!(frame, vec![0x0014_0000, 0x0023_0080]);
    }

    #[test]
    fn colour_is_packed_as_0rgb() {
        let c = RgbImage::from_raw(1, 1, vec![1, 2, 3]).unwrap();
        let mut frame = vec![7; 100];
        letterbox(&Canvas::Rgb(c), (1, 1), &mut frame);
        assert_eq!(frame, vec![0x0001_0203]);
    }
}
