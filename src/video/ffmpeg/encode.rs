//! Encoding: raw frames go to FFmpeg's standard input and become a video file. The container
//! and codec follow the file's extension ([`Container`]); the file is written under a
//! temporary name beside the target and renamed into place when FFmpeg has finished it, so
//! the target is either untouched or a whole video.

use std::ffi::OsString;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};

use tempfile::TempPath;

use super::log::Log;
use super::rate::FrameRate;
use super::Ffmpeg;
use crate::video::format::RawSpec;
use crate::video::sink::FrameSink;
use crate::video::VideoError;

/// A video file format: the container and the codec its extension stands for.
///
/// ```
/// use edgegrad::video::Container;
/// use std::path::Path;
/// assert_eq!(Container::from_path(Path::new("out.MP4"))?, Container::Mp4);
/// assert_eq!(Container::from_path(Path::new("a.mkv"))?.codec(), "ffv1");
/// assert!(Container::from_path(Path::new("a.txt")).is_err());
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
}

impl Container {
    /// The container for a file name's extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Self, VideoError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        Ok(match ext.as_deref() {
            Some("mp4" | "m4v") => Container::Mp4,
            Some("mov") => Container::Mov,
            Some("mkv") => Container::Mkv,
            Some("webm") => Container::Webm,
            Some("avi") => Container::Avi,
            Some("gif") => Container::Gif,
            _ => {
                return Err(VideoError::Extension(path.display().to_string()));
            }
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
        }
    }

    /// FFmpeg's name of the video encoder.
    pub fn codec(self) -> &'static str {
        match self {
            Container::Mp4 | Container::Mov => "libx264",
            Container::Mkv | Container::Avi => "ffv1",
            Container::Webm => "libvpx-vp9",
            Container::Gif => "gif",
        }
    }

    /// The encoder's arguments: codec, and the pixel format players expect for lossy codecs
    /// (lossless ones keep the frames' own).
    fn codec_args(self) -> Vec<&'static str> {
        let mut args = vec!["-c:v", self.codec()];
        match self {
            Container::Mp4 | Container::Mov => args.extend(["-pix_fmt", "yuv420p"]),
            Container::Webm => args.extend(["-pix_fmt", "yuv420p", "-row-mt", "1"]),
            Container::Mkv | Container::Avi | Container::Gif => {}
        }
        args
    }
}

/// Frames encoded into a video file by an FFmpeg child process.
#[derive(Debug)]
pub struct FfmpegSink {
    child: Child,
    stdin: Option<ChildStdin>,
    log: Log,
    temp: Option<TempPath>,
    target: PathBuf,
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
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut prefix = OsString::from(".");
        prefix.push(target.file_name().unwrap_or_default());
        prefix.push(".");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp").rand_bytes(6);
        #[cfg(unix)]
        {
            // Like any new file: rw for everyone the umask allows (tempfile's default is 0600).
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder
            .tempfile_in(dir)
            .map_err(|e| VideoError::Create(name.clone(), e.to_string()))?
            .into_temp_path();
        let size = format!("{}x{}", spec.width(), spec.height());
        let mut command = ffmpeg.command();
        command
            .args(["-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo"])
            .args(["-pix_fmt", spec.format().ffmpeg_name(), "-s", &size])
            .args(["-framerate", &rate.to_string(), "-i", "pipe:0", "-an"])
            .args(container.codec_args())
            .args(["-f", container.muxer()])
            .arg(&*temp)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = ffmpeg.spawn(&mut command)?;
        let stdin = child.stdin.take();
        let log = Log::start(child.stderr.take().expect("stderr is piped"));
        Ok(FfmpegSink {
            child,
            stdin,
            log,
            temp: Some(temp),
            target: target.to_owned(),
        })
    }

    /// FFmpeg's reason for failing, once it has ended.
    fn failure(&mut self) -> VideoError {
        self.stdin = None;
        let _ = self.child.wait();
        VideoError::Encode(self.target.display().to_string(), self.log.reason())
    }
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
        let temp = self.temp.take().expect("finished once");
        temp.persist(&self.target)
            .map_err(|e| VideoError::Create(self.target.display().to_string(), e.error.to_string()))
    }
}

impl Drop for FfmpegSink {
    fn drop(&mut self) {
        // Not finished: stop FFmpeg; the temporary file goes with `temp`.
        if self.temp.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
