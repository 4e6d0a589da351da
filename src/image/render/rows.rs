//! The pictures' row kernels: one row of a map in, one row of pixels out.
//!
//! The whole-array pictures of [`render`](super) and the banded ones the pipeline draws
//! straight from the image (no full-size float map) both call these, so they give the same
//! pixels by construction. Each loop is branch-free arithmetic the compiler vectorises; the
//! colour maps are tables read once per pixel.

use std::sync::LazyLock;

use colorous::Gradient;

/// The largest finite absolute value of `acc` and `row` (fold rows starting from 0).
#[inline(always)]
pub(crate) fn finite_abs_max(acc: f32, row: &[f32]) -> f32 {
    row.iter().fold(acc, |m, &v| {
        let v = v.abs();
        if v.is_finite() && v > m {
            v
        } else {
            m
        }
    })
}

/// The scale of a picture from the largest finite absolute value: itself, or 1 when it is not
/// above zero (an all-zero map draws black).
pub(crate) fn scale(max: f32) -> f32 {
    if max > 0.0 {
        max
    } else {
        1.0
    }
}

/// `x >= 0` rounded to the nearest integer, halves up (then saturated by the `as` cast):
/// `f32::round` is a library call on baseline x86-64, this is two instructions.
#[inline(always)]
pub(crate) fn round_up(x: f32) -> f32 {
    x + 0.5
}

/// `v / max` clamped to [0, 1]; NaN gives 0.
#[inline(always)]
pub(crate) fn unit(v: f32, max: f32) -> f32 {
    let u = (v / max).clamp(0.0, 1.0);
    if u.is_nan() {
        0.0
    } else {
        u
    }
}

/// A row of the magnitude picture, 8-bit: `m / max` scaled to 0..=255.
#[inline(always)]
pub(crate) fn gray8(out: &mut [u8], m: &[f32], max: f32) {
    for (o, &v) in out.iter_mut().zip(m) {
        *o = round_up(unit(v, max) * 255.0) as u8;
    }
}

/// A row of the magnitude picture, 16-bit: `m / max` scaled to 0..=65535.
#[inline(always)]
pub(crate) fn gray16(out: &mut [u16], m: &[f32], max: f32) {
    for (o, &v) in out.iter_mut().zip(m) {
        *o = round_up(unit(v, max) * 65535.0) as u16;
    }
}

/// A table of `n` colours sampled evenly from `gradient` over [0, 1].
fn table(gradient: Gradient, n: usize) -> Vec<[u8; 3]> {
    (0..n)
        .map(|i| {
            let c = gradient.eval_continuous(i as f64 / (n - 1) as f64);
            [c.r, c.g, c.b]
        })
        .collect()
}

/// The direction picture's colour wheel: colorous' cyclic Sinebow map in [`Wheel::HUES`] steps,
/// angle -π..π once round, and black for NaN angles.
pub(crate) struct Wheel {
    /// The hues as `f32` channel values, then black.
    hues: Vec<[f32; 3]>,
}

impl Wheel {
    /// Hues round the wheel.
    const HUES: usize = 1024;

    /// The wheel, made once per process (every picture and video frame shares it).
    pub(crate) fn get() -> &'static Wheel {
        static WHEEL: LazyLock<Wheel> = LazyLock::new(|| {
            let mut hues: Vec<[f32; 3]> = table(colorous::SINEBOW, Wheel::HUES)
                .into_iter()
                .map(|c| c.map(f32::from))
                .collect();
            hues.push([0.0; 3]);
            Wheel { hues }
        });
        &WHEEL
    }

    /// A row of the direction picture: hue from the angle `dir` (clamped to -π..π; NaN is
    /// black), brightness `m / max` clamped to [0, 1]. `index` is a scratch row.
    #[inline(always)]
    pub(crate) fn row(
        &self,
        out: &mut [[u8; 3]],
        dir: &[f32],
        m: &[f32],
        max: f32,
        index: &mut Vec<u32>,
    ) {
        let steps = (Self::HUES - 1) as f32;
        index.clear();
        index.extend(dir.iter().map(|&d| {
            let turn = (d / std::f32::consts::TAU + 0.5).clamp(0.0, 1.0);
            let i = round_up(turn * steps) as u32;
            if d.is_nan() {
                Self::HUES as u32
            } else {
                i
            }
        }));
        for ((px, &i), &v) in out.iter_mut().zip(index.iter()).zip(m) {
            let b = unit(v, max);
            let hue = self.hues.get(i as usize).copied().unwrap_or([0.0; 3]);
            *px = hue.map(|c| round_up(c * b) as u8);
        }
    }
}

/// The signed pictures' colour map: colorous' red-blue diverging map in
/// [`Diverging::LEVELS`] steps, zero in the middle.
pub(crate) struct Diverging {
    colours: Vec<[u8; 3]>,
}

impl Diverging {
    /// Steps of the map.
    const LEVELS: usize = 511;

    /// The map, made once per process (every picture and video frame shares it).
    pub(crate) fn get() -> &'static Diverging {
        static MAP: LazyLock<Diverging> = LazyLock::new(|| Diverging {
            colours: table(colorous::RED_BLUE, Diverging::LEVELS),
        });
        &MAP
    }

    /// A row of a signed picture: red for `d > 0`, blue for `d < 0`, near white for 0 and NaN,
    /// `±max` at the ends.
    #[inline(always)]
    pub(crate) fn row(&self, out: &mut [[u8; 3]], d: &[f32], max: f32) {
        let steps = (Self::LEVELS - 1) as f32;
        for (px, &v) in out.iter_mut().zip(d) {
            let t = if v.is_nan() {
                0.5
            } else {
                0.5 - 0.5 * (v / max).clamp(-1.0, 1.0)
            };
            let i = round_up(t * steps) as usize;
            *px = self.colours.get(i).copied().unwrap_or([0; 3]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Diverging, Wheel};

    /// The tables are made once: a video of thousands of small frames once spent most of its
    /// time sampling the colour maps again for every frame.
    #[test]
    fn the_colour_tables_are_made_once_and_shared() {
        assert!(std::ptr::eq(Wheel::get(), Wheel::get()));
        assert!(std::ptr::eq(Diverging::get(), Diverging::get()));
        assert_eq!(Wheel::get().hues.len(), Wheel::HUES + 1);
        assert_eq!(Wheel::get().hues[Wheel::HUES], [0.0; 3], "black for NaN");
        assert_eq!(Diverging::get().colours.len(), Diverging::LEVELS);
    }
}
