//! Where output frames go: a [`FrameSink`] takes whole frames one by one and is finished at
//! the end. [`RawSink`] writes them to any writer, each frame as soon as it is made; the FFmpeg
//! encoder ([`FfmpegSink`](super::ffmpeg::FfmpegSink)) is another sink.

use std::io::{ErrorKind, Write};

use super::VideoError;

/// A destination for frames.
pub trait FrameSink: Send {
    /// Writes one whole frame.
    fn write_frame(&mut self, frame: &[u8]) -> Result<(), VideoError>;

    /// Ends the sequence: everything written is complete and in place. A sink dropped without
    /// being finished leaves nothing behind where it can (a file is not put in place).
    fn finish(&mut self) -> Result<(), VideoError>;
}

/// Frames written to a writer as they come, each flushed at once: no buffering beyond the
/// frame. A reader that went away is [`VideoError::OutputClosed`].
///
/// ```
/// use edgegrad::video::{FrameSink, RawSink};
/// let mut out = Vec::new();
/// let mut sink = RawSink::new(&mut out);
/// sink.write_frame(&[1, 2])?;
/// sink.write_frame(&[3, 4])?;
/// sink.finish()?;
/// assert_eq!(out, [1, 2, 3, 4]);
/// # Ok::<(), edgegrad::video::VideoError>(())
/// ```
#[derive(Debug)]
pub struct RawSink<W> {
    writer: W,
}

impl<W: Write + Send> RawSink<W> {
    /// Frames written to `writer`.
    pub fn new(writer: W) -> Self {
        RawSink { writer }
    }
}

/// The error of a failed write: [`VideoError::OutputClosed`] when the reader went away.
fn write_error(e: std::io::Error) -> VideoError {
    if e.kind() == ErrorKind::BrokenPipe {
        VideoError::OutputClosed
    } else {
        VideoError::Write(e)
    }
}

impl<W: Write + Send> FrameSink for RawSink<W> {
    fn write_frame(&mut self, frame: &[u8]) -> Result<(), VideoError> {
        self.writer.write_all(frame).map_err(write_error)?;
        self.writer.flush().map_err(write_error)
    }

    fn finish(&mut self) -> Result<(), VideoError> {
        self.writer.flush().map_err(write_error)
    }
}
