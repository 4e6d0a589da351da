//! The numeric core: numpy's `np.gradient` and `np.diff` on N-D arrays, bit for bit, and the
//! derivatives beyond them (higher orders and accuracies, boundary modes, laplacian, hessian).
//!
//! Nothing here knows about images: arrays in, arrays out, numpy's dtype and error rules.

pub mod derivative;
pub mod diff;
pub mod dtype;
mod float;
pub mod gradient;
pub(crate) mod pass;
pub(crate) mod simd;

pub use float::Float;
