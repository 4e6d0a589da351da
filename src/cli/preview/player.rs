//! The preview's video player: a thread that decodes a video file or a camera through FFmpeg
//! and keeps only the newest frame for the window, so a window that falls behind shows the
//! present and skips frames rather than queueing them. Files play at their frame rate and can
//! be paused, stepped one frame either way and seeked; cameras are shown as they come.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use edgegrad::image::luma_of;
use edgegrad::video::{
    Ffmpeg, FfmpegSource, FrameSource, PixelFormat, RawSpec, StreamInfo, VideoInput,
};
use image::{DynamicImage, RgbImage};

use super::compute::Photo;

/// A decoded frame.
#[derive(Debug)]
pub struct VideoFrame {
    /// The frame's number from the start of the video (for a camera: since it was opened).
    pub index: u64,
    /// Its luma and colours.
    pub photo: Photo,
}

/// What the window asks of the player thread.
#[derive(Debug, Default)]
struct Control {
    paused: bool,
    /// Frames to show while paused.
    steps: u32,
    /// Where to go, in seconds.
    seek: Option<f64>,
    quit: bool,
}

/// What the player thread tells the window.
#[derive(Debug, Default)]
struct Status {
    /// The newest frame, not taken yet.
    latest: Option<VideoFrame>,
    /// The number of the last frame given.
    shown: u64,
    /// The video has no more frames.
    ended: bool,
    /// Why the player stopped, if it failed.
    problem: Option<String>,
}

#[derive(Debug, Default)]
struct Shared {
    control: Mutex<Control>,
    wake: Condvar,
    status: Mutex<Status>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The player: its thread decodes, the window takes frames and sends commands.
pub struct Player {
    shared: Arc<Shared>,
    info: StreamInfo,
    live: bool,
}

impl Player {
    /// Opens `input` (failing at once, with FFmpeg's reason, when it cannot be) and starts
    /// playing it.
    pub fn start(ffmpeg: Ffmpeg, input: VideoInput) -> Result<Player> {
        let source = FfmpegSource::open(&ffmpeg, &input, PixelFormat::Rgb24)?;
        let info = source.info().clone();
        let live = matches!(input, VideoInput::Camera(_));
        let shared = Arc::new(Shared::default());
        let theirs = Arc::clone(&shared);
        let rate = info.rate.fps();
        thread::Builder::new()
            .name("preview-player".into())
            .spawn(move || play(&theirs, &ffmpeg, &input, source, rate, live))?;
        Ok(Player { shared, info, live })
    }

    /// The video's size and rate.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// The newest frame since the last call, if any.
    pub fn take(&self) -> Option<VideoFrame> {
        lock(&self.shared.status).latest.take()
    }

    /// Pauses or plays; playing at the end starts again from the beginning.
    pub fn toggle_pause(&self) {
        let ended = lock(&self.shared.status).ended;
        let mut c = lock(&self.shared.control);
        c.paused = !c.paused;
        c.steps = 0;
        if !c.paused && ended && !self.live {
            c.seek = Some(0.0);
        }
        self.shared.wake.notify_all();
    }

    /// True when paused.
    pub fn paused(&self) -> bool {
        lock(&self.shared.control).paused
    }

    /// Shows the next frame, when paused.
    pub fn step(&self) {
        let mut c = lock(&self.shared.control);
        if c.paused {
            c.steps += 1;
            self.shared.wake.notify_all();
        }
    }

    /// Shows the frame before the one shown, when paused (files only).
    pub fn step_back(&self) {
        let shown = lock(&self.shared.status).shown;
        let mut c = lock(&self.shared.control);
        if c.paused && !self.live && shown > 0 {
            c.seek = Some(self.time_of(shown - 1));
            self.shared.wake.notify_all();
        }
    }

    /// Goes `seconds` forward or back from the frame shown (files only).
    pub fn seek_by(&self, seconds: f64) {
        if self.live {
            return;
        }
        let shown = lock(&self.shared.status).shown;
        let target = ((shown as f64 / self.info.rate.fps()) + seconds).max(0.0);
        let index = (target * self.info.rate.fps()).round() as u64;
        let mut c = lock(&self.shared.control);
        c.seek = Some(self.time_of(index));
        self.shared.wake.notify_all();
    }

    /// A time that FFmpeg's accurate seeking lands on frame `index` from: a quarter frame
    /// before it (frames before the time are dropped).
    fn time_of(&self, index: u64) -> f64 {
        ((index as f64 - 0.25) / self.info.rate.fps()).max(0.0)
    }

    /// Whether the video has ended, and why it stopped if it failed.
    pub fn ended(&self) -> (bool, Option<String>) {
        let s = lock(&self.shared.status);
        (s.ended, s.problem.clone())
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        lock(&self.shared.control).quit = true;
        self.shared.wake.notify_all();
    }
}

/// The player thread: waits while paused, seeks by opening the input again at the time asked,
/// paces a file to its frame rate, and replaces the newest frame with each one decoded.
fn play(
    shared: &Shared,
    ffmpeg: &Ffmpeg,
    input: &VideoInput,
    mut source: FfmpegSource,
    rate: f64,
    live: bool,
) {
    let mut index = 0u64;
    let mut anchor: Option<(Instant, u64)> = None;
    let mut buf = Vec::new();
    loop {
        let (seek, stepping) = {
            let mut c = lock(&shared.control);
            loop {
                if c.quit {
                    return;
                }
                if c.seek.is_some() || !c.paused || c.steps > 0 {
                    break;
                }
                anchor = None;
                c = shared.wake.wait(c).unwrap_or_else(PoisonError::into_inner);
            }
            let seek = c.seek.take();
            if c.paused && seek.is_none() {
                c.steps -= 1;
            }
            (seek, c.paused)
        };
        if let Some(t) = seek {
            match FfmpegSource::open_at(ffmpeg, input, PixelFormat::Rgb24, t) {
                Ok(s) => source = s,
                Err(e) => {
                    stop(shared, Some(e.to_string()));
                    continue;
                }
            }
            index = (t * rate).ceil() as u64;
            anchor = None;
            lock(&shared.status).ended = false;
        }
        match source.read_frame(&mut buf) {
            Ok(true) => {}
            Ok(false) => {
                stop(shared, None);
                continue;
            }
            Err(e) => {
                stop(shared, Some(e.to_string()));
                continue;
            }
        }
        if !live && !stepping {
            let (t0, i0) = *anchor.get_or_insert((Instant::now(), index));
            let due = t0 + Duration::from_secs_f64(index.saturating_sub(i0) as f64 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
        }
        let photo = photo_of(source.spec(), &buf);
        let mut s = lock(&shared.status);
        s.latest = Some(VideoFrame { index, photo });
        s.shown = index;
        index += 1;
    }
}

/// The video ended (or failed): pause at its last frame.
fn stop(shared: &Shared, problem: Option<String>) {
    {
        let mut s = lock(&shared.status);
        s.ended = true;
        if problem.is_some() {
            s.problem = problem;
        }
    }
    let mut c = lock(&shared.control);
    c.paused = true;
    c.steps = 0;
}

/// The luma and colours of an RGB frame, as the preview shows a colour image.
fn photo_of(spec: RawSpec, rgb: &[u8]) -> Photo {
    let (w, h) = (spec.width() as u32, spec.height() as u32);
    let rgb = RgbImage::from_raw(w, h, rgb.to_vec()).unwrap_or_else(|| RgbImage::new(w, h));
    Photo {
        luma: luma_of(DynamicImage::ImageRgb8(rgb.clone())),
        rgb,
    }
}
