//! From derivatives to edges: magnitude and direction, thresholds (fixed, automatic, Otsu,
//! percentile), non-maximum suppression, zero crossings of the Laplacian and hysteresis.
//!
//! Each module has row kernels, which the pipeline calls inside its bands (fused or over full
//! maps, through one dispatch on the edge rule), so both paths give the same edges bit for bit;
//! [`magnitude`] also has the whole-map magnitude and direction.

pub mod atan2;
pub mod auto;
pub mod crossings;
pub mod hysteresis;
pub mod magnitude;
pub mod nms;
pub mod steady;
pub mod threshold;
