//! Video files, URLs and cameras through the `ffmpeg` program, run as a child process with raw
//! frames on its pipes: [`FfmpegSource`] decodes any input FFmpeg reads into raw frames,
//! [`FfmpegSink`] encodes raw frames into a video file whose container and codec follow its
//! extension, or into a stream of a named format ([`Container`]).
//!
//! Children run in their own process group on Unix, so a Ctrl-C in the terminal reaches
//! edgegrad alone, which then ends them in order (the encoder finishing its file).

mod decode;
mod encode;
mod input;
pub mod log;
mod rate;

use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::{Command, Stdio};

pub use decode::FfmpegSource;
pub use encode::{Container, FfmpegSink};
pub use input::{Camera, VideoInput};
pub use log::StreamInfo;
pub use rate::{FrameRate, RateError};

use super::VideoError;

/// The `ffmpeg` program to run.
///
/// ```no_run
/// use edgegrad::video::Ffmpeg;
/// let ffmpeg = Ffmpeg::new("ffmpeg");
/// ffmpeg.check()?; // a clear error when FFmpeg is not installed
/// # Ok::<(), edgegrad::video::VideoError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ffmpeg {
    program: OsString,
}

impl Ffmpeg {
    /// The program named `program` (a name looked up on `PATH`, or a path).
    pub fn new(program: impl Into<OsString>) -> Self {
        Ffmpeg {
            program: program.into(),
        }
    }

    /// Checks that the program runs (`ffmpeg -version`).
    pub fn check(&self) -> Result<(), VideoError> {
        let status = Command::new(&self.program)
            .arg("-version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => Ok(()),
            Ok(_) => Err(self.missing()),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(self.missing()),
            Err(e) => Err(VideoError::Spawn(
                self.program.to_string_lossy().into_owned(),
                e,
            )),
        }
    }

    fn missing(&self) -> VideoError {
        VideoError::NoFfmpeg(self.program.to_string_lossy().into_owned())
    }

    /// A command running the program quietly: no banner, no interactive keys.
    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(["-hide_banner", "-nostats"]);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            c.process_group(0);
        }
        c
    }

    /// Starts `command`, the error naming a missing program as [`VideoError::NoFfmpeg`].
    fn spawn(&self, command: &mut Command) -> Result<std::process::Child, VideoError> {
        command.spawn().map_err(|e| {
            if e.kind() == ErrorKind::NotFound {
                self.missing()
            } else {
                VideoError::Spawn(self.program.to_string_lossy().into_owned(), e)
            }
        })
    }
}
