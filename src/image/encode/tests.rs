//! Unit tests of writing pictures and raw arrays: formats, round trips, refusals.

use super::*;
use crate::io::npy::{read_npy, AnyArray};
use image::GrayImage;
use ndarray::{array, Array2};

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn raw_npy_and_tiff_keep_every_bit() {
    let dir = tempfile::tempdir().unwrap();
    let a = array![
        [0.0f32, -1.5, 1e-30],
        [f32::MAX, f32::NAN, f32::NEG_INFINITY]
    ];
    let npy = dir.path().join("a.npy");
    write_raw(&npy, a.view()).unwrap();
    let AnyArray::F32(back) = read_npy(&npy).unwrap() else {
        panic!("float32 expected")
    };
    assert_eq!(back.shape(), &[2, 3]);
    let bits = |v: &f32| v.to_bits();
    assert_eq!(
        back.iter().map(bits).collect::<Vec<_>>(),
        a.iter().map(bits).collect::<Vec<_>>()
    );

    let tif = dir.path().join("a.TIF");
    write_raw(&tif, a.t()).unwrap();
    let mut dec = tiff::decoder::Decoder::new(std::fs::File::open(&tif).unwrap()).unwrap();
    assert_eq!(dec.dimensions().unwrap(), (2, 3));
    assert_eq!(dec.colortype().unwrap(), tiff::ColorType::Gray(32));
    let tiff::decoder::DecodingResult::F32(v) = dec.read_image().unwrap() else {
        panic!("f32")
    };
    let want: Vec<u32> = a.t().iter().map(bits).collect();
    assert_eq!(v.iter().map(bits).collect::<Vec<_>>(), want);
    assert_eq!(files_in(dir.path()), ["a.TIF", "a.npy"]);
}

#[test]
fn raw_refuses_other_extensions() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.csv", "a", "a.png"] {
        let err = write_raw(&dir.path().join(name), array![[1.0f32]].view()).unwrap_err();
        assert!(matches!(err, OutputError::RawExtension(_)), "{name}: {err}");
    }
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn pictures_round_trip_in_png_and_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    let gray = GrayImage::from_fn(5, 3, |x, y| image::Luma([(x * 50 + y) as u8]));
    let img = DynamicImage::ImageLuma8(gray.clone());
    for name in ["e.png", "e.tif", "e.bmp", "e.pgm"] {
        let p = dir.path().join(name);
        write_picture(
            &p,
            &img,
            PictureFormat::from_path(&p, Depth::Eight).unwrap(),
        )
        .unwrap();
        assert_eq!(image::open(&p).unwrap().to_luma8(), gray, "{name}");
    }
    let g16: image::ImageBuffer<image::Luma<u16>, Vec<u16>> =
        image::ImageBuffer::from_fn(4, 2, |x, _| image::Luma([x as u16 * 20000 + 1]));
    let p = dir.path().join("m16.png");
    let img16 = DynamicImage::from(GrayPicture::Sixteen(g16.clone()));
    write_picture(
        &p,
        &img16,
        PictureFormat::from_path(&p, Depth::Sixteen).unwrap(),
    )
    .unwrap();
    assert_eq!(image::open(&p).unwrap().into_luma16(), g16);
}

#[test]
fn picture_formats_are_checked_up_front() {
    let err = |name: &str, depth| PictureFormat::from_path(Path::new(name), depth).unwrap_err();
    assert!(matches!(
        err("e.txt", Depth::Eight),
        OutputError::PictureExtension(_)
    ));
    assert!(matches!(
        err("e", Depth::Eight),
        OutputError::PictureExtension(_)
    ));
    assert!(matches!(
        err("e.bmp", Depth::Sixteen),
        OutputError::NoSixteenBit(_)
    ));
    assert!(PictureFormat::from_path(Path::new("e.tiff"), Depth::Sixteen).is_ok());
}

#[test]
fn a_failed_write_leaves_nothing_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("e.png");
    let img = DynamicImage::ImageLuma8(GrayImage::new(2, 2));
    let fmt = PictureFormat::from_path(&missing, Depth::Eight).unwrap();
    assert!(matches!(
        write_picture(&missing, &img, fmt),
        Err(OutputError::Io(_))
    ));
    // PNG cannot hold an image without pixels: the encoder's error must leave the existing
    // file as it was, and no temporary file behind.
    let p = dir.path().join("e.png");
    std::fs::write(&p, b"old").unwrap();
    let empty = DynamicImage::ImageLuma8(GrayImage::new(0, 0));
    let fmt = PictureFormat::from_path(&p, Depth::Eight).unwrap();
    assert!(write_picture(&p, &empty, fmt).is_err());
    assert_eq!(std::fs::read(&p).unwrap(), b"old");
    assert_eq!(files_in(dir.path()), ["e.png"]);
}

#[test]
fn empty_arrays_write() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("z.npy");
    write_raw(&p, Array2::<f32>::zeros((0, 4)).view()).unwrap();
    assert_eq!(read_npy(&p).unwrap().shape(), &[0, 4]);
}
