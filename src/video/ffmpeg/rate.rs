//! Frame rates as exact fractions, as FFmpeg takes them (`-framerate 30000/1001`) and as its
//! reports round them (`29.97 fps`).

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// Frames per second, `num / den`, both positive.
///
/// ```
/// use edgegrad::video::FrameRate;
/// let ntsc: FrameRate = "29.97".parse()?;
/// assert_eq!(ntsc.to_string(), "30000/1001");
/// assert_eq!("25".parse::<FrameRate>()?.to_string(), "25");
/// assert!((ntsc.fps() - 29.97).abs() < 0.001);
/// # Ok::<(), edgegrad::video::RateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRate {
    num: u32,
    den: u32,
}

/// A frame rate that is not a positive number or fraction.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("expected a frame rate like 25, 29.97 or 30000/1001, got {0:?}")]
pub struct RateError(pub String);

/// The rates FFmpeg prints rounded, and their exact fractions.
const ROUNDED: [(&str, u32, u32); 5] = [
    ("23.98", 24000, 1001),
    ("23.976", 24000, 1001),
    ("29.97", 30000, 1001),
    ("47.95", 48000, 1001),
    ("59.94", 60000, 1001),
];

impl FrameRate {
    /// `num / den` frames per second; `None` unless both are positive.
    pub fn new(num: u32, den: u32) -> Option<Self> {
        (num > 0 && den > 0).then(|| {
            let g = gcd(num, den);
            FrameRate {
                num: num / g,
                den: den / g,
            }
        })
    }

    /// The rate as FFmpeg's reports print it: `25`, `29.97` (the NTSC rates are taken as
    /// their exact fractions), `12.5`, `1k`.
    pub fn from_ffmpeg(text: &str) -> Option<Self> {
        if let Some(&(_, num, den)) = ROUNDED.iter().find(|(t, _, _)| *t == text) {
            return FrameRate::new(num, den);
        }
        let (number, scale) = match text.strip_suffix('k') {
            Some(n) => (n, 1000.0),
            None => (text, 1.0),
        };
        let fps: f64 = number.parse().ok()?;
        let thousandths = (fps * scale * 1000.0).round();
        if !(1.0..=f64::from(u32::MAX)).contains(&thousandths) {
            return None;
        }
        FrameRate::new(thousandths as u32, 1000)
    }

    /// Frames per second.
    pub fn fps(&self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl FromStr for FrameRate {
    type Err = RateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || RateError(s.to_string());
        let t = s.trim();
        match t.split_once('/') {
            Some((n, d)) => {
                let n = n.trim().parse().map_err(|_| bad())?;
                let d = d.trim().parse().map_err(|_| bad())?;
                FrameRate::new(n, d).ok_or_else(bad)
            }
            None if t.ends_with('k') => Err(bad()),
            // A whole number is taken exactly (the decimal reading counts thousandths in 32
            // bits, so large whole rates, which print as whole numbers, would not read back).
            None => match t.parse::<u32>() {
                Ok(n) => FrameRate::new(n, 1).ok_or_else(bad),
                Err(_) => FrameRate::from_ffmpeg(t).ok_or_else(bad),
            },
        }
    }
}

impl fmt::Display for FrameRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_from_reports_and_arguments() {
        assert_eq!(FrameRate::from_ffmpeg("1k"), FrameRate::new(1000, 1));
        assert_eq!(FrameRate::from_ffmpeg("12.5"), FrameRate::new(25, 2));
        assert_eq!(FrameRate::from_ffmpeg("23.98"), FrameRate::new(24000, 1001));
        assert_eq!(FrameRate::from_ffmpeg("0"), None);
        assert_eq!(FrameRate::from_ffmpeg("-3"), None);
        assert_eq!("60/2".parse::<FrameRate>().unwrap().to_string(), "30");
        for bad in ["", "0", "1/0", "x", "-1", "3k", "nan"] {
            assert!(bad.parse::<FrameRate>().is_err(), "{bad}");
        }
    }
}
