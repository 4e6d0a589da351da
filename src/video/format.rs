//! The shape of raw frames: their size and pixel format, as `--raw WIDTHxHEIGHT[:FORMAT]`
//! spells them ([`RawSpec`]), and how many bytes a frame takes.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// How the pixels of a raw frame are stored, row by row with no padding.
///
/// ```
/// use edgegrad::video::PixelFormat;
/// assert_eq!("gray16".parse::<PixelFormat>(), Ok(PixelFormat::Gray16));
/// assert_eq!(PixelFormat::Rgb24.bytes_per_pixel(), 3);
/// assert_eq!(PixelFormat::Gray16.ffmpeg_name(), "gray16le");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PixelFormat {
    /// One byte of gray per pixel, meaning `value / 255` (FFmpeg's `gray`).
    #[default]
    Gray8,
    /// Two bytes of gray per pixel, little-endian, meaning `value / 65535` (`gray16le`).
    Gray16,
    /// Three bytes per pixel, red, green, blue (`rgb24`); the luma is Rec. 601's, as for
    /// colour images.
    Rgb24,
}

impl PixelFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [PixelFormat; 3] = [PixelFormat::Gray8, PixelFormat::Gray16, PixelFormat::Rgb24];

    /// Bytes per pixel: 1, 2 or 3.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Gray8 => 1,
            PixelFormat::Gray16 => 2,
            PixelFormat::Rgb24 => 3,
        }
    }

    /// The name `--raw` takes: `gray8`, `gray16`, `rgb24`.
    pub fn name(self) -> &'static str {
        match self {
            PixelFormat::Gray8 => "gray8",
            PixelFormat::Gray16 => "gray16",
            PixelFormat::Rgb24 => "rgb24",
        }
    }

    /// FFmpeg's name of the format (`-pix_fmt`).
    pub fn ffmpeg_name(self) -> &'static str {
        match self {
            PixelFormat::Gray8 => "gray",
            PixelFormat::Gray16 => "gray16le",
            PixelFormat::Rgb24 => "rgb24",
        }
    }
}

impl fmt::Display for PixelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--raw` value that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RawSpecError {
    /// Not `WIDTHxHEIGHT[:FORMAT]`.
    #[error("expected WIDTHxHEIGHT[:gray8|gray16|rgb24], e.g. 1920x1080:gray8, got {0:?}")]
    Syntax(String),
    /// A pixel format that is none of the three.
    #[error("unknown pixel format {0:?} (expected gray8, gray16 or rgb24)")]
    Format(String),
    /// A zero side, or a frame too large to hold in memory.
    #[error("a frame must be at least 1x1 and at most 2^31 bytes, got {0}x{1}")]
    Size(usize, usize),
}

impl FromStr for PixelFormat {
    type Err = RawSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PixelFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| RawSpecError::Format(s.to_string()))
    }
}

/// The size and pixel format of raw frames.
///
/// ```
/// use edgegrad::video::{PixelFormat, RawSpec};
/// let spec: RawSpec = "640x480:rgb24".parse()?;
/// assert_eq!((spec.width(), spec.height(), spec.format()), (640, 480, PixelFormat::Rgb24));
/// assert_eq!(spec.frame_bytes(), 640 * 480 * 3);
/// assert_eq!("8x2".parse::<RawSpec>()?.format(), PixelFormat::Gray8);
/// assert!("0x10".parse::<RawSpec>().is_err());
/// # Ok::<(), edgegrad::video::RawSpecError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSpec {
    width: usize,
    height: usize,
    format: PixelFormat,
}

/// The largest frame accepted, in bytes.
const MAX_FRAME_BYTES: usize = 1 << 31;

impl RawSpec {
    /// Frames of `width` x `height` pixels in `format`; both sides at least 1, a frame at most
    /// 2^31 bytes.
    pub fn new(width: usize, height: usize, format: PixelFormat) -> Result<Self, RawSpecError> {
        let bytes = width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(format.bytes_per_pixel()));
        match bytes {
            Some(b) if width > 0 && height > 0 && b <= MAX_FRAME_BYTES => Ok(RawSpec {
                width,
                height,
                format,
            }),
            _ => Err(RawSpecError::Size(width, height)),
        }
    }

    /// Pixels per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// How the pixels are stored.
    pub fn format(&self) -> PixelFormat {
        self.format
    }

    /// The same size in another format.
    ///
    /// ```
    /// use edgegrad::video::{PixelFormat, RawSpec};
    /// let spec: RawSpec = "4x4:rgb24".parse()?;
    /// assert_eq!(spec.with_format(PixelFormat::Gray8).frame_bytes(), 16);
    /// # Ok::<(), edgegrad::video::RawSpecError>(())
    /// ```
    pub fn with_format(self, format: PixelFormat) -> Self {
        RawSpec { format, ..self }
    }

    /// Bytes per frame.
    pub fn frame_bytes(&self) -> usize {
        self.width * self.height * self.format.bytes_per_pixel()
    }
}

impl FromStr for RawSpec {
    type Err = RawSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || RawSpecError::Syntax(s.to_string());
        let (size, format) = match s.split_once(':') {
            Some((size, format)) => (size, format.parse()?),
            None => (s, PixelFormat::Gray8),
        };
        let (w, h) = size.trim().split_once(['x', 'X']).ok_or_else(syntax)?;
        let number = |v: &str| v.trim().parse::<usize>().map_err(|_| syntax());
        RawSpec::new(number(w)?, number(h)?, format)
    }
}

impl fmt::Display for RawSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}:{}", self.width, self.height, self.format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_print_back_and_refuse_nonsense() {
        for text in ["1920x1080:gray8", "3x2:gray16", "1x1:rgb24"] {
            let spec: RawSpec = text.parse().unwrap();
            assert_eq!(spec.to_string(), text);
        }
        assert_eq!(
            "640X480:RGB24".parse::<RawSpec>().unwrap().to_string(),
            "640x480:rgb24"
        );
        for bad in ["", "640", "640x", "x480", "-1x2", "2x2x2", "axb"] {
            assert_eq!(
                bad.parse::<RawSpec>(),
                Err(RawSpecError::Syntax(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(
            "4x4:yuv".parse::<RawSpec>(),
            Err(RawSpecError::Format("yuv".into()))
        );
        assert_eq!("0x4".parse::<RawSpec>(), Err(RawSpecError::Size(0, 4)));
        assert!(format!("{}x{}", usize::MAX, 2).parse::<RawSpec>().is_err());
        assert!("100000x100000:rgb24".parse::<RawSpec>().is_err());
    }
}
