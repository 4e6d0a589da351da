//! The window: checking that there is a display, opening the window (or saying clearly why it
//! cannot be opened), and the loop that turns keys into requests for the worker and shows what
//! comes back. Everything it decides is in [`State`], [`keys`](super::keys) and
//! [`freshness`](super::freshness); this module only moves events and pixels.

use std::ffi::OsString;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use edgegrad::timings::Timings;
use minifb::{KeyRepeat, ScaleMode, Window, WindowOptions};

use super::compute::{Frame, Job, Outcome};
use super::freshness::Work;
use super::keys::{pressed, Effect, HELP};
use super::scale::BACKGROUND;
use super::state::{Found, State};
use super::watch::Watch;
use super::worker::Worker;

/// The largest size the window opens at; it can be resized, and the picture always fits it.
pub const MAX_WINDOW: (usize, usize) = (1280, 800);

/// The advice that ends every "cannot show a window" error.
const USE_DETECT: &str = "use `edgegrad detect` to write the results to files instead";

/// Checks that a display is named in the environment `var` reads, before anything is loaded.
pub fn check_display(var: impl Fn(&str) -> Option<OsString>) -> Result<()> {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        Ok(())
    } else {
        Err(anyhow!(
            "no display for the preview window (neither DISPLAY nor WAYLAND_DISPLAY is set); \
             {USE_DETECT}"
        ))
    }
}

/// Opens a resizable window of `size` titled `title`.
pub fn open(title: &str, size: (usize, usize)) -> Result<Window> {
    let options = WindowOptions {
        resize: true,
        scale_mode: ScaleMode::Center,
        ..WindowOptions::default()
    };
    let mut window = Window::new(title, size.0, size.1, options)
        .map_err(|e| anyhow!("cannot open the preview window: {e}; {USE_DETECT}"))?;
    let [_, r, g, b] = BACKGROUND.to_be_bytes();
    window.set_background_color(r, g, b);
    // The loop paces itself (see `run`); minifb must not sleep on top.
    window.set_target_fps(0);
    Ok(window)
}

/// What the loop needs besides the window and the state.
pub struct Session {
    /// The computation thread.
    pub worker: Worker<Job, Outcome>,
    /// Where frames go back to be drawn into again.
    pub spare: Sender<Vec<u32>>,
    /// Reload the file when it changes on disk.
    pub watch: bool,
    /// Print the timings of every new picture on stderr.
    pub timings: bool,
}

/// The time between two pictures: 60 per second.
const FRAME: Duration = Duration::from_micros(16_667);

/// Runs the window until it is closed (`Q`, Escape, or the window manager).
///
/// Each turn reads the keys the last update saw, asks the worker for a new picture when
/// something changed, waits for a result until the next frame is due (so a picture computed
/// quickly is shown at once), and draws.
pub fn run(mut window: Window, mut state: State, s: Session) -> Result<()> {
    let mut frame: Option<Frame> = None;
    let mut size = (0, 0);
    let mut dirty = true;
    let mut watch = s
        .watch
        .then(|| Watch::new(&state.file().path, Instant::now()));
    let mut next_frame = Instant::now();
    window.set_title(&state.title());
    while window.is_open() {
        let once = window.get_keys_pressed(KeyRepeat::No);
        for key in window.get_keys_pressed(KeyRepeat::Yes) {
            let Some(c) = pressed(key, &once) else {
                continue;
            };
            match state.apply(c) {
                Effect::Nothing => {}
                Effect::Update => dirty = true,
                Effect::Save => s.worker.submit(job(&state, size, true), true),
                Effect::Help => println!("{HELP}"),
                Effect::Quit => return Ok(()),
            }
        }
        dirty |= resized(&window, &mut size);
        if let Some(w) = &mut watch {
            if w.changed(&state.file().path, Instant::now()) {
                state.version += 1;
                dirty = true;
            }
        }
        if dirty {
            s.worker.submit(job(&state, size, false), false);
            window.set_title(&state.title());
            dirty = false;
        }
        let mut fresh = None;
        let mut next = s.worker.result_before(next_frame)?;
        while let Some(outcome) = next {
            let work = outcome.work;
            let (retitle, timings) = take(&mut state, &mut frame, outcome, &s.spare);
            if retitle {
                window.set_title(&state.title());
            }
            fresh = timings.map(|t| (work, t)).or(fresh);
            next = s.worker.try_result()?;
        }
        show(&mut window, &frame)?;
        if let (true, Some((work, t))) = (s.timings, fresh) {
            eprintln!("{}", timings_line(work, &t));
        }
        next_frame = Instant::now() + FRAME;
    }
    Ok(())
}

/// Whether the window's size differs from `size`, which becomes the window's.
pub fn resized(window: &Window, size: &mut (usize, usize)) -> bool {
    let now = window.get_size();
    let changed = now != *size;
    *size = now;
    changed
}

/// Draws `frame` in the window (or just takes its events while there is none).
pub fn show(window: &mut Window, frame: &Option<Frame>) -> Result<()> {
    match frame {
        Some(f) => window.update_with_buffer(&f.pixels, f.size.0, f.size.1)?,
        None => window.update(),
    }
    Ok(())
}

/// A job for the state as it is now.
fn job(state: &State, window: (usize, usize), save: bool) -> Job {
    Job {
        request: state.request(window),
        save,
        timings: Timings::new(),
        frame: None,
    }
}

/// Takes in what the worker did: the new frame (the old one goes back to be reused), the
/// levels found, a problem, a saved file. Returns whether the title changed, and the timings
/// when there is a new picture.
pub fn take(
    state: &mut State,
    frame: &mut Option<Frame>,
    o: Outcome,
    spare: &Sender<Vec<u32>>,
) -> (bool, Option<Timings>) {
    let mut retitle = false;
    if o.request.file == state.file() {
        if let Some(levels) = o.levels {
            state.found = Some(Found {
                file: o.request.file.clone(),
                pipeline: o.request.pipeline.clone(),
                levels,
            });
            retitle = true;
        }
        if o.problem != state.problem && (o.problem.is_some() || o.work == Work::Load) {
            if let Some(p) = &o.problem {
                eprintln!("edgegrad: error: {p}");
            }
            state.problem = o.problem;
            retitle = true;
        }
    }
    match o.saved {
        Some(Ok(path)) => println!("saved {}", path.display()),
        Some(Err(e)) => eprintln!("edgegrad: error: cannot save: {e}"),
        None => {}
    }
    let timings = match o.frame {
        Some(new) => {
            if let Some(old) = frame.replace(new) {
                // The worker may have finished; then there is nothing left to reuse it for.
                let _ = spare.send(old.pixels);
            }
            Some(o.timings)
        }
        None => None,
    };
    (retitle, timings)
}

/// One JSON line: the work done, each stage's milliseconds, and `total_ms` from the key press
/// to the picture drawn in the window.
pub fn timings_line(work: Work, t: &Timings) -> String {
    let json = crate::cli::timings_json(t);
    let name = format!("{work:?}").to_lowercase();
    format!("{{\"work\":\"{name}\",{}", json.trim_start_matches('{'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_display_is_a_clear_error() {
        let err = check_display(|_| None).unwrap_err().to_string();
        assert!(err.contains("no display"), "{err}");
        assert!(err.contains("edgegrad detect"), "{err}");
        assert!(!err.contains('\n'));
        let empty = check_display(|_| Some(OsString::new()));
        assert!(empty.is_err());
    }

    #[test]
    fn either_display_variable_is_enough() {
        for name in ["DISPLAY", "WAYLAND_DISPLAY"] {
            let ok = check_display(|v| (v == name).then(|| OsString::from(":1")));
            assert!(ok.is_ok(), "{name}");
        }
    }

    #[test]
    fn timings_line_is_one_json_object_naming_the_work() {
        let mut t = Timings::new();
        t.add("gradient_ms", 1.5);
        let line = timings_line(Work::Pipeline, &t);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["work"], "pipeline");
        assert_eq!(v["gradient_ms"], 1.5);
        assert!(v["total_ms"].as_f64().unwrap() >= 0.0);
    }
}
