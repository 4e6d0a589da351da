//! Helpers shared by some of the integration tests.

#![allow(dead_code)] // each test crate uses part of this module

pub mod exif;
pub mod run;
pub mod xvfb;
