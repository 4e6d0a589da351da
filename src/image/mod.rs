//! The image side: files to luma grids and back, and pictures of results.
//!
//! [`load`] reads image files (through [`decode`]), [`luma`] turns them into grids (and
//! [`arrays`] turns images given as arrays into the same grids), `plane` is
//! how banded kernels read a grid (row by row, through a `RowSource`), `bands` runs them over
//! bands of rows in parallel and `row_cache` keeps the rows they reuse; [`render`] draws results
//! and [`encode`] writes pictures and raw arrays;
//! [`curves`] holds edges as sub-pixel curves and writes them as CSV, JSON or SVG. Nothing here
//! knows the command line.

pub mod arrays;
pub(crate) mod bands;
pub mod curves;
pub mod decode;
pub mod encode;
pub mod luma;
pub(crate) mod plane;
pub mod render;
pub(crate) mod row_cache;
pub mod stream;

pub use decode::{load, load_reusing, DecodeLimits, LoadBuffers, LoadError, LoadOptions, Loaded};
pub use luma::{luma_of, Luma, LumaView};
