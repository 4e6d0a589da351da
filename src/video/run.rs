//! Frames in flight: decoding, edges and encoding run on three threads joined by bounded
//! channels, so each stage works on its frame while the others work on theirs, and no more
//! than [`IN_FLIGHT`] frames wait between two stages. Frame buffers go back to be filled
//! again: input frames to the decoder, output frames from the encoder to the edge stage.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread;

use super::edges::FrameEdges;
use super::sink::FrameSink;
use super::source::FrameSource;
use super::VideoError;
use crate::timings::Timings;

/// Frames that may wait between two stages.
pub const IN_FLIGHT: usize = 2;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The input ended.
    Done,
    /// The stop flag was raised (Ctrl-C): the frames read before are all written.
    Stopped,
    /// The output's reader went away (a closed pipe): the frames it took are written.
    OutputClosed,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Frames written.
    pub frames: u64,
    /// How it ended.
    pub ending: Ending,
    /// Time per stage, summed over the frames (`decode_ms`, the pipeline's stages,
    /// `render_ms`, `encode_ms`), and the run's wall-clock time.
    pub timings: Timings,
}

/// Runs every frame of `source` through `edges` into `sink`, the three stages on their own
/// threads. `stop` ends the run after the frame being read; `progress` is called with the
/// number of frames done after each one. The sink is finished when the input ended, was
/// stopped or the output closed; on an error it is dropped unfinished (a file sink leaves
/// nothing), except that a raw sink has every whole frame before the error.
///
/// ```
/// use std::sync::atomic::AtomicBool;
/// use edgegrad::detect::{DetectConfig, Picture};
/// use edgegrad::video::{run, Ending, FrameEdges, Levels, RawSink, RawSource};
/// let frames = vec![0u8; 8 * 4 * 3]; // three black 8x4 frames
/// let mut out = Vec::new();
/// let pipeline = DetectConfig::default().build().unwrap();
/// let mut edges = FrameEdges::new(pipeline, Picture::Edges, Levels::Steady, "8x4".parse()?);
/// let summary = run(
///     &mut RawSource::new(&frames[..], "8x4".parse()?),
///     &mut edges,
///     &mut RawSink::new(&mut out),
///     &AtomicBool::new(false),
///     &mut |_| {},
/// )?;
/// assert_eq!((summary.frames, summary.ending), (3, Ending::Done));
/// assert_eq!(out, vec![0u8; 96]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    source: &mut dyn FrameSource,
    edges: &mut FrameEdges,
    sink: &mut dyn FrameSink,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, VideoError> {
    let mut timings = Timings::new();
    let (decoded_tx, decoded_rx) = mpsc::sync_channel(IN_FLIGHT);
    let (free_tx, free_rx) = mpsc::channel();
    let (edges_tx, edges_rx) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    let (written_tx, written_rx) = mpsc::channel();
    let writer: &mut dyn FrameSink = &mut *sink;
    let (read, made, written) = thread::scope(|scope| {
        let decoder = scope.spawn(move || decode(source, stop, decoded_tx, free_rx));
        let encoder = scope.spawn(move || encode(writer, edges_rx, written_tx));
        let frees = Frees {
            input: free_tx,
            output: written_rx,
        };
        let made = detect(edges, decoded_rx, frees, edges_tx, progress);
        (join(decoder), made, join(encoder))
    });
    let (read_timings, stopped) = read?;
    let (written_timings, frames, closed) = written?;
    let made_timings = made?;
    for t in [read_timings, made_timings, written_timings] {
        for &(stage, ms) in t.stages() {
            timings.add(stage, ms);
        }
    }
    let ending = if closed {
        Ending::OutputClosed
    } else {
        match sink.finish() {
            Ok(()) if stopped => Ending::Stopped,
            Ok(()) => Ending::Done,
            // The reader went away as the last frames were written.
            Err(VideoError::OutputClosed) => Ending::OutputClosed,
            Err(e) => return Err(e),
        }
    };
    Ok(Summary {
        frames,
        ending,
        timings,
    })
}

/// A stage thread's result; a panic in it (a bug) becomes an error, not a second panic.
fn join<T>(handle: thread::ScopedJoinHandle<'_, Result<T, VideoError>>) -> Result<T, VideoError> {
    handle.join().unwrap_or(Err(VideoError::Internal))
}

/// The decoding stage: reads frames into recycled buffers until the end, the stop flag, or the
/// next stage stopping. Returns its timings and whether it was stopped.
fn decode(
    source: &mut dyn FrameSource,
    stop: &AtomicBool,
    out: SyncSender<Result<Vec<u8>, VideoError>>,
    free: Receiver<Vec<u8>>,
) -> Result<(Timings, bool), VideoError> {
    let mut timings = Timings::new();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok((timings, true));
        }
        let mut frame = free.try_recv().unwrap_or_default();
        match timings.time("decode_ms", || source.read_frame(&mut frame)) {
            Ok(true) => {
                if out.send(Ok(frame)).is_err() {
                    return Ok((timings, false));
                }
            }
            Ok(false) => return Ok((timings, false)),
            Err(e) => {
                // The error goes in order, after the frames before it.
                let _ = out.send(Err(e));
                return Ok((timings, false));
            }
        }
    }
}

/// The buffers the edge stage passes on and takes back.
struct Frees {
    /// Input frames done with, back to the decoder.
    input: mpsc::Sender<Vec<u8>>,
    /// Output frames written, back from the encoder.
    output: Receiver<Vec<u8>>,
}

/// The edge stage, on the calling thread: each decoded frame through the pipeline (into an
/// output frame written before, when there is one), its buffer back to the decoder, the
/// picture on to the encoder.
fn detect(
    edges: &mut FrameEdges,
    decoded: Receiver<Result<Vec<u8>, VideoError>>,
    frees: Frees,
    out: SyncSender<Vec<u8>>,
    progress: &mut dyn FnMut(u64),
) -> Result<Timings, VideoError> {
    let mut timings = Timings::new();
    let mut done = 0;
    for frame in decoded {
        let frame = frame?;
        let reuse = frees.output.try_recv().unwrap_or_default();
        let picture = edges.frame_reusing(&frame, reuse, &mut timings);
        let _ = frees.input.send(frame);
        if out.send(picture).is_err() {
            // The encoder stopped; its result says why.
            break;
        }
        done += 1;
        progress(done);
    }
    Ok(timings)
}

/// The encoding stage: writes each picture, its buffer then back to the edge stage. Returns
/// its timings, the frames written and whether the output was closed by its reader.
fn encode(
    sink: &mut dyn FrameSink,
    pictures: Receiver<Vec<u8>>,
    written: mpsc::Sender<Vec<u8>>,
) -> Result<(Timings, u64, bool), VideoError> {
    let mut timings = Timings::new();
    let mut frames = 0;
    for picture in pictures {
        match timings.time("encode_ms", || sink.write_frame(&picture)) {
            Ok(()) => {
                frames += 1;
                let _ = written.send(picture);
            }
            Err(VideoError::OutputClosed) => return Ok((timings, frames, true)),
            Err(e) => return Err(e),
        }
    }
    Ok((timings, frames, false))
}
