//! What FFmpeg says on stderr: the size and frame rate of the raw stream it will write (the
//! output stream of a decoding run), the input's duration, and the last lines, which hold the
//! reason when it fails. A thread reads the stderr of every FFmpeg child, so the child never
//! blocks on a full pipe.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use super::rate::FrameRate;

/// The video stream FFmpeg decodes to raw frames.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Frames per second.
    pub rate: FrameRate,
    /// The input's length in seconds, when known (not for cameras and pipes).
    pub duration: Option<f64>,
}

/// How many of the last lines are kept for error messages.
const TAIL_LINES: usize = 12;

/// The reader of one child's stderr, on its own thread.
#[derive(Debug)]
pub struct Log {
    tail: Arc<Mutex<VecDeque<String>>>,
    info: Receiver<StreamInfo>,
    thread: Option<JoinHandle<()>>,
}

impl Log {
    /// Starts reading `stderr`.
    pub fn start(stderr: impl Read + Send + 'static) -> Log {
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let (tx, info) = mpsc::channel();
        let theirs = Arc::clone(&tail);
        let thread = thread::Builder::new()
            .name("ffmpeg-log".into())
            .spawn(move || {
                let mut parser = Parser::default();
                let mut sent = false;
                for line in BufReader::new(stderr).split(b'\n') {
                    let Ok(line) = line else { break };
                    let line = String::from_utf8_lossy(&line);
                    let line = line.trim_end();
                    if !sent {
                        if let Some(found) = parser.line(line) {
                            sent = tx.send(found).is_ok();
                        }
                    }
                    if !line.trim().is_empty() {
                        let mut t = theirs.lock().unwrap_or_else(PoisonError::into_inner);
                        if t.len() == TAIL_LINES {
                            t.pop_front();
                        }
                        t.push_back(line.to_string());
                    }
                }
            })
            .ok();
        Log { tail, info, thread }
    }

    /// Waits for the output stream's description; `None` when stderr ended without one (FFmpeg
    /// failed before writing anything).
    pub fn stream(&self) -> Option<StreamInfo> {
        self.info.recv().ok()
    }

    /// Waits until stderr is closed (the child has ended), then gives the reason of a failure:
    /// the last line, without FFmpeg's `[component @ 0x...]` prefix.
    pub fn reason(&mut self) -> String {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let tail = self.tail.lock().unwrap_or_else(PoisonError::into_inner);
        tail.back()
            .map(|l| without_component(l).to_string())
            .unwrap_or_else(|| "ffmpeg failed without saying why".into())
    }
}

/// `line` without a leading `[name @ 0x...] `.
fn without_component(line: &str) -> &str {
    let l = line.trim();
    match (l.starts_with('['), l.find("] ")) {
        (true, Some(end)) if l[..end].contains(" @ ") => &l[end + 2..],
        _ => l,
    }
}

/// Which part of FFmpeg's report a line is in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Section {
    #[default]
    Other,
    Input,
    Output,
}

/// Reads FFmpeg's report line by line.
#[derive(Debug, Default)]
struct Parser {
    section: Section,
    duration: Option<f64>,
}

impl Parser {
    /// Takes one line; the stream's description once the output stream's line comes.
    fn line(&mut self, line: &str) -> Option<StreamInfo> {
        if line.starts_with("Input #") {
            self.section = Section::Input;
        } else if line.starts_with("Output #") {
            self.section = Section::Output;
        } else if !line.starts_with(' ') {
            self.section = Section::Other;
        }
        let t = line.trim();
        match self.section {
            Section::Input if t.starts_with("Duration:") => {
                self.duration = t["Duration:".len()..]
                    .split(',')
                    .next()
                    .and_then(|d| seconds(d.trim()));
                None
            }
            Section::Output if t.starts_with("Stream #") && t.contains(": Video: ") => {
                let (width, height) = size(t)?;
                Some(StreamInfo {
                    width,
                    height,
                    rate: rate(t)?,
                    duration: self.duration,
                })
            }
            _ => None,
        }
    }
}

/// `HH:MM:SS.ss` in seconds.
fn seconds(text: &str) -> Option<f64> {
    let mut parts = text.split(':');
    let h: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next()?.parse().ok()?;
    let s: f64 = parts.next()?.parse().ok()?;
    Some(h * 3600.0 + m * 60.0 + s)
}

/// The first `WIDTHxHEIGHT` word of a stream line.
fn size(line: &str) -> Option<(usize, usize)> {
    line.split([',', ' '])
        .filter_map(|w| w.split_once('x'))
        .filter(|(w, _)| !w.starts_with('0'))
        .find_map(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
}

/// The `N fps` (else `N tbr`) of a stream line.
fn rate(line: &str) -> Option<FrameRate> {
    let field = |unit: &str| {
        line.split(',')
            .find_map(|f| f.trim().strip_suffix(unit))
            .and_then(|n| FrameRate::from_ffmpeg(n.trim()))
    };
    field(" fps").or_else(|| field(" tbr"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
  Metadata:
    encoder         : Lavf59.27.100
  Duration: 00:01:03.50, start: 0.000000, bitrate: 161 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 158 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))
Output #0, rawvideo, to 'pipe:1':
  Metadata:
    encoder         : Lavf59.27.100
  Stream #0:0(und): Video: rawvideo (Y800 / 0x30303859), gray(progressive), 1280x720 [SAR 1:1 DAR 16:9], q=2-31, 221184 kb/s, 29.97 fps, 29.97 tbn (default)
";

    #[test]
    fn the_output_stream_gives_size_rate_and_the_input_duration() {
        let mut p = Parser::default();
        let found: Vec<StreamInfo> = REPORT.lines().filter_map(|l| p.line(l)).collect();
        assert_eq!(
            found,
            vec![StreamInfo {
                width: 1280,
                height: 720,
                rate: FrameRate::new(30000, 1001).unwrap(),
                duration: Some(63.5),
            }]
        );
    }

    #[test]
    fn a_camera_has_no_duration_and_may_give_tbr_only() {
        let mut p = Parser::default();
        let lines = [
            "Input #0, video4linux2,v4l2, from '/dev/video0':",
            "  Duration: N/A, start: 1234.5, bitrate: 147456 kb/s",
            "Output #0, rawvideo, to 'pipe:1':",
            "  Stream #0:0: Video: rawvideo (Y800 / 0x30303859), gray, 640x480, q=2-31, 25 tbr",
        ];
        let info = lines.iter().find_map(|l| p.line(l)).unwrap();
        assert_eq!((info.width, info.height), (640, 480));
        assert_eq!(info.rate, FrameRate::new(25, 1).unwrap());
        assert_eq!(info.duration, None);
    }

    #[test]
    fn reasons_lose_the_component_prefix() {
        assert_eq!(
            without_component("[mov,mp4 @ 0x55d1] moov atom not found"),
            "moov atom not found"
        );
        assert_eq!(without_component("[x] y"), "[x] y");
        let mut log = Log::start(&b"Input #0\n[in @ 0x1] bad data\n\n"[..]);
        assert_eq!(log.stream(), None);
        assert_eq!(log.reason(), "bad data");
    }
}
