//! What a video input names: a file, a URL, a camera or standard input, and the FFmpeg
//! arguments that open it.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

/// A camera: the N-th of the system, or a device by path (Linux) or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Camera {
    /// `camera` (0) or `camera:N`.
    Index(u32),
    /// A device: a path like `/dev/video0`, or a name as the system lists it (`camera:NAME`).
    Device(String),
}

/// Where frames come from.
///
/// ```
/// use edgegrad::video::{Camera, VideoInput};
/// assert_eq!(VideoInput::parse("-"), VideoInput::Stdin);
/// assert_eq!(VideoInput::parse("camera"), VideoInput::Camera(Camera::Index(0)));
/// assert_eq!(VideoInput::parse("camera:2"), VideoInput::Camera(Camera::Index(2)));
/// assert_eq!(VideoInput::parse("/dev/video1"), VideoInput::Camera(Camera::Device("/dev/video1".into())));
/// assert!(matches!(VideoInput::parse("rtsp://cam/stream"), VideoInput::Url(_)));
/// assert!(matches!(VideoInput::parse("clip.mp4"), VideoInput::File(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoInput {
    /// `-`: standard input.
    Stdin,
    /// A file.
    File(PathBuf),
    /// A URL FFmpeg opens (`scheme://...`).
    Url(String),
    /// A camera.
    Camera(Camera),
}

impl VideoInput {
    /// Reads an input argument: `-`, `camera`, `camera:N`, `camera:NAME`, a device path under
    /// `/dev/video`, a URL, or else a file.
    pub fn parse(text: &str) -> VideoInput {
        if text == "-" {
            VideoInput::Stdin
        } else if text == "camera" {
            VideoInput::Camera(Camera::Index(0))
        } else if let Some(which) = text.strip_prefix("camera:") {
            VideoInput::Camera(match which.parse() {
                Ok(n) => Camera::Index(n),
                Err(_) => Camera::Device(which.to_string()),
            })
        } else if text.starts_with("/dev/video") {
            VideoInput::Camera(Camera::Device(text.to_string()))
        } else if text.contains("://") {
            VideoInput::Url(text.to_string())
        } else {
            VideoInput::File(PathBuf::from(text))
        }
    }

    /// The FFmpeg arguments that open the input: `[-f DEVICE-FORMAT] -i WHAT`.
    pub(super) fn ffmpeg_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        let what: OsString = match self {
            VideoInput::Stdin => "pipe:0".into(),
            VideoInput::File(p) => {
                // A name FFmpeg could take for a protocol (`a:b.mp4`) is read as a file.
                let mut f = OsString::from("file:");
                f.push(p);
                f
            }
            VideoInput::Url(u) => u.into(),
            VideoInput::Camera(c) => {
                let (format, device) = camera_device(c);
                args.extend(["-f".into(), format.into()]);
                device.into()
            }
        };
        args.extend(["-i".into(), what]);
        args
    }
}

/// FFmpeg's capture format on this system and the device it opens.
fn camera_device(camera: &Camera) -> (&'static str, String) {
    if cfg!(target_os = "macos") {
        let device = match camera {
            Camera::Index(n) => n.to_string(),
            Camera::Device(name) => name.clone(),
        };
        ("avfoundation", device)
    } else if cfg!(windows) {
        let device = match camera {
            Camera::Index(n) => format!("video={n}"),
            Camera::Device(name) => format!("video={name}"),
        };
        ("dshow", device)
    } else {
        let device = match camera {
            Camera::Index(n) => format!("/dev/video{n}"),
            Camera::Device(name) => name.clone(),
        };
        ("v4l2", device)
    }
}

impl fmt::Display for VideoInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VideoInput::Stdin => f.write_str("standard input"),
            VideoInput::File(p) => write!(f, "{}", p.display()),
            VideoInput::Url(u) => f.write_str(u),
            VideoInput::Camera(c) => write!(f, "camera {}", camera_device(c).1),
        }
    }
}
