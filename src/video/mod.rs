//! Video: frame after frame through the detection pipeline, frames in and out through raw pipes
//! or the `ffmpeg` program.
//!
//! A [`FrameSource`] gives whole raw frames ([`RawSource`] from any reader, [`FfmpegSource`]
//! from any file, URL or camera FFmpeg opens), [`FrameEdges`] turns each into the picture wanted
//! (the same [`Pipeline::run`](crate::detect::Pipeline::run) as `edgegrad detect`, with automatic
//! levels that hold still from frame to frame unless [`Levels::PerFrame`]), and a [`FrameSink`]
//! takes the pictures ([`RawSink`] to any writer, [`FfmpegSink`] to a video file or stream). [`run()`]
//! joins the three on their own threads, frames in flight between them.
//!
//! ```
//! use std::sync::atomic::AtomicBool;
//! use edgegrad::detect::{DetectConfig, Picture};
//! use edgegrad::video::{run, FrameEdges, Levels, RawSink, RawSource, RawSpec};
//! let spec: RawSpec = "16x8:gray8".parse()?;
//! let input: Vec<u8> = (0..2 * 16 * 8).map(|i| if i % 16 < 8 { 20 } else { 220 }).collect();
//! let mut output = Vec::new();
//! let pipeline = DetectConfig::default().build()?;
//! let mut edges = FrameEdges::new(pipeline, Picture::Edges, Levels::PerFrame, spec);
//! let stop = AtomicBool::new(false);
//! run(&mut RawSource::new(&input[..], spec), &mut edges, &mut RawSink::new(&mut output), &stop, &mut |_| {})?;
//! assert_eq!(output.len(), 2 * 16 * 8);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod edges;
pub mod ffmpeg;
pub mod format;
pub mod frame;
pub mod run;
pub mod sink;
pub mod source;

pub use edges::{FrameEdges, Levels};
pub use ffmpeg::{
    Camera, Container, Ffmpeg, FfmpegSink, FfmpegSource, FrameRate, RateError, StreamInfo,
    VideoInput,
};
pub use format::{PixelFormat, RawSpec, RawSpecError};
pub use run::{run, Ending, Summary};
pub use sink::{FrameSink, RawSink};
pub use source::{FrameSource, RawSource};

use std::io;

use thiserror::Error;

use crate::io::message::one_line;

/// Why frames could not be read, processed or written. Each message names the input or output
/// and fits on one line.
#[derive(Debug, Error)]
pub enum VideoError {
    /// The `ffmpeg` program is not installed (or not where it was said to be).
    #[error(
        "FFmpeg is needed for video files and cameras, but the program `{0}` was not found: \
         install it (Debian/Ubuntu: apt-get install ffmpeg; Fedora: dnf install ffmpeg; \
         macOS: brew install ffmpeg; Windows: winget install ffmpeg) or use --raw frames"
    )]
    NoFfmpeg(String),
    /// The program could not be started for another reason.
    #[error("cannot run {0}: {1}")]
    Spawn(String, #[source] io::Error),
    /// The input could not be opened as a video.
    #[error("{}: cannot open as a video: {}", one_line(.0), one_line(.1))]
    Open(String, String),
    /// Decoding failed part way.
    #[error("{}: cannot decode: {}", one_line(.0), one_line(.1))]
    Decode(String, String),
    /// The output file could not be created or put in place.
    #[error("{}: cannot write: {}", one_line(.0), one_line(.1))]
    Create(String, String),
    /// The encoder failed.
    #[error("{}: cannot encode: {}", one_line(.0), one_line(.1))]
    Encode(String, String),
    /// The extension names no video format this writes.
    #[error("{}: cannot tell the video format from the extension (use .mp4, .mov, .m4v, .mkv, .webm, .avi, .gif, .nut or .ts, or - for raw frames)", one_line(.0))]
    Extension(String),
    /// A format's name that names no video format this writes (the names it knows follow).
    #[error("{0:?} is not a video format this writes (use {1})")]
    Format(String, &'static str),
    /// A raw input ended in the middle of a frame (the frames before it were all processed).
    #[error("frame {frame} is cut short: {got} of its {expected} bytes")]
    CutShort {
        /// The frame, counting from 1.
        frame: u64,
        /// The bytes it had.
        got: usize,
        /// The bytes of a whole frame.
        expected: usize,
    },
    /// Reading the input failed.
    #[error("cannot read: {0}")]
    Read(#[source] io::Error),
    /// Writing the output failed.
    #[error("cannot write: {0}")]
    Write(#[source] io::Error),
    /// The reader of the output went away (a closed pipe).
    #[error("the output was closed by its reader")]
    OutputClosed,
    /// A stage thread stopped unexpectedly (a bug).
    #[error("a video thread stopped unexpectedly")]
    Internal,
}
