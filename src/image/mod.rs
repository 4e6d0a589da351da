//! The image side: files to luma grids and back, and pictures of results.
//!
//! [`load`] reads image files (through [`decode`]), [`luma`] turns them into grids, `plane` is how banded
//! kernels read a grid, [`render`] draws results and [`encode`] writes pictures and raw arrays.
//! Nothing here knows the command line.

pub mod decode;
pub mod encode;
pub mod luma;
pub(crate) mod plane;
pub mod render;

pub use decode::{load, DecodeLimits, LoadError, LoadOptions, Loaded};
pub use luma::{luma_of, Luma, LumaView};
