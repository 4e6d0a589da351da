//! `edgegrad video`: every frame of a video, a camera or a raw frame pipe through the same
//! pipeline as `detect`, out to a video file or a raw frame pipe.
//!
//! The arguments are checked before anything is opened (exit 2); then the input is opened
//! ([`io`] picks raw pipes or FFmpeg), the output made, and the library's
//! [`edgegrad::video::run()`] moves the frames, with a progress bar ([`progress`]) and Ctrl-C
//! ending the run cleanly.

mod io;

pub use io::ffmpeg;
mod progress;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{anyhow, Result};
use clap::Args;
use edgegrad::io::atomic::same_file;
use edgegrad::video::{
    run, Ending, FrameEdges, FrameRate, FrameSource, Levels, RawSpec, VideoInput,
};

use super::detect::DetectOptions;
use super::UsageError;

/// Find the edges of every frame of a video, a camera or a stream of raw frames.
///
/// Video files, URLs and cameras are read, and video files written, by FFmpeg's `ffmpeg`
/// program, which must be installed (or named by the EDGEGRAD_FFMPEG environment variable);
/// raw frames (--raw, -o -) need nothing else. Each frame goes through the same pipeline as
/// `edgegrad detect` with the same options; the automatic levels (the default threshold,
/// --canny's hysteresis) follow the noise averaged over recent frames, so that the level holds
/// still while the scene does, unless --per-frame. The frame rate and size are kept; audio is
/// dropped.
/// Ctrl-C stops after the frame being read and finishes the output with every frame before
/// it (exit code 130). --keep-orientation does nothing here: frames carry no EXIF orientation.
///
/// Examples: `edgegrad video clip.mp4 -o edges.mkv`,
/// `edgegrad video camera --canny -o out.mp4`,
/// `edgegrad video clip.mp4 -o - --format matroska | ffplay -`,
/// `ffmpeg -i in.mp4 -f rawvideo -pix_fmt gray - | edgegrad video - --raw 1280x720 -o - | ffplay
/// -f rawvideo -pixel_format gray -video_size 1280x720 -`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct VideoArgs {
    /// The input: a video file, a URL, `camera` (the first camera), `camera:N` (the N-th, or
    /// camera:NAME), a device path (/dev/video0), or `-` for standard input.
    input: String,

    /// The output: a video file whose extension chooses the container and codec (.mp4, .mov,
    /// .m4v, .ts: H.264; .mkv, .avi, .nut: lossless FFV1; .webm: VP9; .gif), or `-` for
    /// standard output: raw frames (8-bit gray for edges and magnitude, rgb24 for the colour
    /// pictures), each written as soon as it is made, or the video --format names. A file is
    /// written under a temporary name and renamed when complete.
    #[arg(short = 'o', value_name = "OUTPUT")]
    out: String,

    /// The format of -o -: `raw` frames (the default), or a video, named by an extension
    /// (mkv, mp4, ts, ...) or FFmpeg's name of the container (matroska, nut, mpegts, mp4,
    /// webm, ...), with the codec the extension stands for. MP4 and MOV are written
    /// fragmented, as a stream must be. For -o - only: a file's extension chooses its format.
    #[arg(long, value_name = "FORMAT", value_parser = io::parse_format)]
    format: Option<io::Format>,

    /// Read raw frames (from INPUT: `-` or a file) instead of a video: WIDTHxHEIGHT with
    /// the pixel format gray8 (1 byte a pixel), gray16 (2 bytes, little-endian) or rgb24,
    /// e.g. 1920x1080:gray8. Frame i of -o - is then byte for byte what `edgegrad detect`
    /// writes for frame i saved as a PGM/PPM (with --per-frame for automatic levels).
    #[arg(long, value_name = "WxH[:FORMAT]")]
    raw: Option<RawSpec>,

    /// The frame rate of --raw frames, for a video file output (25, 29.97, 30000/1001).
    /// [default: 25]
    #[arg(long, value_name = "FPS")]
    rate: Option<FrameRate>,

    /// Automatic levels from each frame alone, exactly as `edgegrad detect` finds them,
    /// instead of from the noise averaged over recent frames (a steadier level). No effect on
    /// given levels.
    #[arg(long)]
    per_frame: bool,

    /// Stop after this many frames (e.g. to record a camera for a while).
    #[arg(long, value_name = "N")]
    frames: Option<u64>,

    /// Print the frames, frames per second and the time of each stage summed over the frames
    /// (decode_ms, the pipeline's stages, render_ms, encode_ms) as one JSON object, the last
    /// line on stderr. The stages run at the same time on different threads, so they add up
    /// to more than total_ms.
    #[arg(long)]
    timings: bool,

    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,

    #[command(flatten)]
    options: DetectOptions,
}

/// Raised by Ctrl-C: the run stops after the frame being read.
static STOP: AtomicBool = AtomicBool::new(false);

/// The exit code of a run stopped by Ctrl-C: 128 + SIGINT, as shells report it.
const STOPPED: u8 = 130;

/// Runs `edgegrad video`.
pub fn video(args: VideoArgs) -> Result<ExitCode> {
    // Frame after frame, the same buffers are made and dropped: the heap keeps them rather
    // than have them faulted in again every frame.
    #[cfg(target_os = "linux")]
    edgegrad::alloc::keep_freed_heap();
    let pipeline = args.options.pipeline()?;
    let picture = args.options.output;
    let input = VideoInput::parse(&args.input);
    let output = io::Output::parse(&args.out, args.format)?;
    check_paths(&input, &output, &args)?;
    let ffmpeg = io::ffmpeg();
    let mut source = io::open_input(&ffmpeg, &input, args.raw, picture)?;
    let spec = source.spec();
    let pixels = (spec.width() as u64) * (spec.height() as u64);
    if pixels > args.options.max_pixels {
        return Err(anyhow!(
            "{}: frames of {}x{} have more pixels than --max-pixels {} (raise it to allow them)",
            input,
            spec.width(),
            spec.height(),
            args.options.max_pixels
        ));
    }
    let levels = if args.per_frame {
        Levels::PerFrame
    } else {
        Levels::Steady
    };
    let mut edges = FrameEdges::new(pipeline, picture, levels, spec);
    let rate = source.rate().or(args.rate).unwrap_or_else(default_rate);
    let mut sink = io::open_output(&ffmpeg, &output, edges.output_spec(), rate)?;
    // A second Ctrl-C ends at once, should the first not stop a stuck input.
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::Relaxed) {
            std::process::exit(i32::from(STOPPED));
        }
    });
    source.limit(args.frames);
    let bar = progress::bar(source.expected_frames(), args.quiet);
    let summary = run(&mut source, &mut edges, sink.as_mut(), &STOP, &mut |n| {
        bar.set_position(n)
    });
    bar.finish_and_clear();
    let summary = summary.map_err(|e| anyhow!("{}", io::name_error(e, &input, &output)))?;
    if args.timings {
        eprintln!("{}", progress::timings_line(&summary));
    }
    Ok(match summary.ending {
        Ending::Done | Ending::OutputClosed => ExitCode::SUCCESS,
        Ending::Stopped => {
            if !args.quiet {
                eprintln!(
                    "edgegrad: stopped after {} frames; {} holds them",
                    summary.frames, output
                );
            }
            ExitCode::from(STOPPED)
        }
    })
}

/// The rate of --raw frames written to a video file when --rate is not given: 25 per second.
fn default_rate() -> FrameRate {
    FrameRate::new(25, 1).expect("25/1 is a rate")
}

/// Refuses to write over the input, and --raw with an input that is not a stream of bytes.
fn check_paths(input: &VideoInput, output: &io::Output, args: &VideoArgs) -> Result<()> {
    if let (VideoInput::File(i), io::Output::File(o)) = (input, output) {
        if i == o || same_file(o, i) {
            return Err(UsageError(format!(
                "{}: refusing to write over the input video",
                o.display()
            ))
            .into());
        }
    }
    if args.raw.is_some() && !matches!(input, VideoInput::Stdin | VideoInput::File(_)) {
        return Err(UsageError(format!(
            "--raw reads frames from standard input (-) or a file, not from {input}"
        ))
        .into());
    }
    Ok(())
}
