//! edgegrad: image edge detection built on a faithful, fast port of numpy's `np.gradient`.
//!
//! The crate is layered; each layer uses only the ones listed before it:
//! - [`numeric`]: [`gradient()`] and [`diff()`], numpy's functions on ndarray arrays of any
//!   dimension, bit-identical to numpy for `f32` and `f64`, parallel with rayon. No images.
//! - [`io`]: `.npy` files and atomic writes.
//! - [`image`]: image files to luma grids ([`load()`]) and pictures back to files.
//! - [`detect`]: derivative operators, smoothing, edge decisions and the [`Pipeline`].
//! - [`batch`]: whole folder trees, sharded and resumable, with any per-file work.
//! - [`video`]: frame after frame through the same pipeline, raw pipes and FFmpeg in and out.
//!
//! The command-line front-end lives in the `edgegrad` binary (feature `cli`, on by default);
//! the library builds without it.
//!
//! ```
//! use edgegrad::{gradient, GradientOptions};
//! let f = ndarray::array![[0.0f32, 1.0, 4.0], [1.0, 2.0, 5.0]];
//! let d = gradient(&f, &GradientOptions::default()).unwrap();
//! assert_eq!(d[1].row(0).to_vec(), vec![1.0, 2.0, 3.0]);
//! ```
#![deny(missing_docs)]

#[cfg(target_os = "linux")]
pub mod alloc;
pub mod batch;
pub mod detect;
pub mod image;
pub mod io;
pub mod numeric;
pub mod timings;
pub mod video;

pub use detect::{DetectConfig, Detection, EdgeRule, Picture, Pipeline, Wanted};
pub use image::curves::{Curve, Curves, EdgePoint};
pub use image::{load, DecodeLimits, LoadError, LoadOptions, Loaded, Luma, LumaView};
pub use numeric::diff::{diff, DiffError, DiffOptions};
pub use numeric::gradient::{gradient, GradientError, GradientOptions, Spacing};
pub use numeric::Float;
pub use timings::Timings;
