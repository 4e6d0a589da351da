//! The floating-point element types edgegrad computes in: `f32` and `f64`.

use std::fmt::{Debug, Display};

/// A floating-point element type of the numeric core (`f32` or `f64`).
///
/// Conversions go through `f64`, which holds every `f32` exactly, so `cast` rounds at most once,
/// exactly as numpy's casts do.
///
/// ```
/// use edgegrad::Float;
/// assert_eq!(0.1f64.cast::<f32>(), 0.1f32);
/// assert_eq!(<f32 as Float>::NAME, "float32");
/// ```
pub trait Float:
    num_traits::Float + Default + Debug + Display + Send + Sync + 'static + sealed::Sealed
{
    /// numpy's name of the type.
    const NAME: &'static str;

    /// The size of one value in bytes; the wider of two types is the one numpy promotes to.
    const SIZE: usize = std::mem::size_of::<Self>();

    /// The nearest value of this type to `v` (round to nearest, ties to even).
    fn from_f64(v: f64) -> Self;

    /// The value as `f64` (exact).
    fn to_f64(self) -> f64;

    /// The nearest value of type `U`.
    #[inline(always)]
    fn cast<U: Float>(self) -> U {
        U::from_f64(self.to_f64())
    }
}

impl Float for f32 {
    const NAME: &'static str = "float32";

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }

    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Float for f64 {
    const NAME: &'static str = "float64";

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }

    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}
