//! One image, every road to its edges: on small fuzzed images (8-bit, 16-bit, float with any
//! values) and fuzzed options, the fused path (edges alone), the full-map path (edges with
//! maps), the first frame of a sequence (`run_steady`), a reused buffer (`run_reusing`) and
//! the streamed path (`stream_edges`, rows read a few at a time) give the same edges bit for
//! bit, with the same levels; and the banded map pictures (`Pipeline::draw`, whole and
//! streamed) are the pixels `Picture::draw` gives from the full maps.
//!
//! Input: the options (the first 64 bytes), then the image's size, kind and samples.
#![no_main]

use arbitrary::Unstructured;
use edgegrad::detect::edges::steady::SteadyLevels;
use edgegrad::detect::Picture;
use edgegrad::image::stream::{RowReader, RowStream};
use edgegrad::image::LoadError;
use edgegrad::{Detection, Luma, Timings, Wanted};
use edgegrad_fuzz::{appender, check_detection, small_luma, split, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((options, rest)) = split::<Options>(data) else {
        return;
    };
    let Ok(luma) = small_luma(&mut Unstructured::new(rest)) else {
        return;
    };
    let Ok(config) = options.config() else {
        return;
    };
    let Ok(pipeline) = config.clone().build() else {
        return;
    };
    let dim = luma.dim();
    let t = &mut Timings::new();
    let view = luma.view();

    let fused = pipeline.run(view, &Wanted::edges(), t);
    check_detection(&fused, &Wanted::edges(), dim, &config);
    let maps_wanted = Wanted::edges().union(options.wanted()).union(Wanted {
        magnitude: true,
        ..Wanted::default()
    });
    let maps = pipeline.run(view, &maps_wanted, t);
    check_detection(&maps, &maps_wanted, dim, &config);
    same_edges(&fused, &maps, "fused vs full maps");

    let first = pipeline.run_steady(view, &Wanted::edges(), &mut SteadyLevels::new(), t);
    same_edges(&fused, &first, "a sequence's first frame");
    let junk = vec![0x5a; dim.0 * dim.1 + 3];
    let reused = pipeline.run_reusing(view, &Wanted::edges(), None, junk, t);
    same_edges(&fused, &reused, "a reused buffer");

    let open = || Ok(rows_of(&luma));
    let mut streamed = Vec::new();
    let levels = pipeline
        .stream_edges(&open, &mut appender(&mut streamed), t)
        .expect("an image in memory streams");
    let edges = fused.edges.as_ref().expect("edges were wanted");
    assert_eq!(
        streamed,
        edges.iter().copied().collect::<Vec<u8>>(),
        "streamed edges"
    );
    assert_eq!(levels.size, dim);
    assert_eq!(
        levels.threshold.to_bits(),
        fused.threshold.to_bits(),
        "streamed level"
    );
    assert_eq!(
        levels.hysteresis, fused.hysteresis,
        "streamed hysteresis levels"
    );

    let picture = options.picture();
    let depth = options.depth();
    if let Some(banded) = pipeline.draw(view, picture, depth, t) {
        let full = pipeline.run(view, &picture.wanted(), t);
        let drawn = picture
            .draw(&full, None, depth)
            .expect("a map picture needs no photo");
        assert_eq!(banded, drawn, "banded {picture:?} picture");
        let mut bytes = Vec::new();
        pipeline
            .draw_streamed(view, picture, depth, t, &mut appender(&mut bytes))
            .expect("a map picture")
            .expect("writing to memory");
        assert_eq!(bytes, png_bytes(&drawn), "streamed {picture:?} picture");
    } else {
        assert!(matches!(
            picture,
            Picture::Edges | Picture::Overlay | Picture::Original | Picture::Contours
        ));
    }
});

/// The edges and levels of two runs, bit for bit.
fn same_edges(a: &Detection, b: &Detection, what: &str) {
    assert_eq!(a.edges, b.edges, "{what}: edges differ");
    assert_eq!(
        a.threshold.to_bits(),
        b.threshold.to_bits(),
        "{what}: levels differ"
    );
    assert_eq!(
        a.hysteresis, b.hysteresis,
        "{what}: hysteresis levels differ"
    );
}

/// A picture's samples as a PNG stores them (16-bit ones big-endian).
fn png_bytes(img: &image::DynamicImage) -> Vec<u8> {
    match img {
        image::DynamicImage::ImageLuma16(g) => g.iter().flat_map(|v| v.to_be_bytes()).collect(),
        other => other.as_bytes().to_vec(),
    }
}

/// An image in memory read in rows, as a streaming decoder gives them.
struct MemoryRows<T> {
    samples: Vec<T>,
    size: (usize, usize),
    next: usize,
}

impl<T: Copy + Send> RowReader<T> for MemoryRows<T> {
    fn size(&self) -> (usize, usize) {
        self.size
    }

    fn read_rows(&mut self, out: &mut [T]) -> Result<(), LoadError> {
        let start = self.next;
        out.copy_from_slice(&self.samples[start..start + out.len()]);
        self.next += out.len();
        Ok(())
    }
}

fn rows_of(luma: &Luma) -> RowStream {
    fn reader<T: Copy + Send + 'static>(a: &ndarray::Array2<T>) -> Box<MemoryRows<T>> {
        Box::new(MemoryRows {
            samples: a.iter().copied().collect(),
            size: a.dim(),
            next: 0,
        })
    }
    match luma {
        Luma::U8(a) => RowStream::U8(reader(a)),
        Luma::U16(a) => RowStream::U16(reader(a)),
        Luma::F32(a) => RowStream::F32(reader(a)),
    }
}
