//! Raw video frames from a pipe, through the three-thread `video::run`: with fuzzed frame
//! sizes, pixel formats, pictures, options and levels, every whole frame is processed and
//! written, a short last frame is the one-line error naming it (every whole frame before it
//! written), each output frame has the output spec's size, and with per-frame levels frame *i*
//! is byte for byte `detect`'s picture of the same pixels as an image (with steady levels, the
//! first frame is).
//!
//! Input: the options ([`Case`], the first 64 bytes), then the frames' bytes.
#![no_main]

use std::sync::atomic::AtomicBool;

use arbitrary::Arbitrary;
use edgegrad::image::luma_of;
use edgegrad::image::render::Depth;
use edgegrad::video::frame::{frame_bytes, image_of};
use edgegrad::video::{run, Ending, FrameEdges, Levels, PixelFormat, RawSink, RawSource, RawSpec};
use edgegrad::{Pipeline, Timings};
use edgegrad_fuzz::{one_line, split, Options};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Case {
    options: Options,
    /// Frame width and height, 1 to 24.
    width: u8,
    height: u8,
    format: u8,
    steady: bool,
}

fuzz_target!(|data: &[u8]| {
    let Ok((case, bytes)) = split::<Case>(data) else {
        return;
    };
    let format = PixelFormat::ALL[usize::from(case.format) % 3];
    let spec = RawSpec::new(
        usize::from(case.width % 24) + 1,
        usize::from(case.height % 24) + 1,
        format,
    )
    .expect("a small frame");
    let Ok(config) = case.options.config() else {
        return;
    };
    let Ok(pipeline) = config.build() else {
        return;
    };
    let picture = case.options.picture();
    let levels = if case.steady {
        Levels::Steady
    } else {
        Levels::PerFrame
    };
    let mut edges = FrameEdges::new(pipeline.clone(), picture, levels, spec);
    let out_bytes = edges.output_spec().frame_bytes();
    let mut out = Vec::new();
    let result = run(
        &mut RawSource::new(bytes, spec),
        &mut edges,
        &mut RawSink::new(&mut out),
        &AtomicBool::new(false),
        &mut |_| {},
    );
    let n = spec.frame_bytes();
    let whole = bytes.len() / n;
    match result {
        Ok(summary) => {
            assert_eq!(bytes.len() % n, 0, "a short last frame was not refused");
            assert_eq!(
                (summary.frames, summary.ending),
                (whole as u64, Ending::Done)
            );
        }
        Err(e) => {
            let message = one_line(&e);
            assert_ne!(bytes.len() % n, 0, "{message}");
            assert!(
                message.contains(&format!("frame {} ", whole + 1)),
                "{message}"
            );
        }
    }
    assert_eq!(
        out.len(),
        whole * out_bytes,
        "every whole frame written whole"
    );
    for (i, (frame, made)) in bytes
        .chunks_exact(n)
        .zip(out.chunks_exact(out_bytes))
        .enumerate()
    {
        if levels == Levels::PerFrame || i == 0 {
            assert_eq!(
                made,
                as_image(&pipeline, picture, spec, frame),
                "frame {}",
                i + 1
            );
        }
    }
});

/// `detect`'s picture of a frame's pixels read as an image (a PGM or PPM of them), as bytes.
fn as_image(
    pipeline: &Pipeline,
    picture: edgegrad::Picture,
    spec: RawSpec,
    frame: &[u8],
) -> Vec<u8> {
    let img = image_of(spec, frame);
    let photo = picture.needs_photo().then(|| img.to_rgb8());
    let luma = luma_of(img);
    let detection = pipeline.run(luma.view(), &picture.wanted(), &mut Timings::new());
    let drawn = picture
        .draw(&detection, photo.as_ref(), Depth::Eight)
        .expect("the picture's needs were computed");
    frame_bytes(drawn)
}
