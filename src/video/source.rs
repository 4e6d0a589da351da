//! Where frames come from: a [`FrameSource`] hands out whole raw frames one by one.
//! [`RawSource`] reads them from any reader (a pipe, a file); the FFmpeg decoder
//! ([`FfmpegSource`](super::ffmpeg::FfmpegSource)) is another source over the same reading.

use std::io::{ErrorKind, Read};

use super::format::RawSpec;
use super::VideoError;

/// A sequence of raw frames of one size and format.
pub trait FrameSource: Send {
    /// The size and format of every frame.
    fn spec(&self) -> RawSpec;

    /// Reads the next frame into `frame` (resized to [`RawSpec::frame_bytes`]); `Ok(false)` at
    /// the end of the sequence.
    fn read_frame(&mut self, frame: &mut Vec<u8>) -> Result<bool, VideoError>;
}

/// Whole frames read from a reader: the end of the input between two frames ends the
/// sequence, within a frame it is [`VideoError::CutShort`].
///
/// ```
/// use edgegrad::video::{FrameSource, RawSource, VideoError};
/// let bytes: &[u8] = &[1, 2, 3, 4, 5];
/// let mut source = RawSource::new(bytes, "2x1".parse()?);
/// let mut frame = Vec::new();
/// assert!(source.read_frame(&mut frame)?);
/// assert_eq!(frame, [1, 2]);
/// assert!(source.read_frame(&mut frame)?);
/// let err = source.read_frame(&mut frame).unwrap_err();
/// assert_eq!(err.to_string(), "frame 3 is cut short: 1 of its 2 bytes");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RawSource<R> {
    reader: R,
    spec: RawSpec,
    /// Frames read so far.
    frames: u64,
}

impl<R: Read + Send> RawSource<R> {
    /// Frames of `spec` from `reader`.
    pub fn new(reader: R, spec: RawSpec) -> Self {
        RawSource {
            reader,
            spec,
            frames: 0,
        }
    }

    /// Frames read so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }
}

impl<R: Read + Send> FrameSource for RawSource<R> {
    fn spec(&self) -> RawSpec {
        self.spec
    }

    fn read_frame(&mut self, frame: &mut Vec<u8>) -> Result<bool, VideoError> {
        let n = self.spec.frame_bytes();
        frame.resize(n, 0);
        let mut filled = 0;
        while filled < n {
            match self.reader.read(&mut frame[filled..]) {
                Ok(0) => break,
                Ok(k) => filled += k,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(VideoError::Read(e)),
            }
        }
        match filled {
            0 => Ok(false),
            f if f == n => {
                self.frames += 1;
                Ok(true)
            }
            f => Err(VideoError::CutShort {
                frame: self.frames + 1,
                got: f,
                expected: n,
            }),
        }
    }
}
