//! What the preview shows: the files, the current one, the view and the parameters, and the
//! window title that spells them all out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::{DetectConfig, EdgeRule, Picture, Pipeline};

use super::freshness::{FileId, Request};

/// The key (`1` to `8`) that shows `view`: its place in [`Picture::ALL`].
pub fn key_number(view: Picture) -> usize {
    Picture::ALL.iter().position(|&v| v == view).unwrap_or(0) + 1
}

/// The magnitude levels the pipeline used for the edges shown: what an automatic threshold
/// or automatic hysteresis found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    /// Edges are above it (with hysteresis: the high level).
    pub threshold: f32,
    /// The (low, high) hysteresis levels, when hysteresis was used.
    pub hysteresis: Option<(f32, f32)>,
}

/// The levels found for one file with one pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The file they were found in.
    pub file: FileId,
    /// The parameters they were found with.
    pub pipeline: Pipeline,
    /// The levels.
    pub levels: Levels,
}

/// The whole state of the preview, apart from the window.
#[derive(Debug, Clone)]
pub struct State {
    /// The images to step through (at least one).
    pub files: Vec<PathBuf>,
    /// The current image.
    pub index: usize,
    /// Reload count of the current image.
    pub version: u64,
    /// The view shown.
    pub view: Picture,
    /// The parameters as the user set them.
    pub config: DetectConfig,
    /// The single threshold to go back to when Canny is switched off (`C`) while its levels
    /// are automatic: the one in use when it was switched on.
    pub shelved: Threshold,
    /// `config`, validated.
    pub pipeline: Pipeline,
    /// The levels found last, to show in the title and to start threshold steps from.
    pub found: Option<Found>,
    /// Why the current file could not be shown, if it could not.
    pub problem: Option<String>,
    /// What a video's playback says (frame rate, pipeline time, paused), shown in the title.
    pub status: Option<String>,
}

impl State {
    /// The state for `files` (not empty) with `config` (already validated into `pipeline`),
    /// showing the edges of the first file.
    pub fn new(files: Vec<PathBuf>, config: DetectConfig, pipeline: Pipeline) -> Self {
        State {
            files,
            index: 0,
            version: 0,
            view: Picture::Edges,
            config,
            shelved: Threshold::Auto,
            pipeline,
            found: None,
            problem: None,
            status: None,
        }
    }

    /// The current file and its version.
    pub fn file(&self) -> FileId {
        FileId {
            path: self.files[self.index].clone(),
            version: self.version,
        }
    }

    /// What to show in a `window`-sized window.
    pub fn request(&self, window: (usize, usize)) -> Request {
        Request {
            file: self.file(),
            pipeline: self.pipeline.clone(),
            view: self.view,
            window,
        }
    }

    /// The levels found for the current file and parameters, if known.
    pub fn levels(&self) -> Option<Levels> {
        self.found
            .as_ref()
            .filter(|f| f.file == self.file() && f.pipeline == self.pipeline)
            .map(|f| f.levels)
    }

    /// The smoothing actually applied: the given sigma, or Canny's default, or 0 for none.
    pub fn sigma(&self) -> f32 {
        self.config.effective_sigma()
    }

    /// The window title: file, view and every parameter.
    pub fn title(&self) -> String {
        let c = &self.config;
        let mut t = format!(
            "edgegrad preview | {}",
            display_name(&self.files[self.index])
        );
        if self.files.len() > 1 {
            let _ = write!(t, " ({}/{})", self.index + 1, self.files.len());
        }
        let _ = write!(t, " | {} {}", key_number(self.view), self.view.name());
        let _ = write!(t, " | {}", c.operator.name());
        let _ = write!(t, " | edge order {}", c.edge_order);
        let sigma = self.sigma();
        if sigma == 0.0 {
            t.push_str(" | sigma off");
        } else {
            let _ = write!(t, " | sigma {sigma}");
        }
        let found = self.levels();
        match c.rule {
            EdgeRule::Hysteresis(levels) | EdgeRule::Canny(Some(levels)) => {
                let _ = write!(t, " | hysteresis {:.4},{:.4}", levels.low(), levels.high());
            }
            EdgeRule::Canny(None) => {
                t.push_str(" | hysteresis auto");
                if let Some((low, high)) = found.and_then(|l| l.hysteresis) {
                    let _ = write!(t, " = {low:.4},{high:.4}");
                }
            }
            EdgeRule::Threshold(threshold) => {
                match threshold {
                    Threshold::Value(v) => {
                        let _ = write!(t, " | threshold {v:.4}");
                    }
                    other => {
                        let _ = write!(t, " | threshold {other}");
                    }
                }
                if let (false, Some(l)) = (matches!(threshold, Threshold::Value(_)), found) {
                    let _ = write!(t, " = {:.4}", l.threshold);
                }
            }
        }
        let on = |b: bool| if b { "on" } else { "off" };
        let _ = write!(t, " | thin {}", on(c.thins()));
        let _ = write!(t, " | canny {}", on(c.rule.is_canny()));
        if self.view == Picture::Contours && !c.thins() {
            t.push_str(" | no curves: thin the edges (T or C)");
        }
        if let Some(s) = &self.status {
            let _ = write!(t, " | {s}");
        }
        if let Some(p) = &self.problem {
            let _ = write!(t, " | cannot show: {p}");
        }
        t
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgegrad::detect::derivatives::Operator;

    fn state(config: DetectConfig) -> State {
        let p = config.clone().build().unwrap();
        State::new(vec!["dir/cat.png".into(), "dir/dog.png".into()], config, p)
    }

    #[test]
    fn view_numbers_match_their_keys() {
        let numbers: Vec<usize> = Picture::ALL.into_iter().map(key_number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn title_shows_file_view_and_every_parameter() {
        let s = state(DetectConfig::default());
        assert_eq!(
            s.title(),
            "edgegrad preview | cat.png (1/2) | 2 edges | central | edge order 1 | sigma 1 \
             | threshold auto | thin on | canny off"
        );
        let mut s = state(DetectConfig {
            operator: Operator::Scharr,
            edge_order: edgegrad::detect::EdgeOrder::Second,
            sigma: Some(2.0),
            rule: EdgeRule::Threshold(Threshold::Value(0.125)),
            thin: true,
        });
        s.view = Picture::Direction;
        s.files.truncate(1);
        assert_eq!(
            s.title(),
            "edgegrad preview | cat.png | 6 direction | scharr | edge order 2 | sigma 2 \
             | threshold 0.1250 | thin on | canny off"
        );
    }

    #[test]
    fn the_contours_view_of_unthinned_edges_says_how_to_get_curves() {
        let hint = "no curves: thin the edges (T or C)";
        let otsu = DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Otsu),
            ..Default::default()
        };
        let mut s = state(otsu.clone());
        s.view = Picture::Contours;
        assert!(s.title().ends_with(hint), "{}", s.title());
        s.view = Picture::Edges;
        assert!(!s.title().contains(hint));
        let mut s = state(DetectConfig { thin: true, ..otsu });
        s.view = Picture::Contours;
        assert!(!s.title().contains(hint));
    }

    #[test]
    fn title_shows_the_levels_found_for_this_file_and_these_parameters_only() {
        let mut s = state(DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Percent(5.0)),
            ..Default::default()
        });
        s.found = Some(Found {
            file: s.file(),
            pipeline: s.pipeline.clone(),
            levels: Levels {
                threshold: 0.25,
                hysteresis: None,
            },
        });
        assert!(
            s.title().contains("| threshold 5% = 0.2500 |"),
            "{}",
            s.title()
        );
        s.index = 1;
        assert!(s.title().contains("| threshold 5% |"), "{}", s.title());
    }

    #[test]
    fn canny_shows_its_smoothing_thinning_and_hysteresis() {
        let mut s = state(DetectConfig {
            rule: EdgeRule::Canny(None),
            ..Default::default()
        });
        s.found = Some(Found {
            file: s.file(),
            pipeline: s.pipeline.clone(),
            levels: Levels {
                threshold: 0.2,
                hysteresis: Some((0.1, 0.2)),
            },
        });
        let t = s.title();
        assert!(
            t.contains("| sigma 1.4 | hysteresis auto = 0.1000,0.2000 | thin on | canny on"),
            "{t}"
        );
    }

    #[test]
    fn a_problem_is_shown_in_the_title() {
        let mut s = state(DetectConfig::default());
        s.problem = Some("truncated file".into());
        assert!(s.title().ends_with("| cannot show: truncated file"));
    }
}
