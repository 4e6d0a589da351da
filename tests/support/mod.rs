//! Helpers shared by some of the integration tests.

pub mod exif;
