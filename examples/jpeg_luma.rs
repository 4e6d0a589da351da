//! How far a JPEG's Y plane (the luma `load` gives a YCbCr JPEG) is from Rec. 601 luma of the
//! same JPEG decoded to RGB (the luma of every other colour image).
//!
//! Each PNG given is encoded as a JPEG (quality 90, `image`'s encoder, 4:2:0 chroma), then its
//! luma is taken both ways; the differences are printed in 8-bit levels (1 level = 1/255).
//!
//! ```text
//! cargo run --release --example jpeg_luma -- /work/shared/images/*.png
//! ```

use std::error::Error;
use std::path::PathBuf;

use edgegrad::image::{load, luma_of, LoadOptions, Luma};
use image::codecs::jpeg::JpegEncoder;

fn main() -> Result<(), Box<dyn Error>> {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err("usage: jpeg_luma PNG...".into());
    }
    let dir = tempfile::tempdir()?;
    println!("| photo | size | max difference (levels) | mean difference (levels) |");
    println!("|---|---|---|---|");
    let (mut all_max, mut all_sum, mut all_n) = (0.0f64, 0.0f64, 0usize);
    for path in &paths {
        let rgb = image::open(path)?.to_rgb8();
        let jpeg = dir.path().join("photo.jpg");
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90).encode_image(&rgb)?;
        std::fs::write(&jpeg, &bytes)?;
        let Luma::U8(y) = load(&jpeg, &LoadOptions::default())?.luma else {
            return Err(format!("{}: the JPEG's luma is not its Y plane", path.display()).into());
        };
        let Luma::F32(rec601) = luma_of(image::load_from_memory(&bytes)?) else {
            return Err(format!("{}: the RGB decode is not colour", path.display()).into());
        };
        let (mut max, mut sum) = (0.0f64, 0.0f64);
        for (&y, &l) in y.iter().zip(&rec601) {
            let d = (f64::from(y) - 255.0 * f64::from(l)).abs();
            max = max.max(d);
            sum += d;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let (rows, cols) = y.dim();
        println!(
            "| {name} | {cols}x{rows} | {max:.3} | {:.3} |",
            sum / y.len() as f64
        );
        all_max = all_max.max(max);
        all_sum += sum;
        all_n += y.len();
    }
    println!(
        "| all | | {all_max:.3} | {:.3} |",
        all_sum / all_n.max(1) as f64
    );
    Ok(())
}
