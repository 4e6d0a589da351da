//! The window loop for a video or a camera: like [`window::run`](super::window::run) for
//! images, with the newest frame of the [`Player`] sent to the worker as it comes (a job not
//! started yet is replaced by a newer one, so frames are dropped, not queued), the playback
//! keys, and the frame rate shown and the pipeline's time per frame in the title.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use edgegrad::timings::Timings;
use minifb::{Key, KeyRepeat, Window};

use super::compute::{Frame, Job, Photo};
use super::freshness::Work;
use super::keys::{pressed, Effect, HELP};
use super::player::Player;
use super::state::State;
use super::window::{resized, show, take, timings_line, Session};

/// How far Left and Right seek.
const SEEK_SECONDS: f64 = 5.0;

/// The time between two turns of the loop: 60 per second.
const TURN: Duration = Duration::from_micros(16_667);

/// How often the title's rates are brought up to date.
const TITLE_EVERY: Duration = Duration::from_millis(500);

/// The keys of playback, besides the still-image preview's.
pub const PLAYBACK_HELP: &str = "\
video keys:
  Space              pause / play
  , / .              one frame back / forward (paused)
  Left / Right       5 seconds back / forward";

/// Frames shown per second and the pipeline's time per frame, over the last title period.
#[derive(Debug)]
struct Meter {
    since: Instant,
    shown: u32,
    pipeline_ms: f64,
    fps: f64,
    per_frame_ms: f64,
}

impl Meter {
    fn new() -> Self {
        Meter {
            since: Instant::now(),
            shown: 0,
            pipeline_ms: 0.0,
            fps: 0.0,
            per_frame_ms: 0.0,
        }
    }

    /// A new frame shown, computed in `t`.
    fn shown(&mut self, t: &Timings) {
        self.shown += 1;
        self.pipeline_ms += t
            .stages()
            .iter()
            .filter(|(k, _)| !matches!(*k, "render_ms" | "scale_ms" | "decode_ms" | "encode_ms"))
            .map(|(_, ms)| ms)
            .sum::<f64>();
    }

    /// The rates since the last call, if a title period has passed.
    fn update(&mut self) -> bool {
        let elapsed = self.since.elapsed();
        if elapsed < TITLE_EVERY {
            return false;
        }
        self.fps = f64::from(self.shown) / elapsed.as_secs_f64();
        if self.shown > 0 {
            self.per_frame_ms = self.pipeline_ms / f64::from(self.shown);
        }
        self.since = Instant::now();
        self.shown = 0;
        self.pipeline_ms = 0.0;
        true
    }
}

/// Runs the window on the player's frames until it is closed.
pub fn run(mut window: Window, mut state: State, s: Session, player: Player) -> Result<()> {
    let mut frame: Option<Frame> = None;
    let mut current: Option<Arc<Photo>> = None;
    let mut size = (0, 0);
    let mut dirty = false;
    let mut meter = Meter::new();
    let mut next_turn = Instant::now();
    while window.is_open() {
        let once = window.get_keys_pressed(KeyRepeat::No);
        for key in window.get_keys_pressed(KeyRepeat::Yes) {
            match key {
                Key::Space if once.contains(&key) => player.toggle_pause(),
                Key::Period => player.step(),
                Key::Comma => player.step_back(),
                Key::Left if once.contains(&key) => player.seek_by(-SEEK_SECONDS),
                Key::Right if once.contains(&key) => player.seek_by(SEEK_SECONDS),
                // Reloading means nothing for frames; the rest are the still preview's keys.
                Key::Left | Key::Right | Key::Space | Key::R => {}
                _ => {
                    let Some(c) = pressed(key, &once) else {
                        continue;
                    };
                    match state.apply(c) {
                        Effect::Nothing => {}
                        Effect::Update => dirty = true,
                        Effect::Save => s.worker.submit(job(&state, size, &current, true), true),
                        Effect::Help => println!("{HELP}\n{PLAYBACK_HELP}"),
                        Effect::Quit => return Ok(()),
                    }
                }
            }
        }
        dirty |= resized(&window, &mut size);
        if let Some(f) = player.take() {
            current = Some(Arc::new(f.photo));
            state.version = f.index;
            dirty = true;
        }
        if dirty && current.is_some() {
            s.worker.submit(job(&state, size, &current, false), false);
            dirty = false;
        }
        let mut next = s.worker.result_before(next_turn)?;
        while let Some(outcome) = next {
            let work = outcome.work;
            let (_, timings) = take(&mut state, &mut frame, outcome, &s.spare);
            if let Some(t) = timings {
                if work >= Work::Pipeline {
                    meter.shown(&t);
                }
                if s.timings {
                    eprintln!("{}", timings_line(work, &t));
                }
            }
            next = s.worker.try_result()?;
        }
        if meter.update() {
            state.status = Some(status(&player, &meter));
            window.set_title(&state.title());
        }
        show(&mut window, &frame)?;
        next_turn = Instant::now() + TURN;
    }
    Ok(())
}

/// A job for the state as it is now, on the current frame.
fn job(state: &State, window: (usize, usize), current: &Option<Arc<Photo>>, save: bool) -> Job {
    Job {
        request: state.request(window),
        save,
        timings: Timings::new(),
        frame: current.clone(),
    }
}

/// The title's playback part: frame, rates, and whether it is paused or over.
fn status(player: &Player, meter: &Meter) -> String {
    let (ended, problem) = player.ended();
    let state = match (problem, ended, player.paused()) {
        (Some(p), _, _) => format!(" | stopped: {p}"),
        (None, true, _) => " | end".into(),
        (None, false, true) => " | paused".into(),
        (None, false, false) => String::new(),
    };
    format!(
        "{:.1} fps | pipeline {:.1} ms{state}",
        meter.fps, meter.per_frame_ms
    )
}
