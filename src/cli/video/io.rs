//! Where `edgegrad video` reads and writes: raw frames from standard input or a file, or any
//! input through FFmpeg; raw frames or (with --format) an encoded video to standard output, or
//! a video file through FFmpeg.

use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Result;
use edgegrad::detect::Picture;
use edgegrad::video::{
    Container, Ffmpeg, FfmpegSink, FfmpegSource, FrameEdges, FrameRate, FrameSink, FrameSource,
    RawSink, RawSource, RawSpec, VideoError, VideoInput,
};

use super::super::UsageError;

/// The environment variable naming the `ffmpeg` program to run (default: `ffmpeg` on PATH).
pub const FFMPEG_VAR: &str = "EDGEGRAD_FFMPEG";

/// The FFmpeg program: `$EDGEGRAD_FFMPEG`, or `ffmpeg` on PATH.
pub fn ffmpeg() -> Ffmpeg {
    Ffmpeg::new(std::env::var_os(FFMPEG_VAR).unwrap_or_else(|| "ffmpeg".into()))
}

/// The format of what `-o -` writes (--format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Raw frames (`raw`), the default.
    Raw,
    /// A video of this container and codec.
    Video(Container),
}

/// Parses --format: `raw`, an extension (`mkv`) or FFmpeg's name of a container (`matroska`).
pub fn parse_format(text: &str) -> Result<Format, String> {
    if text.eq_ignore_ascii_case("raw") || text.eq_ignore_ascii_case("rawvideo") {
        return Ok(Format::Raw);
    }
    Container::from_name(text)
        .map(Format::Video)
        .map_err(|e| e.to_string())
}

/// Where the frames go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// `-`: raw frames on standard output.
    Raw,
    /// `-` with --format: a video of this container on standard output.
    Stream(Container),
    /// A video file.
    File(PathBuf),
}

impl Output {
    /// `-` (in `format`, raw frames if not given) or a video file whose extension names a
    /// container (without `format`, which is for `-` only). A usage error otherwise.
    pub fn parse(text: &str, format: Option<Format>) -> Result<Output, UsageError> {
        if text == "-" {
            return Ok(match format {
                None | Some(Format::Raw) => Output::Raw,
                Some(Format::Video(container)) => Output::Stream(container),
            });
        }
        if format.is_some() {
            return Err(UsageError(format!(
                "--format is the format of -o - (standard output); {text}'s extension chooses                  its own"
            )));
        }
        let path = PathBuf::from(text);
        Container::from_path(&path).map_err(|e| UsageError(format!("-o {e}")))?;
        Ok(Output::File(path))
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Raw | Output::Stream(_) => f.write_str("standard output"),
            Output::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The frames read, with what is known of their rate and number, and an optional limit.
pub struct Input {
    source: Box<dyn FrameSource>,
    rate: Option<FrameRate>,
    expected: Option<u64>,
    left: Option<u64>,
}

impl Input {
    /// The frame rate of a video (none for raw frames).
    pub fn rate(&self) -> Option<FrameRate> {
        self.rate
    }

    /// How many frames will come, when known.
    pub fn expected_frames(&self) -> Option<u64> {
        match (self.expected, self.left) {
            (Some(e), Some(l)) => Some(e.min(l)),
            (e, l) => e.or(l),
        }
    }

    /// Ends the input after `frames` frames, if given.
    pub fn limit(&mut self, frames: Option<u64>) {
        self.left = frames;
    }
}

impl FrameSource for Input {
    fn spec(&self) -> RawSpec {
        self.source.spec()
    }

    fn read_frame(&mut self, frame: &mut Vec<u8>) -> Result<bool, VideoError> {
        if self.left == Some(0) {
            return Ok(false);
        }
        let more = self.source.read_frame(frame)?;
        if more {
            self.left = self.left.map(|l| l - 1);
        }
        Ok(more)
    }
}

/// Opens the input: raw frames of `raw` from standard input or a file, or else the video
/// FFmpeg decodes, in the pixel format `picture` needs.
pub fn open_input(
    ffmpeg: &Ffmpeg,
    input: &VideoInput,
    raw: Option<RawSpec>,
    picture: Picture,
) -> Result<Input> {
    let (source, rate, expected): (Box<dyn FrameSource>, _, _) = match (raw, input) {
        (Some(spec), VideoInput::File(path)) => {
            let file = File::open(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
            let len = file.metadata().map(|m| m.len()).ok();
            let whole = len.map(|l| l / spec.frame_bytes() as u64);
            (Box::new(RawSource::new(file, spec)), None, whole)
        }
        (Some(spec), _) => (Box::new(RawSource::new(stdin(), spec)), None, None),
        (None, input) => {
            let source = FfmpegSource::open(ffmpeg, input, FrameEdges::decode_format(picture))?;
            let rate = Some(source.info().rate);
            let expected = source.expected_frames();
            (Box::new(source), rate, expected)
        }
    };
    Ok(Input {
        source,
        rate,
        expected,
        left: None,
    })
}

/// Makes the output for frames of `spec` at `rate`.
pub fn open_output(
    ffmpeg: &Ffmpeg,
    output: &Output,
    spec: RawSpec,
    rate: FrameRate,
) -> Result<Box<dyn FrameSink>> {
    Ok(match output {
        Output::Raw => Box::new(RawSink::new(stdout())),
        Output::Stream(container) => Box::new(FfmpegSink::stream(
            ffmpeg,
            stdout(),
            &output.to_string(),
            *container,
            spec,
            rate,
        )?),
        Output::File(path) => Box::new(FfmpegSink::create(ffmpeg, path, spec, rate)?),
    })
}

/// The error of a run, naming the input or output when the library's message does not.
pub fn name_error(e: VideoError, input: &VideoInput, output: &Output) -> String {
    match e {
        VideoError::CutShort { .. } | VideoError::Read(_) => format!("{input}: {e}"),
        VideoError::Write(_) => format!("{output}: {e}"),
        e => e.to_string(),
    }
}

/// Standard input, read without a buffer in between (frames are read whole).
fn stdin() -> Box<dyn Read + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() {
            return Box::new(File::from(fd));
        }
    }
    Box::new(std::io::stdin())
}

/// Standard output, written as it comes without the line buffering of `std::io::stdout`.
fn stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}
