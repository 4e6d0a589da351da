//! One raw frame in, one raw picture out: a frame's bytes as the [`LumaView`] the pipeline reads
//! (and as the photo an overlay is drawn over), and the picture drawn from its detection as the
//! bytes of an output frame.
//!
//! The conversions are the ones `edgegrad detect` makes for an image file of the same pixels
//! (a PGM for gray, a PPM for RGB), so a frame's edges are byte for byte those of the image.

use image::{DynamicImage, GrayImage, ImageBuffer, Luma as Gray16, RgbImage};
use ndarray::ArrayView2;

use super::format::{PixelFormat, RawSpec};
use crate::detect::Picture;
use crate::image::{luma_of, Luma, LumaView};

/// The raw format of the frames a picture is written as: 8-bit gray for the edges and the
/// magnitude, RGB for the colour pictures.
///
/// ```
/// use edgegrad::detect::Picture;
/// use edgegrad::video::{frame::picture_format, PixelFormat};
/// assert_eq!(picture_format(Picture::Edges), PixelFormat::Gray8);
/// assert_eq!(picture_format(Picture::Overlay), PixelFormat::Rgb24);
/// ```
pub fn picture_format(picture: Picture) -> PixelFormat {
    match picture {
        Picture::Edges | Picture::Magnitude => PixelFormat::Gray8,
        Picture::Original
        | Picture::Dx
        | Picture::Dy
        | Picture::Direction
        | Picture::Overlay
        | Picture::Contours => PixelFormat::Rgb24,
    }
}

/// A frame's luma, made from its bytes: 8-bit gray is read in place, 16-bit gray and RGB are
/// converted (into buffers reused from frame to frame where the conversion allows).
#[derive(Debug, Default)]
pub struct FrameLuma {
    /// The converted luma of the last 16-bit or RGB frame.
    converted: Option<Luma>,
}

impl FrameLuma {
    /// Nothing converted yet.
    pub fn new() -> Self {
        FrameLuma::default()
    }

    /// The luma of `bytes`, a whole frame of `spec` (`spec.frame_bytes()` long).
    ///
    /// ```
    /// use edgegrad::video::{frame::FrameLuma, RawSpec};
    /// use edgegrad::LumaView;
    /// let spec: RawSpec = "2x1:gray16".parse()?;
    /// let mut luma = FrameLuma::new();
    /// let LumaView::U16(v) = luma.view(spec, &[0x01, 0x02, 0xff, 0xff]) else { panic!() };
    /// assert_eq!(v.as_slice().unwrap(), &[0x0201, 0xffff]);
    /// # Ok::<(), edgegrad::video::RawSpecError>(())
    /// ```
    pub fn view<'a>(&'a mut self, spec: RawSpec, bytes: &'a [u8]) -> LumaView<'a> {
        let shape = (spec.height(), spec.width());
        match spec.format() {
            PixelFormat::Gray8 => LumaView::U8(
                ArrayView2::from_shape(shape, bytes).expect("a whole frame has rows x cols bytes"),
            ),
            PixelFormat::Gray16 | PixelFormat::Rgb24 => {
                self.converted = Some(luma_of(image_of(spec, bytes)));
                self.converted.as_ref().expect("just set").view()
            }
        }
    }
}

/// A whole frame of `spec` as an image, the pixels `edgegrad detect` reads from a PGM or PPM.
///
/// ```
/// use edgegrad::video::{frame::image_of, RawSpec};
/// let img = image_of("2x1:rgb24".parse()?, &[255, 0, 0, 0, 0, 255]);
/// assert_eq!(img.to_rgb8().get_pixel(1, 0).0, [0, 0, 255]);
/// # Ok::<(), edgegrad::video::RawSpecError>(())
/// ```
pub fn image_of(spec: RawSpec, bytes: &[u8]) -> DynamicImage {
    let (w, h) = (spec.width() as u32, spec.height() as u32);
    let whole = "a whole frame has the bytes of its size";
    match spec.format() {
        PixelFormat::Gray8 => {
            DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, bytes.to_vec()).expect(whole))
        }
        PixelFormat::Gray16 => {
            let samples = bytes
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect();
            let img: ImageBuffer<Gray16<u16>, Vec<u16>> =
                ImageBuffer::from_raw(w, h, samples).expect(whole);
            DynamicImage::ImageLuma16(img)
        }
        PixelFormat::Rgb24 => {
            DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, bytes.to_vec()).expect(whole))
        }
    }
}

/// The bytes of an output frame: an 8-bit gray or RGB picture's pixels, row by row (what a PGM
/// or PPM holds after its header); other pictures are converted to RGB.
///
/// ```
/// use edgegrad::video::frame::frame_bytes;
/// let gray = image::DynamicImage::ImageLuma8(image::GrayImage::from_raw(2, 1, vec![0, 255]).unwrap());
/// assert_eq!(frame_bytes(gray), vec![0, 255]);
/// ```
pub fn frame_bytes(picture: DynamicImage) -> Vec<u8> {
    match picture {
        DynamicImage::ImageLuma8(g) => g.into_raw(),
        DynamicImage::ImageRgb8(c) => c.into_raw(),
        other => other.to_rgb8().into_raw(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray8_frames_are_read_in_place() {
        let spec: RawSpec = "3x2".parse().unwrap();
        let bytes = [1u8, 2, 3, 4, 5, 6];
        let mut luma = FrameLuma::new();
        let LumaView::U8(v) = luma.view(spec, &bytes) else {
            panic!("gray8 is u8")
        };
        assert_eq!(v.dim(), (2, 3));
        assert_eq!(v.as_ptr(), bytes.as_ptr());
    }

    #[test]
    fn rgb_frames_become_the_luma_of_the_same_image() {
        let spec: RawSpec = "2x2:rgb24".parse().unwrap();
        let bytes: Vec<u8> = (0..12).map(|i| i * 20).collect();
        let expected = luma_of(DynamicImage::ImageRgb8(
            RgbImage::from_raw(2, 2, bytes.clone()).unwrap(),
        ));
        let mut luma = FrameLuma::new();
        let LumaView::F32(v) = luma.view(spec, &bytes) else {
            panic!("rgb is f32")
        };
        assert_eq!(Luma::F32(v.to_owned()), expected);
    }
}
