//! From derivatives to edges: magnitude and direction, thresholds (fixed, automatic, Otsu,
//! percentile), non-maximum suppression and hysteresis.
//!
//! Each module has row kernels, which the fused pipeline calls inside its bands, and functions on
//! whole maps built from the same kernels, so both give the same edges bit for bit.

pub mod auto;
pub mod hysteresis;
pub mod magnitude;
pub mod nms;
pub mod threshold;
