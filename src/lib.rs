//! edgegrad: image edge detection built on a faithful, fast port of numpy's `np.gradient`.
//!
//! The numeric core is [`gradient()`](gradient::gradient) and [`diff()`](diff::diff): numpy's
//! functions for ndarray arrays of any dimension, bit-identical to numpy for `f32` and `f64`,
//! parallel with rayon.
//!
//! ```
//! use edgegrad::gradient::{gradient, GradientOptions};
//! let f = ndarray::array![[0.0f32, 1.0, 4.0], [1.0, 2.0, 5.0]];
//! let d = gradient(&f, &GradientOptions::default()).unwrap();
//! assert_eq!(d[1].row(0).to_vec(), vec![1.0, 2.0, 3.0]);
//! ```
#![deny(missing_docs)]

pub mod alloc;
pub mod batch;
pub mod diff;
pub mod edges;
mod float;
pub mod gradient;
pub mod grid;
pub mod io;
pub mod npy;
pub mod operators;
pub mod output;
pub mod pipeline;
mod plane;
pub mod render;
mod simd;
pub mod smooth;
pub mod timings;

pub use float::Float;
