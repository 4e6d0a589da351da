//! What a stencil does at the borders of an axis: numpy's one-sided differences, or one of
//! scipy.ndimage's padding modes with their exact meanings.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// The rule at the borders of an axis.
///
/// `Numpy` keeps the central stencil where it fits and uses one-sided stencils of the same order
/// of accuracy in the first and last points (numpy's `np.gradient` at accuracy 2, findiff's rule
/// above). Every other mode pads the axis as `scipy.ndimage` does and uses the central stencil
/// everywhere; with input `a b c d`:
///
/// | mode | padded |
/// |---|---|
/// | `wrap` | `a b c d │ a b c d │ a b c d` |
/// | `reflect` | `d c b a │ a b c d │ d c b a` |
/// | `mirror` | `d c b │ a b c d │ c b a` |
/// | `nearest` | `a a a a │ a b c d │ d d d d` |
/// | `constant:k` | `k k k k │ a b c d │ k k k k` (`constant` alone: `k = 0`) |
///
/// Padding farther than the axis is long repeats the pattern, as scipy does.
///
/// ```
/// use edgegrad::numeric::derivative::Boundary;
///
/// assert_eq!("wrap".parse::<Boundary>(), Ok(Boundary::Wrap));
/// assert_eq!("constant:2.5".parse::<Boundary>(), Ok(Boundary::Constant(2.5)));
/// assert_eq!("constant".parse::<Boundary>(), Ok(Boundary::Constant(0.0)));
/// assert!("periodic".parse::<Boundary>().is_err());
/// assert_eq!(Boundary::Reflect.sample(-1, 4), Some(0));
/// assert_eq!(Boundary::Mirror.sample(-1, 4), Some(1));
/// assert_eq!(Boundary::Wrap.sample(5, 4), Some(1));
/// assert_eq!(Boundary::Constant(1.0).sample(4, 4), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Boundary {
    /// One-sided stencils at the borders (numpy's rule; the default).
    #[default]
    Numpy,
    /// Periodic: `a b c d | a b c d | a b c d`.
    Wrap,
    /// Half-sample symmetric: `d c b a | a b c d | d c b a`.
    Reflect,
    /// Whole-sample symmetric: `d c b | a b c d | c b a`.
    Mirror,
    /// The border value repeated: `a a a a | a b c d | d d d d`.
    Nearest,
    /// A constant outside: `k k k k | a b c d | k k k k`.
    Constant(f64),
}

/// A boundary name that is not one of the modes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown boundary mode {0:?}: expected numpy, wrap, reflect, mirror, nearest or constant[:VALUE]")]
pub struct UnknownBoundary(pub String);

impl FromStr for Boundary {
    type Err = UnknownBoundary;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "numpy" => Boundary::Numpy,
            "wrap" => Boundary::Wrap,
            "reflect" => Boundary::Reflect,
            "mirror" => Boundary::Mirror,
            "nearest" => Boundary::Nearest,
            "constant" => Boundary::Constant(0.0),
            _ => match s.strip_prefix("constant:").map(str::parse::<f64>) {
                Some(Ok(k)) => Boundary::Constant(k),
                _ => return Err(UnknownBoundary(s.to_string())),
            },
        })
    }
}

impl fmt::Display for Boundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Boundary::Numpy => f.write_str("numpy"),
            Boundary::Wrap => f.write_str("wrap"),
            Boundary::Reflect => f.write_str("reflect"),
            Boundary::Mirror => f.write_str("mirror"),
            Boundary::Nearest => f.write_str("nearest"),
            Boundary::Constant(k) => write!(f, "constant:{k}"),
        }
    }
}

impl Boundary {
    /// Whether the mode pads the axis (everything but [`Boundary::Numpy`]).
    pub fn pads(&self) -> bool {
        *self != Boundary::Numpy
    }

    /// The sample of an axis of `n >= 1` samples that position `q` (any integer) reads when
    /// padded, or `None` for the constant (and for [`Boundary::Numpy`], which does not pad).
    pub fn sample(&self, q: i64, n: usize) -> Option<usize> {
        let n = n as i64;
        let index = match self {
            Boundary::Numpy | Boundary::Constant(_) => {
                return (0..n).contains(&q).then_some(q as usize)
            }
            Boundary::Wrap => q.rem_euclid(n),
            Boundary::Nearest => q.clamp(0, n - 1),
            Boundary::Reflect => {
                let m = q.rem_euclid(2 * n);
                if m < n {
                    m
                } else {
                    2 * n - 1 - m
                }
            }
            Boundary::Mirror if n == 1 => 0,
            Boundary::Mirror => {
                let m = q.rem_euclid(2 * n - 2);
                if m < n {
                    m
                } else {
                    2 * n - 2 - m
                }
            }
        };
        Some(index as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(mode: Boundary, n: usize, before: i64, after: i64) -> String {
        (-before..n as i64 + after)
            .map(|q| match mode.sample(q, n) {
                Some(i) => char::from(b'a' + i as u8),
                None => 'k',
            })
            .collect()
    }

    #[test]
    fn padding_is_scipys_picture() {
        assert_eq!(padded(Boundary::Wrap, 4, 4, 4), "abcdabcdabcd");
        assert_eq!(padded(Boundary::Reflect, 4, 4, 4), "dcbaabcddcba");
        assert_eq!(padded(Boundary::Mirror, 4, 3, 3), "dcbabcdcba");
        assert_eq!(padded(Boundary::Nearest, 4, 4, 4), "aaaaabcddddd");
        assert_eq!(padded(Boundary::Constant(3.0), 4, 2, 2), "kkabcdkk");
    }

    #[test]
    fn padding_beyond_the_axis_repeats_the_pattern() {
        assert_eq!(padded(Boundary::Reflect, 2, 6, 6), "baabbaabbaabba");
        assert_eq!(padded(Boundary::Mirror, 3, 5, 5), "babcbabcbabcb");
        assert_eq!(padded(Boundary::Mirror, 1, 3, 3), "aaaaaaa");
        assert_eq!(padded(Boundary::Wrap, 3, 4, 4), "cabcabcabca");
    }

    #[test]
    fn names_round_trip() {
        for mode in [
            Boundary::Numpy,
            Boundary::Wrap,
            Boundary::Reflect,
            Boundary::Mirror,
            Boundary::Nearest,
            Boundary::Constant(-1.5),
        ] {
            assert_eq!(mode.to_string().parse::<Boundary>(), Ok(mode));
        }
        assert!("constant:x".parse::<Boundary>().is_err());
        assert!("Wrap".parse::<Boundary>().is_err());
        assert!("".parse::<Boundary>().is_err());
    }
}
