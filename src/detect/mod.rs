//! Edge detection: derivative operators, smoothing, edge decisions and the [`Pipeline`] that
//! runs them, with its fused banded path; the [`EdgeRule`] and the rest of its configuration,
//! the [`Picture`]s drawn from its results, and the edges as
//! sub-pixel curves ([`geometry`]).

pub mod config;
pub mod derivatives;
pub mod edges;
pub mod geometry;
pub mod picture;
pub mod pipeline;
pub mod rule;
pub(crate) mod simd;
pub mod smoothing;

pub use config::{ConfigError, DetectConfig, EdgeOrder};
pub use picture::Picture;
pub use pipeline::{Detection, OutputNameError, Pipeline, Wanted};
pub use rule::{EdgeRule, HysteresisLevels, RuleConflict};
