//! The work done on each frame: the detection pipeline, with automatic levels that hold still
//! from frame to frame unless asked otherwise, and the picture drawn as an output frame.

use super::format::{PixelFormat, RawSpec};
use super::frame::{frame_bytes, image_of, picture_format, FrameLuma};
use crate::detect::edges::steady::SteadyLevels;
use crate::detect::{Picture, Pipeline, Wanted};
use crate::image::render::Depth;
use crate::timings::Timings;

/// How the automatic levels of consecutive frames relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Levels {
    /// Each frame's level from the noise averaged over recent frames ([`SteadyLevels`]): edges
    /// do not flicker on a still scene.
    #[default]
    Steady,
    /// Each frame's level from that frame alone, as `edgegrad detect` finds it.
    PerFrame,
}

/// The edges (or another picture) of frame after frame.
///
/// ```
/// use edgegrad::detect::{DetectConfig, Picture};
/// use edgegrad::timings::Timings;
/// use edgegrad::video::{FrameEdges, Levels};
/// let pipeline = DetectConfig::default().build().unwrap();
/// let mut edges = FrameEdges::new(pipeline, Picture::Edges, Levels::Steady, "8x4".parse()?);
/// let frame: Vec<u8> = (0..32).map(|i| if i % 8 < 4 { 0 } else { 255 }).collect();
/// let out = edges.frame(&frame, &mut Timings::new());
/// assert_eq!(&out[..8], &[0, 0, 0, 255, 0, 0, 0, 0]);
/// assert_eq!(edges.output_spec().frame_bytes(), 32);
/// # Ok::<(), edgegrad::video::RawSpecError>(())
/// ```
#[derive(Debug)]
pub struct FrameEdges {
    pipeline: Pipeline,
    picture: Picture,
    wanted: Wanted,
    steady: Option<SteadyLevels>,
    spec: RawSpec,
    luma: FrameLuma,
}

impl FrameEdges {
    /// Draws `picture` of each frame of `spec` with `pipeline`.
    pub fn new(pipeline: Pipeline, picture: Picture, levels: Levels, spec: RawSpec) -> Self {
        FrameEdges {
            pipeline,
            picture,
            wanted: picture.wanted(),
            steady: (levels == Levels::Steady).then(SteadyLevels::new),
            spec,
            luma: FrameLuma::new(),
        }
    }

    /// The frames this makes: the input's size, 8-bit gray or RGB.
    pub fn output_spec(&self) -> RawSpec {
        self.spec.with_format(picture_format(self.picture))
    }

    /// The input frames' size and format.
    pub fn input_spec(&self) -> RawSpec {
        self.spec
    }

    /// The output frame of `frame` (a whole input frame): the bytes of the picture, as a PGM
    /// or PPM of it holds them.
    pub fn frame(&mut self, frame: &[u8], timings: &mut Timings) -> Vec<u8> {
        self.frame_reusing(frame, Vec::new(), timings)
    }

    /// [`FrameEdges::frame`], the edges written into `reuse`'s memory when it holds a frame (an
    /// output frame written and done with): frame after frame, no allocation.
    ///
    /// ```
    /// use edgegrad::detect::{DetectConfig, Picture};
    /// use edgegrad::timings::Timings;
    /// use edgegrad::video::{FrameEdges, Levels};
    /// let pipeline = DetectConfig::default().build().unwrap();
    /// let mut edges = FrameEdges::new(pipeline, Picture::Edges, Levels::Steady, "8x4".parse()?);
    /// let frame: Vec<u8> = (0..32).map(|i| if i % 8 < 4 { 0 } else { 255 }).collect();
    /// let first = edges.frame(&frame, &mut Timings::new());
    /// let at = first.as_ptr();
    /// let second = edges.frame_reusing(&frame, first, &mut Timings::new());
    /// assert_eq!((second.as_ptr(), &second[..8]), (at, &[0, 0, 0, 255, 0, 0, 0, 0][..]));
    /// # Ok::<(), edgegrad::video::RawSpecError>(())
    /// ```
    pub fn frame_reusing(
        &mut self,
        frame: &[u8],
        reuse: Vec<u8>,
        timings: &mut Timings,
    ) -> Vec<u8> {
        let luma = self.luma.view(self.spec, frame);
        let mut detection =
            self.pipeline
                .run_reusing(luma, &self.wanted, self.steady.as_mut(), reuse, timings);
        let spec = self.spec;
        let picture = self.picture;
        timings.time("render_ms", || {
            let photo = picture
                .needs_photo()
                .then(|| image_of(spec, frame).to_rgb8());
            let drawn = picture
                .draw_taking(&mut detection, photo.as_ref(), Depth::Eight)
                .expect("the pipeline computed what the picture wants, and the photo is given");
            let bytes = frame_bytes(drawn);
            debug_assert_eq!(
                bytes.len(),
                spec.with_format(picture_format(picture)).frame_bytes()
            );
            bytes
        })
    }

    /// The pixel format to decode frames in for `picture`: RGB when it shows the photo, else
    /// 8-bit gray (for YUV video, exactly its Y plane).
    pub fn decode_format(picture: Picture) -> PixelFormat {
        if picture.needs_photo() {
            PixelFormat::Rgb24
        } else {
            PixelFormat::Gray8
        }
    }
}
