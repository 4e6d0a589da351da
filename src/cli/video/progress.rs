//! What `edgegrad video` shows while it runs and says at the end: the progress bar (frames,
//! frames per second, time left when the length is known) and the `--timings` line.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Duration;

use edgegrad::video::Summary;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};

/// A progress bar on stderr when it is a terminal and not `quiet` (a hidden one otherwise): a
/// bar with the time left when the number of frames is known, a counter when it is not.
pub fn bar(frames: Option<u64>, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match frames {
        Some(n) => (
            ProgressBar::new(n),
            "{bar:30.cyan/blue} {pos}/{len} frames  {fps}  {elapsed} elapsed, ETA {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} frames  {fps}  {elapsed} elapsed",
        ),
    };
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "fps",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1} fps", state.per_sec());
            },
        );
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// One JSON object: `frames`, `fps` (frames over the wall-clock time), then each stage's
/// milliseconds and `total_ms`.
pub fn timings_line(summary: &Summary) -> String {
    let total_s = summary.timings.elapsed_ms() / 1e3;
    let fps = if total_s > 0.0 {
        summary.frames as f64 / total_s
    } else {
        0.0
    };
    let stages = crate::cli::timings_json(&summary.timings);
    let mut line = String::from("{");
    let _ = write!(
        line,
        "\"frames\":{},\"fps\":{},",
        summary.frames,
        (fps * 10.0).round() / 10.0
    );
    line.push_str(stages.trim_start_matches('{'));
    line
}
