//! `edgegrad preview`: a live window to tune the detection and see the result as it changes.
//!
//! The modules split what is decided from what is drawn: [`state`] (file, view, parameters,
//! title), [`keys`] (what each key does to the state), [`freshness`] (what a new state needs:
//! nothing, a rescale, a re-render, a pipeline run or a load) are plain code with unit tests;
//! [`compute`] does that work on a [`worker`] thread, [`scale`] fits pictures to the window,
//! [`watch`] notices changed files, and [`window`] moves key presses and pixels.

mod compute;
mod freshness;
mod keys;
mod playback;
mod player;
mod scale;
mod state;
mod watch;
mod window;
mod worker;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use edgegrad::batch::plan::is_image_path;
use edgegrad::timings::Timings;
use edgegrad::video::VideoInput;

use super::detect::DetectOptions;
use compute::{Computer, Job};
use state::State;
use worker::Worker;

/// Open a window that shows the edges of an image, a video or a camera and follows every
/// parameter change at once.
///
/// A video file (.mp4, .mkv, .webm, .mov, .avi, .m4v, ...), a URL, `camera`, `camera:N` or a
/// device path plays through FFmpeg (see `edgegrad video`): Space pauses, , and . step one
/// frame back and forward when paused, Left/Right seek 5 s back and forward; the title shows
/// the frames per second shown and the pipeline's time per frame. Frames the window cannot
/// keep up with are skipped, so it shows the present. Each frame's automatic level is its own.
///
/// Keys: 1-7 views (original, edges, magnitude, dx, dy, direction, overlay), Up/Down threshold,
/// [ ] sigma, O operator, E edge order, T thin, C Canny, A automatic threshold, Left/Right
/// (PageUp/PageDown) previous/next image, S save the view, R reload, H print the keys, Q or
/// Escape quit. The title shows the file, the view and every parameter. --output chooses the
/// first view.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct PreviewArgs {
    /// An image, or a folder: then Left/Right step through its images, sorted by name; or a
    /// video file, a URL, `camera`, `camera:N` or a camera's device path.
    path: PathBuf,

    /// Reload the image whenever it changes on disk.
    #[arg(long)]
    watch: bool,

    /// Print one JSON line on stderr for every new picture: the work done, the time of each
    /// stage, and total_ms from the key press to the picture on screen.
    #[arg(long)]
    timings: bool,

    #[command(flatten)]
    options: DetectOptions,
}

/// Runs `edgegrad preview`.
pub fn preview(args: PreviewArgs) -> Result<ExitCode> {
    let config = args.options.to_config();
    let pipeline = args.options.pipeline()?;
    if let Some(input) = video_input(&args.path) {
        return preview_video(args, input, config, pipeline);
    }
    let files = images(&args.path)?;
    window::check_display(|name| std::env::var_os(name))?;

    let (spare, spare_rx) = mpsc::channel();
    let mut computer = Computer::new(args.options.load_options(true), spare_rx);
    let worker = Worker::spawn(move |job| computer.run(job));
    let mut state = State::new(files, config, pipeline);
    state.view = args.options.output;

    // Load the first image before opening the window, to size the window to it and to fail
    // cleanly when a single image cannot be read.
    let first = Job {
        request: state.request((0, 0)),
        save: false,
        timings: Timings::new(),
        frame: None,
    };
    worker.submit(first, true);
    let outcome = worker.wait_result()?;
    if let (Some(problem), 1) = (&outcome.problem, state.files.len()) {
        return Err(anyhow!("{problem}"));
    }
    let image_size = outcome.image_size.unwrap_or((640, 480));
    window::take(&mut state, &mut None, outcome, &spare);
    let size = scale::initial_window(image_size, window::MAX_WINDOW);
    let win = window::open(&state.title(), size)?;
    let session = window::Session {
        worker,
        spare,
        watch: args.watch,
        timings: args.timings,
    };
    window::run(win, state, session)?;
    Ok(ExitCode::SUCCESS)
}

/// The video `path` names: a camera, a URL, or a file with a video's extension.
fn video_input(path: &Path) -> Option<VideoInput> {
    let input = VideoInput::parse(path.to_str()?);
    match &input {
        VideoInput::Camera(_) | VideoInput::Url(_) => Some(input),
        VideoInput::File(p) => {
            let ext = p.extension()?.to_string_lossy().to_ascii_lowercase();
            VIDEO_EXTENSIONS.contains(&ext.as_str()).then_some(input)
        }
        VideoInput::Stdin => None,
    }
}

/// The extensions `preview` plays as videos.
const VIDEO_EXTENSIONS: [&str; 13] = [
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "flv", "wmv", "ogv",
];

/// `edgegrad preview` on a video or a camera.
fn preview_video(
    args: PreviewArgs,
    input: VideoInput,
    config: edgegrad::DetectConfig,
    pipeline: edgegrad::Pipeline,
) -> Result<ExitCode> {
    if args.watch {
        return Err(super::UsageError(
            "--watch reloads image files that change; a video or a camera plays anyway".into(),
        )
        .into());
    }
    window::check_display(|name| std::env::var_os(name))?;
    let player = player::Player::start(super::video::ffmpeg(), input)?;
    let (spare, spare_rx) = mpsc::channel();
    let mut computer = Computer::new(args.options.load_options(true), spare_rx);
    let worker = Worker::spawn(move |job| computer.run(job));
    let mut state = State::new(vec![args.path.clone()], config, pipeline);
    state.view = args.options.output;
    let image_size = (player.info().width as u32, player.info().height as u32);
    let size = scale::initial_window(image_size, window::MAX_WINDOW);
    let win = window::open(&state.title(), size)?;
    let session = window::Session {
        worker,
        spare,
        watch: false,
        timings: args.timings,
    };
    playback::run(win, state, session, player)?;
    Ok(ExitCode::SUCCESS)
}

/// The image at `path`, or the images directly in the folder `path` (the files `batch` would
/// take: an extension naming a format this build reads; hidden files left out), sorted by name.
fn images(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let entries = fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            !hidden && p.is_file() && is_image_path(p)
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(anyhow!("{}: no image files in this folder", path.display()));
    }
    Ok(files)
}

/// The configuration the unit tests of this module were written for: unsmoothed and
/// unthinned, Otsu's threshold (the automatic default smooths and thins).
#[cfg(test)]
fn plain() -> edgegrad::detect::config::DetectConfig {
    edgegrad::detect::config::DetectConfig {
        rule: edgegrad::detect::EdgeRule::Threshold(
            edgegrad::detect::edges::threshold::Threshold::Otsu,
        ),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gives_its_images_sorted_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "b.png",
            "a.JPG",
            "c.tif",
            "notes.txt",
            ".hidden.png",
            "noext",
        ] {
            fs::write(dir.path().join(name), b"x").unwrap();
        }
        fs::create_dir(dir.path().join("sub.png")).unwrap();
        let names: Vec<String> = images(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a.JPG", "b.png", "c.tif"]);
    }

    #[test]
    fn a_file_is_taken_as_it_is_and_bad_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.dat");
        fs::write(&f, b"x").unwrap();
        assert_eq!(images(&f).unwrap(), vec![f]);
        let err = images(&dir.path().join("missing.png")).unwrap_err();
        assert!(format!("{err:#}").contains("missing.png"));
        let empty = tempfile::tempdir().unwrap();
        let err = images(empty.path()).unwrap_err().to_string();
        assert!(err.contains("no image files"), "{err}");
    }
}
