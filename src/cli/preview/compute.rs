//! The preview's computation, run on the worker thread: load the file, run the pipeline for
//! the outputs the view needs, render the view, scale it into the window, save it. Each step
//! runs only when [`Have::plan`] says the request needs it, and results are kept for reuse.
//! A video's frames come with their jobs instead of being loaded ([`Job::frame`]).

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use edgegrad::detect::{Detection, Picture, Wanted};
use edgegrad::image::curves::Curves;
use edgegrad::image::render::{self, Depth};
use edgegrad::image::{load, LoadOptions, Loaded, Luma};
use edgegrad::io::atomic::{same_file, write_atomically};
use edgegrad::timings::Timings;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder, RgbImage};

use super::super::detect::load_error_message;
use super::freshness::{Have, Request, Work};
use super::scale::{letterbox, Canvas};
use super::state::Levels;

/// A request for the worker.
#[derive(Debug)]
pub struct Job {
    /// What to show.
    pub request: Request,
    /// Also save the rendered view.
    pub save: bool,
    /// Started when the user asked; the worker adds its stages.
    pub timings: Timings,
    /// The picture of the request's file version, when it is a video frame rather than a
    /// file to load.
    pub frame: Option<Arc<Photo>>,
}

/// A window-sized picture, as minifb draws it.
#[derive(Debug)]
pub struct Frame {
    /// `0RGB` pixels, row by row.
    pub pixels: Vec<u32>,
    /// (width, height).
    pub size: (usize, usize),
}

/// What the worker did for a [`Job`].
#[derive(Debug)]
pub struct Outcome {
    /// The request it answers.
    pub request: Request,
    /// The work it needed.
    pub work: Work,
    /// The new picture, when it changed.
    pub frame: Option<Frame>,
    /// The image's (width, height), when loaded.
    pub image_size: Option<(u32, u32)>,
    /// The levels of the edges computed, when edges were computed.
    pub levels: Option<Levels>,
    /// Where the view was saved, or why it could not be.
    pub saved: Option<Result<PathBuf, String>>,
    /// Why the request could not be shown (the file could not be loaded).
    pub problem: Option<String>,
    /// The job's timings.
    pub timings: Timings,
}

/// A loaded image or a video frame: its luma for the pipeline and its colours for the
/// original and overlay.
#[derive(Debug)]
pub struct Photo {
    /// What the pipeline reads.
    pub luma: Luma,
    /// What the original and overlay views show.
    pub rgb: RgbImage,
}

/// The worker's state: what is loaded, computed and rendered.
pub struct Computer {
    load: LoadOptions,
    have: Have,
    photo: Option<Arc<Photo>>,
    detection: Detection,
    picture: Option<Canvas>,
    /// Frames the window has finished with, to draw into again.
    spare: Receiver<Vec<u32>>,
}

impl Computer {
    /// A computer that loads images as `load` says (always with the photo, which the original
    /// and overlay views show) and reuses frames sent back on `spare`.
    pub fn new(load: LoadOptions, spare: Receiver<Vec<u32>>) -> Self {
        Computer {
            load: LoadOptions {
                photo: true,
                ..load
            },
            have: Have::new(),
            photo: None,
            detection: Detection::default(),
            picture: None,
            spare,
        }
    }

    /// Does what `job` needs.
    pub fn run(&mut self, job: Job) -> Outcome {
        let mut o = Outcome {
            work: self.have.plan(&job.request),
            request: job.request,
            frame: None,
            image_size: None,
            levels: None,
            saved: None,
            problem: None,
            timings: job.timings,
        };
        if let Err(problem) = self.bring_up_to_date(&mut o, job.frame) {
            self.have = Have::new();
            self.photo = None;
            self.picture = None;
            o.problem = Some(problem);
            o.frame = self.blank(o.request.window);
        } else if job.save {
            o.saved = Some(o.timings.time("encode_ms", || self.save(&o.request)));
        }
        o
    }

    /// Does the work `o.work` for `o.request`, recording what it made in `o`.
    fn bring_up_to_date(
        &mut self,
        o: &mut Outcome,
        frame: Option<Arc<Photo>>,
    ) -> Result<(), String> {
        let (r, timings) = (&o.request, &mut o.timings);
        if o.work == Work::Load {
            let photo = match frame {
                Some(frame) => frame,
                None => {
                    Arc::new(timings.time("decode_ms", || load_photo(&r.file.path, &self.load))?)
                }
            };
            self.photo = Some(photo);
            self.detection = Detection::default();
        }
        let photo = self.photo.as_ref().ok_or("no image loaded")?;
        o.image_size = Some(photo.rgb.dimensions());
        let missing = self.have.missing(r);
        if o.work >= Work::Pipeline && missing != Wanted::default() {
            let d = r.pipeline.run(photo.luma.view(), &missing, timings);
            if d.edges.is_some() {
                o.levels = Some(Levels {
                    threshold: d.threshold,
                    hysteresis: d.hysteresis,
                });
            }
            merge(&mut self.detection, d);
        }
        self.have.record(r, o.work, missing);
        if o.work >= Work::Render {
            let thins = r.pipeline.thins();
            let picture =
                timings.time("render_ms", || draw(r.view, photo, &self.detection, thins))?;
            self.picture = Some(picture);
        }
        if o.work >= Work::Scale && r.window.0 * r.window.1 > 0 {
            let picture = self.picture.as_ref().ok_or("nothing rendered")?;
            let mut pixels = self.spare.try_recv().unwrap_or_default();
            timings.time("scale_ms", || letterbox(picture, r.window, &mut pixels));
            o.frame = Some(Frame {
                pixels,
                size: r.window,
            });
        }
        Ok(())
    }

    /// An empty window-sized frame, shown when the file cannot be.
    fn blank(&self, window: (usize, usize)) -> Option<Frame> {
        let mut pixels = self.spare.try_recv().unwrap_or_default();
        letterbox(&Canvas::Gray(Default::default()), window, &mut pixels);
        (window.0 * window.1 > 0).then_some(Frame {
            pixels,
            size: window,
        })
    }

    /// Writes the rendered view as a PNG beside the image, under a name no file has yet.
    fn save(&self, r: &Request) -> Result<PathBuf, String> {
        let picture = self.picture.as_ref().ok_or("nothing to save yet")?;
        let path = free_name(&r.file.path, r.view)
            .ok_or_else(|| format!("no free file name for {}", r.file.path.display()))?;
        if same_file(&path, &r.file.path) {
            return Err(format!(
                "refusing to write over the input {}",
                path.display()
            ));
        }
        let (w, h) = picture.dimensions();
        let (bytes, colour) = match picture {
            Canvas::Gray(g) => (g.as_raw(), ExtendedColorType::L8),
            Canvas::Rgb(c) => (c.as_raw(), ExtendedColorType::Rgb8),
        };
        write_atomically(&path, |out| {
            PngEncoder::new(out)
                .write_image(bytes, w, h, colour)
                .map_err(std::io::Error::other)
        })
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }
}

/// Loads the file at `path` into its luma and its RGB colours.
fn load_photo(path: &Path, options: &LoadOptions) -> Result<Photo, String> {
    let problem = |e| format!("cannot load {}: {}", path.display(), load_error_message(&e));
    let Loaded { luma, photo } = load(path, options).map_err(problem)?;
    let rgb = photo.ok_or_else(|| format!("cannot load {}: no photo", path.display()))?;
    Ok(Photo { luma, rgb })
}

/// Moves the outputs present in `new` into `kept`.
fn merge(kept: &mut Detection, new: Detection) {
    if new.edges.is_some() {
        kept.edges = new.edges;
        kept.threshold = new.threshold;
        kept.hysteresis = new.hysteresis;
        kept.points = new.points;
    }
    for (k, n) in [
        (&mut kept.magnitude, new.magnitude),
        (&mut kept.direction, new.direction),
        (&mut kept.dx, new.dx),
        (&mut kept.dy, new.dy),
    ] {
        if n.is_some() {
            *k = n;
        }
    }
}

/// Renders `view` at the image's size (8-bit, as the window shows it).
/// Draws `view` of the photo and its detection. Edges that are not thinned have no curves: their
/// contours view is the dimmed photo alone (the title says what gives curves).
fn draw(view: Picture, photo: &Photo, d: &Detection, thins: bool) -> Result<Canvas, String> {
    if view == Picture::Contours && !thins {
        let (width, height) = photo.rgb.dimensions();
        let none = Curves {
            width: width as usize,
            height: height as usize,
            curves: Vec::new(),
        };
        return Ok(Canvas::Rgb(render::contours(&photo.rgb, &none)));
    }
    let picture = view
        .draw(d, Some(&photo.rgb), Depth::Eight)
        .map_err(|e| e.to_string())?;
    Ok(match picture {
        DynamicImage::ImageLuma8(g) => Canvas::Gray(g),
        DynamicImage::ImageRgb8(c) => Canvas::Rgb(c),
        other => Canvas::Rgb(other.to_rgb8()),
    })
}

/// `DIR/STEM.VIEW.png` beside `input`, or `STEM.VIEW-N.png` with the smallest N that no file
/// has: saving never replaces a file.
fn free_name(input: &Path, view: Picture) -> Option<PathBuf> {
    let dir = input.parent().unwrap_or(Path::new(""));
    let stem = input.file_stem()?.to_string_lossy();
    (0..10_000)
        .map(|n| match n {
            0 => dir.join(format!("{stem}.{}.png", view.name())),
            n => dir.join(format!("{stem}.{}-{n}.png", view.name())),
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())
}

#[cfg(test)]
mod tests {
    use super::super::freshness::FileId;
    use super::super::plain;
    use super::*;
    use edgegrad::DetectConfig;
    use std::sync::mpsc;

    /// A 6x4 image, black on the left half and white on the right, in `dir`.
    fn step_image(dir: &Path) -> PathBuf {
        let path = dir.join("step.png");
        image::GrayImage::from_fn(6, 4, |x, _| image::Luma([if x < 3 { 0 } else { 255 }]))
            .save(&path)
            .unwrap();
        path
    }

    fn job(path: &Path, view: Picture, save: bool) -> Job {
        Job {
            request: Request {
                file: FileId {
                    path: path.to_owned(),
                    version: 0,
                },
                pipeline: plain().build().unwrap(),
                view,
                window: (12, 8),
            },
            save,
            timings: Timings::new(),
            frame: None,
        }
    }

    fn computer() -> Computer {
        Computer::new(LoadOptions::default(), mpsc::channel().1)
    }

    #[test]
    fn edges_of_a_step_are_drawn_scaled_into_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = step_image(dir.path());
        let mut c = computer();
        let o = c.run(job(&path, Picture::Edges, false));
        assert_eq!(o.work, Work::Load);
        assert_eq!(o.problem, None);
        assert_eq!(o.image_size, Some((6, 4)));
        assert!(o.levels.is_some());
        let frame = o.frame.unwrap();
        assert_eq!(frame.size, (12, 8));
        // Columns 2 and 3 of the image are the edge (central differences), each drawn as
        // two window columns.
        let white = 0x00ff_ffff;
        let row: Vec<bool> = frame.pixels[..12].iter().map(|&p| p == white).collect();
        let expected: Vec<bool> = (0..12).map(|x| (4..8).contains(&x)).collect();
        assert_eq!(row, expected);
        // The same request again needs nothing and draws nothing new.
        let again = c.run(job(&path, Picture::Edges, false));
        assert_eq!(again.work, Work::Nothing);
        assert!(again.frame.is_none());
    }

    #[test]
    fn every_view_renders() {
        let dir = tempfile::tempdir().unwrap();
        let path = step_image(dir.path());
        let mut c = computer();
        for view in Picture::ALL {
            let o = c.run(job(&path, view, false));
            assert_eq!(o.problem, None, "{view:?}");
            assert!(o.frame.is_some(), "{view:?}");
        }
    }

    #[test]
    fn the_contours_view_draws_curves_of_thinned_edges_and_the_dimmed_photo_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let path = step_image(dir.path());
        let mut c = computer();
        let mut unthinned = job(&path, Picture::Contours, false);
        unthinned.request.window = (6, 4);
        let o = c.run(unthinned);
        assert_eq!(o.problem, None);
        let dimmed = o.frame.unwrap().pixels;
        // The step's bright half, dimmed, and no curve: two colours in all.
        let mut colours = dimmed.clone();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), 2, "{colours:x?}");
        let mut thinned = job(&path, Picture::Contours, false);
        thinned.request.window = (6, 4);
        thinned.request.pipeline = DetectConfig::default().build().unwrap();
        let o = c.run(thinned);
        assert_eq!(o.problem, None);
        assert_ne!(o.frame.unwrap().pixels, dimmed, "no curve drawn");
    }

    #[test]
    fn a_broken_file_is_reported_not_panicked_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.png");
        std::fs::write(&path, b"\x89PNG\r\n\x1a\nnot really").unwrap();
        let mut c = computer();
        let o = c.run(job(&path, Picture::Edges, true));
        let problem = o.problem.unwrap();
        // The file and the cause, said once.
        let err = load(&path, &LoadOptions::default()).unwrap_err();
        assert_eq!(problem, format!("cannot load {}: {err}", path.display()));
        assert!(o.saved.is_none());
        assert_eq!(o.frame.unwrap().size, (12, 8));
        // Nothing is kept: the next request tries to load again.
        assert_eq!(c.run(job(&path, Picture::Edges, false)).work, Work::Load);
    }

    #[test]
    fn a_float_tiff_saved_by_detect_shows_in_every_view() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.tif");
        let m = ndarray::Array2::from_shape_fn((4, 6), |(_, x)| if x < 3 { 0.0f32 } else { 0.5 });
        edgegrad::image::encode::write_raw(&path, m.view()).unwrap();
        let mut c = computer();
        for view in Picture::ALL {
            let o = c.run(job(&path, view, false));
            assert_eq!(o.problem, None, "{view:?}");
            assert!(o.frame.is_some(), "{view:?}");
        }
        let o = c.run(job(&path, Picture::Edges, true));
        let saved = image::open(o.saved.unwrap().unwrap()).unwrap().to_luma8();
        assert_eq!(saved.get_pixel(2, 0).0, [255]);
        assert_eq!(saved.get_pixel(0, 0).0, [0]);
    }

    #[test]
    fn a_photo_stored_sideways_is_shown_upright_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sideways.tif");
        let file = std::fs::File::create(&path).unwrap();
        let mut tiff = tiff::encoder::TiffEncoder::new(file).unwrap();
        let mut img = tiff
            .new_image::<tiff::encoder::colortype::Gray8>(6, 4)
            .unwrap();
        // EXIF orientation 6: the picture is shown turned 90 degrees clockwise.
        img.encoder()
            .write_tag(tiff::tags::Tag::Orientation, 6u16)
            .unwrap();
        img.write_data(&[128u8; 24]).unwrap();
        let upright = computer().run(job(&path, Picture::Original, false));
        assert_eq!(upright.image_size, Some((4, 6)));
        let keep = LoadOptions {
            keep_orientation: true,
            ..Default::default()
        };
        let mut c = Computer::new(keep, mpsc::channel().1);
        let stored = c.run(job(&path, Picture::Original, false));
        assert_eq!(stored.image_size, Some((6, 4)));
    }

    #[test]
    fn saving_writes_a_new_file_every_time_and_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = step_image(dir.path());
        let mut c = computer();
        let first = c
            .run(job(&path, Picture::Edges, true))
            .saved
            .unwrap()
            .unwrap();
        assert_eq!(first, dir.path().join("step.edges.png"));
        let second = c
            .run(job(&path, Picture::Edges, true))
            .saved
            .unwrap()
            .unwrap();
        assert_eq!(second, dir.path().join("step.edges-1.png"));
        let saved = image::open(&first).unwrap().to_luma8();
        assert_eq!(saved.dimensions(), (6, 4));
        assert_eq!(saved.get_pixel(2, 0).0, [255]);
        assert_eq!(saved.get_pixel(0, 0).0, [0]);
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap()
        );
        // The input is untouched.
        assert_eq!(
            image::open(&path).unwrap().to_luma8().get_pixel(5, 0).0,
            [255]
        );
    }

    #[test]
    fn free_names_skip_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.b.jpg");
        assert_eq!(
            free_name(&input, Picture::Dx),
            Some(dir.path().join("a.b.dx.png"))
        );
        std::fs::write(dir.path().join("a.b.dx.png"), b"").unwrap();
        std::fs::write(dir.path().join("a.b.dx-1.png"), b"").unwrap();
        assert_eq!(
            free_name(&input, Picture::Dx),
            Some(dir.path().join("a.b.dx-2.png"))
        );
    }
}
