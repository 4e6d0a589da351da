//! Wall-clock time per stage of a run: what `--timings` reports.

use std::time::Instant;

/// Milliseconds spent in each named stage, in the order they were first recorded, and the
/// total since creation.
///
/// ```
/// let mut t = edgegrad::timings::Timings::new();
/// let x = t.time("gradient_ms", || 6 * 7);
/// assert_eq!(x, 42);
/// assert_eq!(t.stages()[0].0, "gradient_ms");
/// assert!(t.get("gradient_ms") <= t.elapsed_ms());
/// ```
#[derive(Debug, Clone)]
pub struct Timings {
    start: Instant,
    stages: Vec<(&'static str, f64)>,
}

impl Default for Timings {
    fn default() -> Self {
        Self::new()
    }
}

impl Timings {
    /// Starts the clock for `total_ms`.
    pub fn new() -> Self {
        Timings {
            start: Instant::now(),
            stages: Vec::new(),
        }
    }

    /// Runs `f`, adding its duration to `stage` (a `*_ms` key).
    pub fn time<R>(&mut self, stage: &'static str, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = f();
        self.add(stage, t.elapsed().as_secs_f64() * 1e3);
        r
    }

    /// Adds `ms` milliseconds to `stage`.
    pub fn add(&mut self, stage: &'static str, ms: f64) {
        match self.stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += ms,
            None => self.stages.push((stage, ms)),
        }
    }

    /// The milliseconds recorded for `stage` so far (0 if none).
    pub fn get(&self, stage: &str) -> f64 {
        self.stages
            .iter()
            .find(|(n, _)| *n == stage)
            .map_or(0.0, |(_, ms)| *ms)
    }

    /// The stages recorded so far, in order.
    pub fn stages(&self) -> &[(&'static str, f64)] {
        &self.stages
    }

    /// Milliseconds since [`Timings::new`]: the `total_ms` of a report.
    pub fn elapsed_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1e3
    }
}
