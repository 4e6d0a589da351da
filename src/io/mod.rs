//! Files: `.npy` arrays and writes that never leave half a file behind.

pub mod atomic;
pub mod message;
pub mod npy;
