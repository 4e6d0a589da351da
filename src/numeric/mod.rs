//! The numeric core: numpy's `np.gradient` and `np.diff` on N-D arrays, bit for bit.
//!
//! Nothing here knows about images: arrays in, arrays out, numpy's dtype and error rules.

pub mod diff;
pub mod dtype;
mod float;
pub mod gradient;

pub use float::Float;
