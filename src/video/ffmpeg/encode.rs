//! Encoding: raw frames go to FFmpeg's standard input and become a video. The container and
//! codec follow the file's extension or a format's name ([`Container`]). A file is written
//! under a temporary name beside the target and renamed into place when FFmpeg has finished
//! it, so the target is either untouched or a whole video; a stream (standard output) is
//! written as FFmpeg makes it, copied from FFmpeg's standard output by a thread.

use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::thread::{self, JoinHandle};

use tempfile::TempPath;

use super::log::Log;
use super::rate::FrameRate;
use super::Ffmpeg;
use crate::io::atomic::temporary_beside;
use crate::video::format::RawSpec;
use crate::video::sink::FrameSink;
use crate::video::VideoError;

/// A video format: the container and the codec its extension (or name) stands for.
///
/// ```
/// use edgegrad::video::Container;
/// use std::path::Path;
/// assert_eq!(Container::from_path(Path::new("out.MP4"))?, Container::Mp4);
/// assert_eq!(Container::from_path(Path::new("a.mkv"))?.codec(), "ffv1");
/// assert!(Container::from_path(Path::new("a.txt")).is_err());
/// assert_eq!(Container::from_name("matroska")?, Container::Mkv);
/// assert_eq!(Container::from_name("ts")?.muxer(), "mpegts");
/// # Ok::<(), edgegrad::video::VideoError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// `.mp4`, `.m4v`: H.264 (libx264, yuv420p).
    Mp4,
    /// `.mov`: H.264 (libx264, yuv420p).
    Mov,
    /// `.mkv`: FFV1, lossless (gray or RGB kept as they are).
    Mkv,
    /// `.webm`: VP9 (libvpx-vp9, yuv420p).
    Webm,
    /// `.avi`: FFV1, lossless.
    Avi,
    /// `.gif`: an animated GIF.
    Gif,
    /// `.nut`: FFmpeg's NUT container, FFV1 lossless.
    Nut,
    /// `.ts`: an MPEG transport stream, H.264 (libx264, yuv420p).
    MpegTs,
}

/// The names [`Container::from_name`] knows, as its error lists them.
const FORMAT_NAMES: &str = "mp4, mov, m4v, mkv (matroska), webm, avi, gif, nut, ts (mpegts)";

impl Container {
    /// The container for a file name's extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Self, VideoError> {
        path.extension()
            .and_then(|e| Self::from_extension(&e.to_string_lossy()))
            .ok_or_else(|| VideoError::Extension(path.display().to_string()))
    }

    /// The container for an extension (without its dot) or FFmpeg's name of a container format
    /// (`matroska`, `mpegts`), case-insensitive.
    pub fn from_name(name: &str) -> Result<Self, VideoError> {
        Self::from_extension(name)
            .or(match name.to_ascii_lowercase().as_str() {
                "matroska" => Some(Container::Mkv),
                "mpegts" => Some(Container::MpegTs),
                _ => None,
            })
            .ok_or_else(|| VideoError::Format(name.to_owned(), FORMAT_NAMES))
    }

    fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "mp4" | "m4v" => Container::Mp4,
            "mov" => Container::Mov,
            "mkv" => Container::Mkv,
            "webm" => Container::Webm,
            "avi" => Container::Avi,
            "gif" => Container::Gif,
            "nut" => Container::Nut,
            "ts" => Container::MpegTs,
            _ => return None,
        })
    }

    /// FFmpeg's name of the container format (`-f`).
    pub fn muxer(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mov => "mov",
            Container::Mkv => "matroska",
            Container::Webm => "webm",
            Container::Avi => "avi",
            Container::Gif => "gif",
            Container::Nut => "nut",
            Container::MpegTs => "mpegts",
        }
    }

    /// FFmpeg's name of the video encoder.
    pub fn codec(self) -> &'static str {
        match self {
            Container::Mp4 | Container::Mov | Container::MpegTs => "libx264",
            Container::Mkv | Container::Avi | Container::Nut => "ffv1",
            Container::Webm => "libvpx-vp9",
            Container::Gif => "gif",
        }
    }

    /// The encoder's and muxer's arguments: codec, the pixel format players expect for lossy
    /// codecs (lossless ones keep the frames' own), and for MP4 and MOV written to a `stream`,
    /// fragments (their usual index is written at the end, in a place a stream has passed).
    fn codec_args(self, stream: bool) -> Vec<&'static str> {
        let mut args = vec!["-c:v", self.codec()];
        match self {
            Container::Mp4 | Container::Mov | Container::MpegTs => {
                args.extend(["-pix_fmt", "yuv420p"])
            }
            Container::Webm => args.extend(["-pix_fmt", "yuv420p", "-row-mt", "1"]),
            Container::Mkv | Container::Avi | Container::Gif | Container::Nut => {}
        }
        if stream && matches!(self, Container::Mp4 | Container::Mov) {
            args.extend(["-movflags", "frag_keyframe+empty_moov"]);
        }
        args.extend(["-f", self.muxer()]);
        args
    }
}

/// Where an [`FfmpegSink`]'s video goes.
#[derive(Debug)]
enum Target {
    /// A file, written as `temp` until FFmpeg has finished it.
    File { temp: TempPath, path: PathBuf },
    /// A stream, FFmpeg's standard output copied to it by a thread, which returns the error
    /// that ended the copy.
    Stream(JoinHandle<io::Result<()>>),
}

/// Frames encoded into a video file or stream by an FFmpeg child process.
#[derive(Debug)]
pub struct FfmpegSink {
    child: Child,
    stdin: Option<ChildStdin>,
    log: Log,
    /// Where the video goes, until it is finished.
    target: Option<Target>,
    /// The target's name in messages.
    name: String,
}

impl FfmpegSink {
    /// Starts encoding frames of `spec` at `rate` into `target` (written when
    /// [`FrameSink::finish`] succeeds; nothing is left behind otherwise).
    ///
    /// ```no_run
    /// use edgegrad::video::{Ffmpeg, FfmpegSink, FrameSink};
    /// use std::path::Path;
    /// let mut sink = FfmpegSink::create(&Ffmpeg::new("ffmpeg"), Path::new("out.mkv"), "64x48".parse()?, "25".parse()?)?;
    /// sink.write_frame(&[0u8; 64 * 48])?;
    /// sink.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(
        ffmpeg: &Ffmpeg,
        target: &Path,
        spec: RawSpec,
        rate: FrameRate,
    ) -> Result<Self, VideoError> {
        let container = Container::from_path(target)?;
        let name = target.display().to_string();
        let temp = temporary_beside(target)
            .map_err(|e| VideoError::Create(name.clone(), e.to_string()))?
            .into_temp_path();
        let mut child = start(ffmpeg, container, false, temp.as_os_str(), spec, rate)?;
        let stdin = child.stdin.take();
        let log = Log::start(child.stderr.take().expect("stderr is piped"));
        Ok(FfmpegSink {
            child,
            stdin,
            log,
            target: Some(Target::File {
                temp,
                path: target.to_owned(),
            }),
            name,
        })
    }

    /// Starts encoding frames of `spec` at `rate` as a video of `container` written to `out`
    /// as FFmpeg makes it (MP4 and MOV fragmented, so that they need no going back). `name`
    /// names `out` in messages. A reader of `out` that goes away is
    /// [`VideoError::OutputClosed`].
    ///
    /// ```no_run
    /// use edgegrad::video::{Container, Ffmpeg, FfmpegSink, FrameSink};
    /// let out = std::fs::File::create("out.nut")?;
    /// let (spec, rate) = ("64x48".parse()?, "25".parse()?);
    /// let mut sink = FfmpegSink::stream(&Ffmpeg::new("ffmpeg"), out, "out.nut", Container::Nut, spec, rate)?;
    /// sink.write_frame(&[0u8; 64 * 48])?;
    /// sink.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stream(
        ffmpeg: &Ffmpeg,
        mut out: impl Write + Send + 'static,
        name: &str,
        container: Container,
        spec: RawSpec,
        rate: FrameRate,
    ) -> Result<Self, VideoError> {
        let mut child = start(ffmpeg, container, true, "pipe:1", spec, rate)?;
        let stdin = child.stdin.take();
        let log = Log::start(child.stderr.take().expect("stderr is piped"));
        let mut video: ChildStdout = child.stdout.take().expect("stdout is piped");
        let copy = thread::Builder::new()
            .name("ffmpeg-out".into())
            .spawn(move || {
                io::copy(&mut video, &mut out)?;
                out.flush()
            })
            .map_err(|e| VideoError::Spawn("a thread".into(), e));
        let copy = match copy {
            Ok(c) => c,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        Ok(FfmpegSink {
            child,
            stdin,
            log,
            target: Some(Target::Stream(copy)),
            name: name.to_owned(),
        })
    }

    /// FFmpeg's reason for failing, once it has ended: [`VideoError::OutputClosed`] when it
    /// was writing to a stream whose reader went away.
    fn failure(&mut self) -> VideoError {
        self.stdin = None;
        let _ = self.child.wait();
        if let Some(Target::Stream(copy)) = self.target.take() {
            if let Ok(Err(e)) = copy.join() {
                if e.kind() == ErrorKind::BrokenPipe {
                    return VideoError::OutputClosed;
                }
            }
        }
        VideoError::Encode(self.name.clone(), self.log.reason())
    }
}

/// Starts FFmpeg encoding raw frames of `spec` at `rate` from its standard input into `out`
/// (a path, or `pipe:1` for its standard output, piped), as `container` (for a `stream`).
fn start(
    ffmpeg: &Ffmpeg,
    container: Container,
    stream: bool,
    out: impl AsRef<std::ffi::OsStr>,
    spec: RawSpec,
    rate: FrameRate,
) -> Result<Child, VideoError> {
    let size = format!("{}x{}", spec.width(), spec.height());
    let mut command = ffmpeg.command();
    command
        .args(["-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo"])
        .args(["-pix_fmt", spec.format().ffmpeg_name(), "-s", &size])
        .args(["-framerate", &rate.to_string(), "-i", "pipe:0", "-an"])
        .args(container.codec_args(stream))
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(if stream {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped());
    ffmpeg.spawn(&mut command)
}

impl FrameSink for FfmpegSink {
    fn write_frame(&mut self, frame: &[u8]) -> Result<(), VideoError> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.failure());
        };
        match stdin.write_all(frame) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(self.failure()),
            Err(e) => Err(VideoError::Write(e)),
        }
    }

    fn finish(&mut self) -> Result<(), VideoError> {
        self.stdin = None;
        let status = self.child.wait().map_err(VideoError::Write)?;
        if !status.success() {
            return Err(self.failure());
        }
        match self.target.take() {
            Some(Target::File { temp, path }) => temp
                .persist(&path)
                .map_err(|e| VideoError::Create(self.name.clone(), e.error.to_string())),
            Some(Target::Stream(copy)) => match copy.join() {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) if e.kind() == ErrorKind::BrokenPipe => Err(VideoError::OutputClosed),
                Ok(Err(e)) => Err(VideoError::Write(e)),
                Err(_) => Err(VideoError::Internal),
            },
            None => Err(VideoError::Internal),
        }
    }
}

impl Drop for FfmpegSink {
    fn drop(&mut self) {
        // Not finished: stop FFmpeg; a temporary file goes with `target`, a stream's copy
        // ends with FFmpeg's output.
        if let Some(target) = self.target.take() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            if let Target::Stream(copy) = target {
                let _ = copy.join();
            }
        }
    }
}
