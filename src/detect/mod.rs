//! Edge detection: derivative operators, smoothing, edge decisions and the [`Pipeline`] that
//! runs them, with its fused banded path.

pub mod config;
pub mod derivatives;
pub mod edges;
pub mod pipeline;
pub(crate) mod simd;
pub mod smoothing;

pub use config::{ConfigError, DetectConfig};
pub use pipeline::{Detection, Pipeline, Wanted};
