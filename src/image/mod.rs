//! The image side: files to luma grids and back, and pictures of results.
//!
//! [`decode`](mod@decode) reads image files, [`luma`] turns them into grids, `plane` is how
//! banded kernels read a grid (row by row, through a `RowSource`), `bands` runs them over bands
//! of rows in parallel and `row_cache` keeps the rows they reuse; [`render`] draws results and
//! [`encode`] writes pictures and raw arrays. Nothing here knows the command line.

pub(crate) mod bands;
pub mod decode;
pub mod encode;
pub mod luma;
pub(crate) mod plane;
pub mod render;
pub(crate) mod row_cache;

pub use decode::{decode, load_luma, load_luma_and_photo, DecodeLimits, LoadError};
pub use luma::{luma_of, Luma, LumaView};
