//! The row readers of streamed images (PNG, TIFF and BigTIFF, binary PNM): `open_stream` gives
//! a one-line error, a reason to read the file whole, or rows; rows read in fuzzed chunks are
//! the very luma `load` gives the same file (same kind, same values bit for bit), and a file
//! one reads whole the other reads whole too; a lying header fails when the data runs out,
//! without allocating what it claims. On files that stream, the streamed edges are the edges of
//! the loaded image.
//!
//! Input: the options ([`Case`], the first 64 bytes), then the file's bytes.
#![no_main]

use arbitrary::Arbitrary;
use edgegrad::image::stream::{open_rows, open_stream, RowReader, RowStream};
use edgegrad::image::{load, DecodeLimits, LoadOptions, Luma};
use edgegrad::{Timings, Wanted};
use edgegrad_fuzz::{appender, bits, one_line, scratch_file, split, Options};
use libfuzzer_sys::fuzz_target;

/// Images up to this many pixels are read whole and compared with `load`; of larger ones (a
/// header may claim anything) only the first rows are read.
const COMPARED_PIXELS: usize = 1 << 16;
/// The rows read of a larger image.
const FIRST_ROWS: usize = 64;

#[derive(Arbitrary, Debug)]
struct Case {
    options: Options,
    keep_orientation: bool,
    /// The rows each read asks for (1 to 16).
    chunk: u8,
}

fuzz_target!(|data: &[u8]| {
    let Ok((case, file)) = split::<Case>(data) else {
        return;
    };
    let path = scratch_file("in.img", file);
    let options = LoadOptions {
        limits: DecodeLimits {
            max_pixels: COMPARED_PIXELS as u64,
        },
        keep_orientation: case.keep_orientation,
        photo: false,
    };
    let stream = match open_stream(&path, &options) {
        Ok(Ok(stream)) => stream,
        Ok(Err(_whole)) => return,
        Err(e) => {
            one_line(&e);
            assert!(
                load(&path, &options).is_err(),
                "open_stream refused what load reads: {e}"
            );
            return;
        }
    };
    let (rows, cols) = stream.size();
    let chunk = usize::from(case.chunk % 16) + 1;
    if rows * cols > COMPARED_PIXELS || rows == 0 || cols == 0 {
        if let Err(e) = read_all(stream, chunk, rows.min(FIRST_ROWS)) {
            one_line(&e);
        }
        return;
    }
    let streamed = read_all(stream, chunk, rows);
    let loaded = load(&path, &options);
    let luma = match (streamed, loaded) {
        (Ok(rows), Ok(loaded)) => {
            assert!(
                same(&rows, &loaded.luma),
                "streamed rows differ from the loaded image"
            );
            loaded.luma
        }
        (Err(e), Err(_)) => {
            one_line(&e);
            return;
        }
        (Ok(_), Err(e)) => panic!("the rows stream but load fails: {e}"),
        (Err(e), Ok(_)) => panic!("load reads the image but its rows fail: {e}"),
    };
    let Ok(config) = case.options.config() else {
        return;
    };
    let Ok(pipeline) = config.build() else {
        return;
    };
    let t = &mut Timings::new();
    let open = || Ok(open_rows(&path, &options)?.expect("the file streamed before"));
    let mut edges = Vec::new();
    pipeline
        .stream_edges(&open, &mut appender(&mut edges), t)
        .expect("the file streamed whole before");
    let whole = pipeline.run(luma.view(), &Wanted::edges(), t);
    let whole: Vec<u8> = whole.edges.expect("edges").iter().copied().collect();
    assert_eq!(
        edges, whole,
        "streamed edges differ from the loaded image's"
    );
});

/// The first `take` rows of `stream`, read `chunk` rows at a time, as a luma grid.
fn read_all(
    stream: RowStream,
    chunk: usize,
    take: usize,
) -> Result<Luma, edgegrad::image::LoadError> {
    fn rows<T: Default + Clone>(
        mut r: Box<dyn RowReader<T>>,
        chunk: usize,
        take: usize,
    ) -> Result<ndarray::Array2<T>, edgegrad::image::LoadError> {
        let (_, cols) = r.size();
        let mut out = vec![T::default(); take * cols];
        for piece in out.chunks_mut(chunk * cols.max(1)) {
            r.read_rows(piece)?;
        }
        Ok(ndarray::Array2::from_shape_vec((take, cols), out).expect("take x cols samples"))
    }
    Ok(match stream {
        RowStream::U8(r) => Luma::U8(rows(r, chunk, take)?),
        RowStream::U16(r) => Luma::U16(rows(r, chunk, take)?),
        RowStream::F32(r) => Luma::F32(rows(r, chunk, take)?),
    })
}

/// The same kind of luma with the same samples (floats bit for bit).
fn same(a: &Luma, b: &Luma) -> bool {
    match (a, b) {
        (Luma::U8(a), Luma::U8(b)) => a == b,
        (Luma::U16(a), Luma::U16(b)) => a == b,
        (Luma::F32(a), Luma::F32(b)) => a.dim() == b.dim() && bits(a) == bits(b),
        _ => false,
    }
}
