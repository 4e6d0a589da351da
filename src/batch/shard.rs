//! Splitting a batch across machines: shard `K` of `N` takes the files whose path hashes to `K`.
//!
//! A file's shard depends only on its path relative to the input folder (a fixed 64-bit FNV-1a
//! hash, mixed, modulo `N`), never on the order the file system lists files or on which other
//! files exist: the `N` shards are disjoint and together cover every file, even when files are
//! added while the array tasks start at different times.
//!
//! `--shard auto` reads a Slurm job array's variables: `K = SLURM_ARRAY_TASK_ID -
//! SLURM_ARRAY_TASK_MIN`, `N = SLURM_ARRAY_TASK_COUNT`.

use std::fmt;
use std::path::{Component, Path};
use std::str::FromStr;

/// Why a shard could not be chosen: all are usage mistakes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// The text is not `K/N` or `auto`.
    #[error("shard {0:?} is not K/N (e.g. 0/4) or auto")]
    Syntax(String),
    /// `N` is zero or `K` is not below `N`.
    #[error("shard {index}/{count}: K must be below N (shards are numbered from 0)")]
    OutOfRange {
        /// K.
        index: usize,
        /// N.
        count: usize,
    },
    /// A Slurm variable `--shard auto` needs is missing.
    #[error("--shard auto: {0} is not set (run it inside a Slurm job array, sbatch --array=..., or give --shard K/N)")]
    MissingVariable(&'static str),
    /// A Slurm variable is not a whole number.
    #[error("--shard auto: {name}={value:?} is not a whole number")]
    BadVariable {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The Slurm variables do not describe task `ID` of a contiguous array.
    #[error(
        "--shard auto: SLURM_ARRAY_TASK_ID={id} with SLURM_ARRAY_TASK_MIN={min} and \
         SLURM_ARRAY_TASK_COUNT={count} is not one of {count} consecutive tasks \
         (arrays with a step or a list, e.g. --array=0-10:2, need --shard K/N)"
    )]
    NotContiguous {
        /// SLURM_ARRAY_TASK_ID.
        id: u64,
        /// SLURM_ARRAY_TASK_MIN.
        min: u64,
        /// SLURM_ARRAY_TASK_COUNT.
        count: u64,
    },
}

/// Shard `index` of `count` (numbered from 0).
///
/// ```
/// use std::path::Path;
/// use edgegrad::batch::shard::Shard;
/// let shards: Vec<Shard> = (0..4).map(|k| Shard::new(k, 4).unwrap()).collect();
/// let owners = shards.iter().filter(|s| s.contains(Path::new("a/b.jpg"))).count();
/// assert_eq!(owners, 1);
/// assert!(Shard::new(4, 4).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// Shard `index` of `count`; an error unless `index < count`.
    pub fn new(index: usize, count: usize) -> Result<Shard, ShardError> {
        if index < count {
            Ok(Shard { index, count })
        } else {
            Err(ShardError::OutOfRange { index, count })
        }
    }

    /// The shard of a Slurm job array task, from the variables `var` returns (pass
    /// `|name| std::env::var(name).ok()` for the process's environment).
    ///
    /// ```
    /// use edgegrad::batch::shard::Shard;
    /// let env = |name: &str| match name {
    ///     "SLURM_ARRAY_TASK_ID" => Some("7".to_string()),
    ///     "SLURM_ARRAY_TASK_MIN" => Some("5".to_string()),
    ///     "SLURM_ARRAY_TASK_COUNT" => Some("4".to_string()),
    ///     _ => None,
    /// };
    /// assert_eq!(Shard::from_slurm(env)?, Shard::new(2, 4)?);
    /// # Ok::<(), edgegrad::batch::shard::ShardError>(())
    /// ```
    pub fn from_slurm(var: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        let number = |name: &'static str| -> Result<u64, ShardError> {
            let value = var(name).ok_or(ShardError::MissingVariable(name))?;
            value
                .trim()
                .parse()
                .map_err(|_| ShardError::BadVariable { name, value })
        };
        let id = number("SLURM_ARRAY_TASK_ID")?;
        let count = number("SLURM_ARRAY_TASK_COUNT")?;
        let min = number("SLURM_ARRAY_TASK_MIN")?;
        let not_contiguous = ShardError::NotContiguous { id, min, count };
        if let Some(max) = var("SLURM_ARRAY_TASK_MAX") {
            let max: u64 = max.trim().parse().map_err(|_| ShardError::BadVariable {
                name: "SLURM_ARRAY_TASK_MAX",
                value: max,
            })?;
            if max.checked_sub(min).and_then(|d| d.checked_add(1)) != Some(count) {
                return Err(not_contiguous);
            }
        }
        let index = id.checked_sub(min).ok_or(not_contiguous.clone())?;
        if index >= count {
            return Err(not_contiguous);
        }
        let to_usize = |v: u64| usize::try_from(v).map_err(|_| not_contiguous.clone());
        Shard::new(to_usize(index)?, to_usize(count)?)
    }

    /// K, numbered from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// N.
    pub fn count(&self) -> usize {
        self.count
    }

    /// True when the file at `relative` (a path relative to the input folder) belongs to this
    /// shard.
    pub fn contains(&self, relative: &Path) -> bool {
        if self.count == 1 {
            return true;
        }
        let owner = mix(path_hash(relative)) % self.count as u64;
        owner == self.index as u64
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What `--shard` asks for: a given shard, or the one of the Slurm array task.
///
/// ```
/// use edgegrad::batch::shard::{Shard, ShardSpec};
/// assert_eq!("2/5".parse::<ShardSpec>()?, ShardSpec::Given(Shard::new(2, 5)?));
/// assert_eq!("auto".parse::<ShardSpec>()?, ShardSpec::Slurm);
/// assert!("5/5".parse::<ShardSpec>().is_err());
/// assert!("1-4".parse::<ShardSpec>().is_err());
/// # Ok::<(), edgegrad::batch::shard::ShardError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    /// `K/N`.
    Given(Shard),
    /// `auto`: from the Slurm job array variables.
    Slurm,
}

impl ShardSpec {
    /// The shard, reading the Slurm variables through `var` when needed.
    pub fn resolve(self, var: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        match self {
            ShardSpec::Given(shard) => Ok(shard),
            ShardSpec::Slurm => Shard::from_slurm(var),
        }
    }
}

impl FromStr for ShardSpec {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("auto") {
            return Ok(ShardSpec::Slurm);
        }
        let syntax = || ShardError::Syntax(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(syntax)?;
        let k = k.trim().parse().map_err(|_| syntax())?;
        let n = n.trim().parse().map_err(|_| syntax())?;
        Shard::new(k, n).map(ShardSpec::Given)
    }
}

/// 64-bit FNV-1a of the path's components joined by `/`, the same on every platform.
fn path_hash(path: &Path) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(PRIME);
        }
    };
    for (i, component) in path
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .enumerate()
    {
        if i > 0 {
            feed(b"/");
        }
        feed(component.as_os_str().as_encoded_bytes());
    }
    hash
}

/// The splitmix64 finaliser: spreads FNV's weak low bits over the whole word before `% N`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(path_hash(Path::new("")), 0xcbf2_9ce4_8422_2325);
        assert_eq!(path_hash(Path::new("a")), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(path_hash(Path::new("foobar")), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_hash_does_not_depend_on_how_the_path_was_spelled() {
        assert_eq!(
            path_hash(Path::new("a/b.png")),
            path_hash(Path::new("./a//b.png"))
        );
        assert_ne!(
            path_hash(Path::new("a/b.png")),
            path_hash(Path::new("ab.png"))
        );
    }

    #[test]
    fn shards_are_disjoint_complete_and_roughly_even() {
        let paths: Vec<PathBuf> = (0..3000)
            .map(|i| PathBuf::from(format!("dir{}/img{i:05}.jpg", i % 7)))
            .collect();
        for n in [1, 2, 3, 7, 16] {
            let shards: Vec<Shard> = (0..n).map(|k| Shard::new(k, n).unwrap()).collect();
            let mut sizes = vec![0usize; n];
            for p in &paths {
                let owners: Vec<usize> = (0..n).filter(|&k| shards[k].contains(p)).collect();
                assert_eq!(
                    owners.len(),
                    1,
                    "{} has owners {owners:?} of {n}",
                    p.display()
                );
                sizes[owners[0]] += 1;
            }
            let mean = paths.len() / n;
            for s in sizes {
                assert!(
                    s.abs_diff(mean) < mean / 5 + 10,
                    "shard sizes uneven for {n}: {s} vs {mean}"
                );
            }
        }
    }

    #[test]
    fn parses_given_shards_and_refuses_nonsense() {
        assert_eq!(
            " 0 / 1 ".parse(),
            Ok(ShardSpec::Given(Shard::new(0, 1).unwrap()))
        );
        assert_eq!("AUTO".parse(), Ok(ShardSpec::Slurm));
        for bad in ["", "1", "1/", "/2", "a/b", "-1/2", "1/2/3", "1.5/2"] {
            assert_eq!(
                bad.parse::<ShardSpec>(),
                Err(ShardError::Syntax(bad.trim().to_string()))
            );
        }
        assert_eq!(
            "0/0".parse::<ShardSpec>(),
            Err(ShardError::OutOfRange { index: 0, count: 0 })
        );
        assert_eq!(
            "3/2".parse::<ShardSpec>(),
            Err(ShardError::OutOfRange { index: 3, count: 2 })
        );
    }

    #[test]
    fn slurm_arrays_starting_anywhere_map_to_shards_from_zero() {
        let vars = [
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "8"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
        ];
        assert_eq!(Shard::from_slurm(env(&vars)), Shard::new(0, 8));
        let vars = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(Shard::from_slurm(env(&vars)), Shard::new(3, 4));
    }

    #[test]
    fn slurm_errors_name_the_problem() {
        let missing = Shard::from_slurm(env(&[("SLURM_ARRAY_TASK_ID", "1")]));
        assert_eq!(
            missing,
            Err(ShardError::MissingVariable("SLURM_ARRAY_TASK_COUNT"))
        );
        let bad = Shard::from_slurm(env(&[
            ("SLURM_ARRAY_TASK_ID", "x"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ]));
        assert!(matches!(
            bad,
            Err(ShardError::BadVariable {
                name: "SLURM_ARRAY_TASK_ID",
                ..
            })
        ));
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "10"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "6"),
        ];
        assert!(matches!(
            Shard::from_slurm(env(&stepped)),
            Err(ShardError::NotContiguous { .. })
        ));
        let below = [
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ];
        assert!(matches!(
            Shard::from_slurm(env(&below)),
            Err(ShardError::NotContiguous { .. })
        ));
        let beyond = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ];
        assert!(matches!(
            Shard::from_slurm(env(&beyond)),
            Err(ShardError::NotContiguous { .. })
        ));
    }
}
