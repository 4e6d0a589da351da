//! Which picture of a detection is wanted: [`Picture`] knows its name, what the pipeline must
//! compute for it ([`Picture::wanted`]), whether it needs the photo, and how to draw it with
//! the functions of [`crate::image::render`]. `detect --output`, `batch --output` and the
//! preview's views are all pictures.

use std::fmt;
use std::str::FromStr;

use image::{DynamicImage, RgbImage};
use thiserror::Error;

use super::geometry;
use super::pipeline::{Detection, Wanted};
use crate::image::render::{self, Depth};

/// A picture of an image's detection results.
///
/// ```
/// use edgegrad::detect::Picture;
/// let p: Picture = "dx".parse()?;
/// assert_eq!(p, Picture::Dx);
/// assert!(p.wanted().dx && !p.wanted().edges);
/// assert!(Picture::Overlay.needs_photo());
/// # Ok::<(), edgegrad::detect::picture::UnknownPicture>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Picture {
    /// The photo itself (8-bit RGB).
    Original,
    /// The edge map: 255 at edges, 0 elsewhere (8-bit gray).
    Edges,
    /// The gradient magnitude, normalised to its maximum (gray, 8 or 16 bits).
    Magnitude,
    /// The derivative along x on a diverging colour map (red positive, blue negative, white 0).
    Dx,
    /// The derivative along y on a diverging colour map (red positive, blue negative, white 0).
    Dy,
    /// The gradient direction as hue, the magnitude as brightness.
    Direction,
    /// The edges in yellow over the dimmed photo.
    Overlay,
    /// The edges' sub-pixel points linked into curves ([`geometry`]), each in
    /// a colour of its own, over the dimmed photo (needs one-pixel-wide edges).
    Contours,
}

/// A picture drawn from results the detection lacks: the pipeline was not asked for them
/// ([`Picture::wanted`]), or the photo was not given.
///
/// ```
/// use edgegrad::detect::{Detection, Picture};
/// let err = Picture::Dx.draw(&Detection::default(), None, Default::default()).unwrap_err();
/// assert_eq!(err.to_string(), "the dx picture needs the derivative along x, which was not computed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the {} picture needs {}, which was not computed", picture.name(), missing)]
pub struct MissingResult {
    /// The picture asked for.
    pub picture: Picture,
    /// What it lacks, in words.
    pub missing: &'static str,
}

/// A name that is no picture's.
///
/// ```
/// assert!("gradient".parse::<edgegrad::detect::Picture>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown picture {0:?} (expected original, edges, magnitude, dx, dy, direction, overlay or \
     contours)"
)]
pub struct UnknownPicture(pub String);

impl Picture {
    /// Every picture: the photo, the edges, the maps, the overlay.
    pub const ALL: [Picture; 8] = [
        Picture::Original,
        Picture::Edges,
        Picture::Magnitude,
        Picture::Dx,
        Picture::Dy,
        Picture::Direction,
        Picture::Overlay,
        Picture::Contours,
    ];

    /// The picture's name, as `--output` spells it and as saved file names use it.
    ///
    /// ```
    /// assert_eq!(edgegrad::detect::Picture::Direction.name(), "direction");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Picture::Original => "original",
            Picture::Edges => "edges",
            Picture::Magnitude => "magnitude",
            Picture::Dx => "dx",
            Picture::Dy => "dy",
            Picture::Direction => "direction",
            Picture::Overlay => "overlay",
            Picture::Contours => "contours",
        }
    }

    /// One line saying what the picture shows, for help texts.
    ///
    /// ```
    /// assert!(edgegrad::detect::Picture::Edges.description().contains("255"));
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            Picture::Original => "The photo itself",
            Picture::Edges => "The edge map: 255 at edges, 0 elsewhere",
            Picture::Magnitude => "The gradient magnitude, normalised to its maximum",
            Picture::Dx => "The derivative along x on a diverging colour map",
            Picture::Dy => "The derivative along y on a diverging colour map",
            Picture::Direction => "The gradient direction as hue, the magnitude as brightness",
            Picture::Overlay => "Edges over the dimmed photo",
            Picture::Contours => {
                "Sub-pixel edge curves over the dimmed photo, a colour per curve (thinned edges)"
            }
        }
    }

    /// What [`Pipeline::run`](super::Pipeline::run) must compute to draw the picture.
    ///
    /// ```
    /// use edgegrad::detect::{Picture, Wanted};
    /// assert_eq!(Picture::Overlay.wanted(), Wanted::edges());
    /// assert_eq!(Picture::Original.wanted(), Wanted::default());
    /// let d = Picture::Direction.wanted();
    /// assert!(d.direction && d.magnitude && !d.edges);
    /// ```
    pub fn wanted(self) -> Wanted {
        let none = Wanted::default();
        match self {
            Picture::Original => none,
            Picture::Edges | Picture::Overlay => Wanted::edges(),
            Picture::Contours => geometry::WANTED,
            Picture::Magnitude => Wanted {
                magnitude: true,
                ..none
            },
            Picture::Dx => Wanted { dx: true, ..none },
            Picture::Dy => Wanted { dy: true, ..none },
            Picture::Direction => Wanted {
                direction: true,
                magnitude: true,
                ..none
            },
        }
    }

    /// True when drawing the picture needs the photo (the original, the overlay, the
    /// contours).
    ///
    /// ```
    /// assert!(!edgegrad::detect::Picture::Magnitude.needs_photo());
    /// ```
    pub fn needs_photo(self) -> bool {
        matches!(
            self,
            Picture::Original | Picture::Overlay | Picture::Contours
        )
    }

    /// Draws the picture at the image's size from `detection` and the `photo`; `depth` is the
    /// bit depth of the magnitude picture (the others are 8-bit). The edge map is copied: see
    /// [`Picture::draw_taking`] for a detection that is no longer needed.
    ///
    /// ```
    /// use edgegrad::detect::{DetectConfig, Picture};
    /// use edgegrad::{LumaView, Timings};
    /// let img = ndarray::Array2::from_shape_fn((4, 6), |(_, x)| if x < 3 { 0u8 } else { 255 });
    /// let pipeline = DetectConfig::default().build().unwrap();
    /// let d = pipeline.run(LumaView::U8(img.view()), &Picture::Dy.wanted(), &mut Timings::new());
    /// let pic = Picture::Dy.draw(&d, None, Default::default())?;
    /// assert_eq!((pic.width(), pic.height()), (6, 4));
    /// # Ok::<(), edgegrad::detect::picture::MissingResult>(())
    /// ```
    pub fn draw(
        self,
        d: &Detection,
        photo: Option<&RgbImage>,
        depth: Depth,
    ) -> Result<DynamicImage, MissingResult> {
        let edges = || d.edges.as_ref().ok_or(self.lacks("the edge map"));
        let magnitude = || d.magnitude.as_ref().ok_or(self.lacks("the magnitude"));
        let photo = || photo.ok_or(self.lacks("the photo"));
        Ok(match self {
            Picture::Original => photo()?.clone().into(),
            Picture::Edges => render::edges(edges()?.clone()).into(),
            Picture::Overlay => render::overlay(photo()?, edges()?.view()).into(),
            Picture::Contours => {
                let points = self.lacks("the edge points (thinned edges)");
                let curves = geometry::contours(d, 0.0).map_err(|_| points)?;
                render::contours(photo()?, &curves).into()
            }
            Picture::Magnitude => render::magnitude(magnitude()?.view(), depth).into(),
            Picture::Direction => {
                let direction = d.direction.as_ref().ok_or(self.lacks("the direction"))?;
                render::direction(direction.view(), magnitude()?.view()).into()
            }
            Picture::Dx => {
                let dx = d.dx.as_ref().ok_or(self.lacks("the derivative along x"))?;
                render::signed(dx.view()).into()
            }
            Picture::Dy => {
                let dy = d.dy.as_ref().ok_or(self.lacks("the derivative along y"))?;
                render::signed(dy.view()).into()
            }
        })
    }

    /// Like [`Picture::draw`], but takes the edge map out of `detection` for the edges
    /// picture (it becomes the picture's buffer, without a copy). Other results stay.
    ///
    /// ```
    /// use edgegrad::detect::{Detection, Picture};
    /// let mut d = Detection { edges: Some(ndarray::array![[0u8, 255]]), ..Default::default() };
    /// let pic = Picture::Edges.draw_taking(&mut d, None, Default::default())?;
    /// assert_eq!(pic.as_bytes(), &[0, 255]);
    /// assert!(d.edges.is_none());
    /// # Ok::<(), edgegrad::detect::picture::MissingResult>(())
    /// ```
    pub fn draw_taking(
        self,
        detection: &mut Detection,
        photo: Option<&RgbImage>,
        depth: Depth,
    ) -> Result<DynamicImage, MissingResult> {
        match self {
            Picture::Edges => {
                let mask = detection.edges.take().ok_or(self.lacks("the edge map"))?;
                Ok(render::edges(mask).into())
            }
            _ => self.draw(detection, photo, depth),
        }
    }

    fn lacks(self, missing: &'static str) -> MissingResult {
        MissingResult {
            picture: self,
            missing,
        }
    }
}

impl FromStr for Picture {
    type Err = UnknownPicture;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Picture::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| UnknownPicture(s.to_string()))
    }
}

impl fmt::Display for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::DetectConfig;
    use crate::image::render::GrayPicture;
    use crate::image::LumaView;
    use crate::timings::Timings;
    use ndarray::Array2;

    fn step() -> Array2<u8> {
        Array2::from_shape_fn((5, 8), |(_, x)| if x < 4 { 0 } else { 255 })
    }

    #[test]
    fn names_parse_back_and_are_distinct() {
        for p in Picture::ALL {
            assert_eq!(p.name().parse(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        let mut names: Vec<_> = Picture::ALL.iter().map(|p| p.name()).collect();
        names.dedup();
        assert_eq!(names.len(), 8);
        assert!("Edges".parse::<Picture>().is_err());
    }

    #[test]
    fn every_picture_draws_from_what_it_wants_and_only_that() {
        let img = step();
        let photo = RgbImage::from_pixel(8, 5, image::Rgb([10, 20, 30]));
        let pipeline = DetectConfig::default().build().unwrap();
        for p in Picture::ALL {
            let mut d = pipeline.run(LumaView::U8(img.view()), &p.wanted(), &mut Timings::new());
            let photo = p.needs_photo().then_some(&photo);
            let drawn = p.draw(&d, photo, Depth::Eight).unwrap();
            assert_eq!((drawn.width(), drawn.height()), (8, 5), "{p}");
            let taken = p.draw_taking(&mut d, photo, Depth::Eight).unwrap();
            assert_eq!(drawn, taken, "{p}");
            if p != Picture::Original {
                let none = Detection::default();
                assert!(p.draw(&none, photo, Depth::Eight).is_err(), "{p}");
            }
        }
        let d = Detection {
            edges: Some(img),
            ..Default::default()
        };
        let err = Picture::Overlay.draw(&d, None, Depth::Eight).unwrap_err();
        assert_eq!(err.missing, "the photo");
    }

    #[test]
    fn pictures_are_the_render_functions_output() {
        let img = step();
        let pipeline = DetectConfig::default().build().unwrap();
        let d = pipeline.run(
            LumaView::U8(img.view()),
            &Wanted::all(),
            &mut Timings::new(),
        );
        let m = d.magnitude.as_ref().unwrap().view();
        let GrayPicture::Sixteen(m16) = render::magnitude(m, Depth::Sixteen) else {
            panic!("16-bit asked for")
        };
        assert_eq!(
            Picture::Magnitude.draw(&d, None, Depth::Sixteen).unwrap(),
            DynamicImage::ImageLuma16(m16)
        );
        let dir = render::direction(d.direction.as_ref().unwrap().view(), m);
        assert_eq!(
            Picture::Direction.draw(&d, None, Depth::Eight).unwrap(),
            DynamicImage::ImageRgb8(dir)
        );
        let photo = RgbImage::from_pixel(8, 5, image::Rgb([200, 100, 0]));
        let over = render::overlay(&photo, d.edges.as_ref().unwrap().view());
        assert_eq!(
            Picture::Overlay
                .draw(&d, Some(&photo), Depth::Eight)
                .unwrap(),
            DynamicImage::ImageRgb8(over)
        );
    }
}
