//! What the fuzz targets share: detection options drawn from the fuzzer's bytes and turned into
//! a [`DetectConfig`] through the library's own constructors, small images drawn from bytes,
//! scratch files for the APIs that read paths, and the checks every target makes of a
//! [`Detection`] and of an error message.

use std::path::PathBuf;

use arbitrary::{Arbitrary, Result, Unstructured};
use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::{EdgeOrder, HysteresisLevels, Picture};
use edgegrad::image::render::Depth;
use edgegrad::{DetectConfig, Detection, EdgeRule, Luma, Wanted};
use ndarray::Array2;

/// How many bytes at the start of an input hold its options; the rest is the file (or the
/// frames) under test. A fixed split lets seeds be any file behind 64 bytes of options.
pub const OPTION_BYTES: usize = 64;

/// The options of an input (drawn from its first [`OPTION_BYTES`], zeros past their end) and
/// the bytes after them.
pub fn split<'a, T: Arbitrary<'a>>(data: &'a [u8]) -> Result<(T, &'a [u8])> {
    let (head, rest) = data.split_at(data.len().min(OPTION_BYTES));
    Ok((T::arbitrary(&mut Unstructured::new(head))?, rest))
}

/// A number the fuzzer controls: mostly in the range options take (`0..4`, in steps of 1/4096),
/// sometimes any `f32` at all (negative, huge, NaN, infinite).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Number {
    /// `n / 4096`.
    Small(u16),
    /// Any bit pattern.
    Any(f32),
}

impl Number {
    /// The value.
    pub fn get(self) -> f32 {
        match self {
            Number::Small(n) => f32::from(n) / 4096.0,
            Number::Any(v) => v,
        }
    }
}

/// The edge rule, as the command line's flags give it.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Rule {
    /// `--threshold auto` (the default).
    Auto,
    /// `--threshold otsu`.
    Otsu,
    /// `--threshold V`.
    Value(Number),
    /// `--threshold P%`.
    Percent(Number),
    /// `--hysteresis LOW,HIGH`.
    Hysteresis(Number, Number),
    /// `--canny`.
    Canny,
    /// `--canny --hysteresis LOW,HIGH`.
    CannyLevels(Number, Number),
}

/// Every detection option of `detect`, `batch` and `preview`, and what to ask of the run.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Options {
    /// `--operator`, one of the four.
    pub operator: u8,
    /// `--edge-order 2` when set.
    pub second_order: bool,
    /// `--sigma`, when given.
    pub sigma: Option<Number>,
    /// The edge rule.
    pub rule: Rule,
    /// `--thin`.
    pub thin: bool,
    /// The outputs wanted, one bit each in the order of [`Wanted::NAMES`].
    pub outputs: u8,
    /// `--output`: one of [`Picture::ALL`].
    pub picture: u8,
    /// `--depth 16`.
    pub sixteen: bool,
    /// `--min-length` of the points' curves.
    pub min_length: Number,
}

/// Why options do not make a pipeline: the error's message, which must be one line.
pub type Refused = String;

impl Options {
    /// The configuration, built as the front-ends build it: the rule from its checked parts
    /// (an invalid level is refused by [`HysteresisLevels::new`], as by its parser), the rest
    /// checked by [`DetectConfig::build`] later.
    pub fn config(&self) -> std::result::Result<DetectConfig, Refused> {
        let levels = |low: Number, high: Number| {
            HysteresisLevels::new(low.get(), high.get()).map_err(|e| one_line(&e))
        };
        let rule = match self.rule {
            Rule::Auto => EdgeRule::Threshold(Threshold::Auto),
            Rule::Otsu => EdgeRule::Threshold(Threshold::Otsu),
            Rule::Value(v) => EdgeRule::Threshold(Threshold::Value(v.get())),
            Rule::Percent(p) => EdgeRule::Threshold(Threshold::Percent(p.get() * 25.0)),
            Rule::Hysteresis(low, high) => EdgeRule::Hysteresis(levels(low, high)?),
            Rule::Canny => EdgeRule::Canny(None),
            Rule::CannyLevels(low, high) => EdgeRule::Canny(Some(levels(low, high)?)),
        };
        Ok(DetectConfig {
            operator: Operator::ALL[usize::from(self.operator) % Operator::ALL.len()],
            edge_order: if self.second_order {
                EdgeOrder::Second
            } else {
                EdgeOrder::First
            },
            sigma: self.sigma.map(|s| s.get() * 4.0),
            rule,
            thin: self.thin,
        })
    }

    /// The outputs asked for (possibly none).
    pub fn wanted(&self) -> Wanted {
        let bit = |i: u8| self.outputs & (1 << i) != 0;
        Wanted {
            edges: bit(0),
            magnitude: bit(1),
            direction: bit(2),
            dx: bit(3),
            dy: bit(4),
            points: false,
        }
    }

    /// The picture asked for.
    pub fn picture(&self) -> Picture {
        Picture::ALL[usize::from(self.picture) % Picture::ALL.len()]
    }

    /// The bit depth asked for of the magnitude picture.
    pub fn depth(&self) -> Depth {
        if self.sixteen {
            Depth::Sixteen
        } else {
            Depth::Eight
        }
    }
}

/// `err`'s message, checked to be one non-empty line (what the front-ends print after the
/// file's name).
pub fn one_line(err: &dyn std::fmt::Display) -> String {
    let message = err.to_string();
    assert!(!message.trim().is_empty(), "an empty error message");
    assert!(
        !message.contains('\n'),
        "an error message of several lines: {message:?}"
    );
    message
}

/// Checks what the pipeline promises of a run on a `rows x cols` image: exactly the wanted
/// outputs, each of the image's size, edges 0 or 255, and the levels of the rule.
pub fn check_detection(d: &Detection, wanted: &Wanted, dim: (usize, usize), config: &DetectConfig) {
    let same = |present: bool, got: Option<(usize, usize)>, name: &str| match (present, got) {
        (true, Some(g)) => assert_eq!(g, dim, "{name} is not of the image's size"),
        (false, None) => {}
        (w, g) => panic!("{name}: wanted {w}, got {g:?}"),
    };
    same(wanted.edges, d.edges.as_ref().map(|a| a.dim()), "edges");
    same(
        wanted.magnitude,
        d.magnitude.as_ref().map(|a| a.dim()),
        "magnitude",
    );
    same(
        wanted.direction,
        d.direction.as_ref().map(|a| a.dim()),
        "direction",
    );
    same(wanted.dx, d.dx.as_ref().map(|a| a.dim()), "dx");
    same(wanted.dy, d.dy.as_ref().map(|a| a.dim()), "dy");
    if let Some(edges) = &d.edges {
        assert!(
            edges.iter().all(|&v| v == 0 || v == 255),
            "edge values other than 0 and 255"
        );
        match config.rule {
            EdgeRule::Threshold(Threshold::Value(v)) => assert_eq!(d.threshold, v),
            EdgeRule::Hysteresis(levels) | EdgeRule::Canny(Some(levels)) => {
                assert_eq!(d.hysteresis, Some(levels.pair()));
                assert_eq!(d.threshold, levels.high());
            }
            EdgeRule::Canny(None) => {
                let (low, high) = d.hysteresis.expect("Canny reports its levels");
                assert!(0.0 <= low && low <= high, "automatic levels {low},{high}");
            }
            EdgeRule::Threshold(_) => assert_eq!(d.hysteresis, None),
        }
    } else {
        assert!(d.threshold.is_nan(), "a threshold without edges");
    }
    if let Some(m) = &d.magnitude {
        assert!(
            m.iter().all(|v| v.is_nan() || *v >= 0.0),
            "a negative magnitude"
        );
    }
}

/// A small image drawn from the fuzzer's bytes: 8-bit, 16-bit or float samples (any `f32`,
/// NaN and infinities included) on a grid of 1 to 40 rows and columns.
pub fn small_luma(u: &mut Unstructured<'_>) -> Result<Luma> {
    let rows = u.int_in_range(1..=40)?;
    let cols = u.int_in_range(1..=40)?;
    let n = rows * cols;
    Ok(match u.int_in_range(0..=3)? {
        0 => Luma::U8(grid(rows, cols, (0..n).map(|_| u8::arbitrary(u)))?),
        1 => Luma::U16(grid(rows, cols, (0..n).map(|_| u16::arbitrary(u)))?),
        2 => Luma::F32(grid(rows, cols, (0..n).map(|_| f32::arbitrary(u)))?),
        _ => Luma::F32(grid(
            rows,
            cols,
            (0..n).map(|_| u8::arbitrary(u).map(|v| f32::from(v) / 255.0)),
        )?),
    })
}

fn grid<T>(rows: usize, cols: usize, values: impl Iterator<Item = Result<T>>) -> Result<Array2<T>> {
    let values = values.collect::<Result<Vec<T>>>()?;
    Ok(Array2::from_shape_vec((rows, cols), values).expect("rows x cols values"))
}

/// A file holding `bytes` at a path of this process named `name` (in `$TMPDIR`, which
/// `scripts/fuzz.sh` points at memory), for the APIs that read paths.
pub fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgegrad-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a scratch file");
    path
}

/// A sink of rows (as the streamed paths write them) appending them to `out`.
pub fn appender(out: &mut Vec<u8>) -> impl FnMut(&[u8]) -> std::io::Result<()> + '_ {
    move |rows| {
        out.extend_from_slice(rows);
        Ok(())
    }
}

/// The bits of an `f32` grid, so that NaNs compare equal to themselves.
pub fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}
