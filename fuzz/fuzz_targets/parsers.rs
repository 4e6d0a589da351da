//! The parsers of option values and of what other programs say: each gives a one-line error or
//! a value that keeps the parser's promises (and prints back to text that parses to it again):
//! `--threshold`, `--hysteresis`, `--shard K/N|auto` and the Slurm variables behind `auto`,
//! `--raw WxH[:fmt]`, the pixel formats, `--edge-order`, `--operator`, `--output`, `--outputs`,
//! `--spacing` numbers (through `gradient`), `--points` and video file names, frame rates, and
//! FFmpeg's report on stderr.
//!
//! Input: which parser (the first byte), then its text.
#![no_main]

use std::str::FromStr;

use edgegrad::batch::shard::{Shard, ShardSpec};
use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::{EdgeOrder, HysteresisLevels, Picture};
use edgegrad::image::curves::CurvesFormat;
use edgegrad::numeric::gradient::{gradient, GradientOptions, Spacing};
use edgegrad::video::ffmpeg::{log::Log, Container, FrameRate};
use edgegrad::video::{PixelFormat, RawSpec};
use edgegrad::Wanted;
use edgegrad_fuzz::one_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let text = text.as_ref();
    match which % 14 {
        0 => round_trip::<Threshold>(text, |t| {
            if let Threshold::Value(v) = t {
                assert!(v.is_finite() && v >= 0.0, "threshold {v}");
            }
            if let Threshold::Percent(p) = t {
                assert!((0.0..=100.0).contains(&p), "percentage {p}");
            }
        }),
        1 => round_trip::<HysteresisLevels>(text, |l| {
            let (low, high) = l.pair();
            assert!(low.is_finite() && high.is_finite() && 0.0 <= low && low <= high);
        }),
        2 => {
            if let Some(ShardSpec::Given(s)) = parsed::<ShardSpec>(text) {
                assert!(s.index() < s.count(), "shard {s}");
                assert_eq!(s.to_string().parse::<ShardSpec>(), Ok(ShardSpec::Given(s)));
            }
        }
        3 => slurm(text),
        4 => round_trip::<RawSpec>(text, |s| {
            assert!(s.width() >= 1 && s.height() >= 1);
            let bytes = s.width() * s.height() * s.format().bytes_per_pixel();
            assert_eq!(s.frame_bytes(), bytes);
            assert!(bytes <= 1 << 31);
        }),
        5 => round_trip::<PixelFormat>(text, |_| {}),
        6 => round_trip::<EdgeOrder>(text, |_| {}),
        7 => {
            if let Some(op) = parsed::<Operator>(text) {
                assert_eq!(op.name(), text);
            }
        }
        8 => {
            if let Some(p) = parsed::<Picture>(text) {
                assert_eq!(p.name().parse::<Picture>().ok(), Some(p));
            }
        }
        9 => match Wanted::from_names(text.split(',')) {
            Ok(w) => {
                assert_ne!(w, Wanted::default());
                for name in text.split(',') {
                    assert!(Wanted::NAMES.contains(&name), "{name:?} accepted");
                }
            }
            Err(e) => {
                one_line(&e);
            }
        },
        10 => spacing(text),
        11 => {
            let path = std::path::Path::new(text);
            if let Err(e) = CurvesFormat::from_path(path) {
                one_line(&e);
            }
            if let Err(e) = Container::from_path(path) {
                one_line(&e);
            }
            if let Err(e) = Container::from_name(text) {
                one_line(&e);
            }
        }
        12 => {
            if let Some(r) = FrameRate::from_ffmpeg(text) {
                assert!(r.fps().is_finite() && r.fps() > 0.0, "rate {r}");
            }
            round_trip::<FrameRate>(text, |r| assert!(r.fps().is_finite() && r.fps() > 0.0));
        }
        _ => ffmpeg_report(rest),
    }
});

/// The value `text` parses to, or `None` after checking the error is one line.
fn parsed<T: FromStr>(text: &str) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    match text.parse::<T>() {
        Ok(v) => Some(v),
        Err(e) => {
            one_line(&e);
            None
        }
    }
}

/// Parses `text`, checks the value, and that it prints to text that parses to it again.
fn round_trip<T>(text: &str, check: impl Fn(T))
where
    T: FromStr + ToString + PartialEq + std::fmt::Debug + Copy,
    T::Err: std::fmt::Display,
{
    if let Some(v) = parsed::<T>(text) {
        check(v);
        let printed = v.to_string();
        assert_eq!(
            printed.parse::<T>().ok(),
            Some(v),
            "{text:?} printed as {printed:?}"
        );
    }
}

/// `--shard auto`: the Slurm variables (ID, COUNT, MIN and, if given, MAX, one a line).
fn slurm(text: &str) {
    let mut lines = text.split('\n');
    let vars: Vec<Option<String>> = (0..4).map(|_| lines.next().map(str::to_string)).collect();
    let var = |name: &str| match name {
        "SLURM_ARRAY_TASK_ID" => vars[0].clone(),
        "SLURM_ARRAY_TASK_COUNT" => vars[1].clone(),
        "SLURM_ARRAY_TASK_MIN" => vars[2].clone(),
        "SLURM_ARRAY_TASK_MAX" => vars[3].clone(),
        _ => None,
    };
    match Shard::from_slurm(var) {
        Ok(s) => {
            let number = |i: usize| vars[i].as_deref().unwrap().trim().parse::<u64>().unwrap();
            assert!(s.index() < s.count());
            assert_eq!(s.count() as u64, number(1));
            assert_eq!(s.index() as u64, number(0) - number(2));
        }
        Err(e) => {
            one_line(&e);
        }
    }
}

/// `--spacing H`: any number the command line reads is a valid spacing to `gradient` (an
/// error or derivatives of the input's shape, never a panic).
fn spacing(text: &str) {
    let Ok(h) = text.trim().parse::<f64>() else {
        return;
    };
    let f = ndarray::array![
        [0.0f32, 1.0, 4.0, 9.0],
        [1.0, 3.0, 2.0, 0.5],
        [2.0, 2.0, 2.0, 2.0]
    ];
    for edge_order in [1, 2] {
        let options = GradientOptions {
            spacing: vec![Spacing::Scalar(h)],
            axes: None,
            edge_order,
            ..GradientOptions::default()
        };
        match gradient(&f, &options) {
            Ok(d) => assert!(d.len() == 2 && d.iter().all(|a| a.dim() == f.dim())),
            Err(e) => {
                one_line(&e);
            }
        }
    }
}

/// FFmpeg's report on stderr: the stream's size and rate when it gives them, and a one-line
/// reason once it ends.
fn ffmpeg_report(bytes: &[u8]) {
    let mut log = Log::start(std::io::Cursor::new(bytes.to_vec()));
    if let Some(info) = log.stream() {
        assert!(info.width >= 1, "width {}", info.width);
        assert!(info.rate.fps().is_finite() && info.rate.fps() > 0.0);
    }
    one_line(&log.reason());
}
