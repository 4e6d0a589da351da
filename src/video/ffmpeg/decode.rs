//! Decoding: FFmpeg reads the input and writes its first video stream as raw frames on its
//! standard output, which [`FfmpegSource`] reads as a [`FrameSource`].

use std::process::{Child, ChildStdout, Stdio};

use super::input::VideoInput;
use super::log::{Log, StreamInfo};
use super::Ffmpeg;
use crate::video::format::{PixelFormat, RawSpec};
use crate::video::source::{FrameSource, RawSource};
use crate::video::VideoError;

/// The frames of a video decoded by an FFmpeg child process.
#[derive(Debug)]
pub struct FfmpegSource {
    child: Child,
    frames: RawSource<ChildStdout>,
    log: Log,
    info: StreamInfo,
    input: String,
}

impl FfmpegSource {
    /// Starts decoding `input` into frames of `format`, and waits until FFmpeg says the size
    /// and rate of the video (or fails: then its reason, naming the input).
    ///
    /// ```no_run
    /// use edgegrad::video::{Ffmpeg, FfmpegSource, FrameSource, PixelFormat, VideoInput};
    /// let mut source = FfmpegSource::open(&Ffmpeg::new("ffmpeg"), &VideoInput::parse("clip.mp4"), PixelFormat::Gray8)?;
    /// println!("{}x{} at {} fps", source.info().width, source.info().height, source.info().rate);
    /// let mut frame = Vec::new();
    /// while source.read_frame(&mut frame)? {}
    /// # Ok::<(), edgegrad::video::VideoError>(())
    /// ```
    pub fn open(
        ffmpeg: &Ffmpeg,
        input: &VideoInput,
        format: PixelFormat,
    ) -> Result<Self, VideoError> {
        FfmpegSource::open_at(ffmpeg, input, format, 0.0)
    }

    /// Like [`FfmpegSource::open`], starting at `start` seconds into the input (the frame
    /// shown at that time; FFmpeg decodes from the key frame before it and drops the frames
    /// in between). A start of 0 or less starts at the beginning.
    pub fn open_at(
        ffmpeg: &Ffmpeg,
        input: &VideoInput,
        format: PixelFormat,
        start: f64,
    ) -> Result<Self, VideoError> {
        let name = input.to_string();
        if let VideoInput::File(path) = input {
            std::fs::metadata(path).map_err(|e| VideoError::Open(name.clone(), e.to_string()))?;
        }
        let mut command = ffmpeg.command();
        if *input != VideoInput::Stdin {
            command.arg("-nostdin");
        }
        if start > 0.0 && start.is_finite() {
            command.args(["-ss", &format!("{start:.6}")]);
        }
        command
            .args(input.ffmpeg_args())
            .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-f", "rawvideo"])
            .args(["-pix_fmt", format.ffmpeg_name(), "pipe:1"])
            .stdin(if *input == VideoInput::Stdin {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = ffmpeg.spawn(&mut command)?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut log = Log::start(child.stderr.take().expect("stderr is piped"));
        let Some(info) = log.stream() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(VideoError::Open(name, without_input(log.reason(), input)));
        };
        let spec = RawSpec::new(info.width, info.height, format)
            .map_err(|e| VideoError::Open(name.clone(), e.to_string()))?;
        Ok(FfmpegSource {
            child,
            frames: RawSource::new(stdout, spec),
            log,
            info,
            input: name,
        })
    }

    /// The video's size, rate and duration as FFmpeg reported them.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// The number of frames the video should have, from its duration and rate, when known.
    pub fn expected_frames(&self) -> Option<u64> {
        let d = self.info.duration?;
        let n = (d * self.info.rate.fps()).round();
        (n.is_finite() && n >= 1.0).then_some(n as u64)
    }
}

impl FrameSource for FfmpegSource {
    fn spec(&self) -> RawSpec {
        self.frames.spec()
    }

    fn read_frame(&mut self, frame: &mut Vec<u8>) -> Result<bool, VideoError> {
        let more = self.frames.read_frame(frame).map_err(|e| match e {
            VideoError::CutShort { frame, .. } => VideoError::Decode(
                self.input.clone(),
                format!("ffmpeg stopped in the middle of frame {frame}"),
            ),
            e => e,
        })?;
        if !more {
            let status = self.child.wait().map_err(VideoError::Read)?;
            if !status.success() {
                return Err(VideoError::Decode(self.input.clone(), self.log.reason()));
            }
        }
        Ok(more)
    }
}

impl Drop for FfmpegSource {
    fn drop(&mut self) {
        // Stopped early (or done: then these do nothing).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// FFmpeg's `reason` without the input's name it starts with (the error names it already).
fn without_input(reason: String, input: &VideoInput) -> String {
    let args = input.ffmpeg_args();
    let Some(what) = args.last().map(|a| a.to_string_lossy().into_owned()) else {
        return reason;
    };
    match reason
        .strip_prefix(&what)
        .and_then(|r| r.strip_prefix(": "))
    {
        Some(rest) => rest.to_string(),
        None => reason,
    }
}
