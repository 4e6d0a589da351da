//! What must be done to show a request, given what was computed before: nothing, scale the
//! rendered picture to a new window size, render another view, run the pipeline, or load the
//! file. Plain data and comparisons, so every decision is unit-tested without a window.

use std::path::PathBuf;

use edgegrad::detect::derivatives::Derivatives;
use edgegrad::detect::{Picture, Pipeline, Wanted};

/// One version of one file: `version` grows on every reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    /// The image file.
    pub path: PathBuf,
    /// How many times it was reloaded.
    pub version: u64,
}

/// Everything the window wants to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The image.
    pub file: FileId,
    /// The validated parameters.
    pub pipeline: Pipeline,
    /// The view.
    pub view: Picture,
    /// The window's (width, height); `(0, 0)` for "not open yet".
    pub window: (usize, usize),
}

/// The work a request needs, cheapest first. Each step includes the ones before it: a load
/// runs the pipeline (when the view needs it), which re-renders, which re-scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Work {
    /// The picture on screen is already right.
    Nothing,
    /// Only the window size changed.
    Scale,
    /// Another view of results already computed.
    Render,
    /// Outputs the view needs are missing or were computed with other parameters.
    Pipeline,
    /// Another file, or the file was reloaded.
    Load,
}

/// A record of what has been computed: which file, which outputs with which parameters, which
/// view was rendered, at which window size.
#[derive(Debug, Clone, Default)]
pub struct Have {
    file: Option<FileId>,
    /// The maps present (magnitude, direction, dx, dy) and the derivatives they came from.
    maps: Option<(Derivatives, Wanted)>,
    /// The pipeline the edge map present came from.
    edges: Option<Pipeline>,
    /// The pipeline the edge points present came from.
    points: Option<Pipeline>,
    rendered: Option<Picture>,
    window: Option<(usize, usize)>,
}

impl Have {
    /// Nothing computed yet.
    pub fn new() -> Self {
        Have::default()
    }

    /// The work `want` needs.
    pub fn plan(&self, want: &Request) -> Work {
        if self.file.as_ref() != Some(&want.file) {
            Work::Load
        } else if self.missing(want) != Wanted::default() {
            Work::Pipeline
        } else if self.rendered != Some(want.view) {
            Work::Render
        } else if self.window != Some(want.window) {
            Work::Scale
        } else {
            Work::Nothing
        }
    }

    /// The outputs `want`'s view needs that are absent or stale: what the pipeline must run.
    pub fn missing(&self, want: &Request) -> Wanted {
        let needed = want.view.wanted();
        if self.file.as_ref() != Some(&want.file) {
            return needed;
        }
        let maps_valid = match &self.maps {
            Some((d, present)) if d == want.pipeline.derivatives() => *present,
            _ => Wanted::default(),
        };
        let edges_valid = self.edges.as_ref() == Some(&want.pipeline);
        let points_valid = self.points.as_ref() == Some(&want.pipeline);
        Wanted {
            edges: needed.edges && !edges_valid,
            points: needed.points && !points_valid,
            magnitude: needed.magnitude && !maps_valid.magnitude,
            direction: needed.direction && !maps_valid.direction,
            dx: needed.dx && !maps_valid.dx,
            dy: needed.dy && !maps_valid.dy,
        }
    }

    /// Records that `work` was done for `want`, the pipeline computing `computed`.
    pub fn record(&mut self, want: &Request, work: Work, computed: Wanted) {
        if work == Work::Load {
            *self = Have::new();
            self.file = Some(want.file.clone());
        }
        if work >= Work::Pipeline {
            self.absorb(want, computed);
        }
        if work >= Work::Render {
            self.rendered = Some(want.view);
        }
        self.window = Some(want.window);
    }

    /// Adds the outputs the pipeline computed for `want`. Maps and edges are keyed separately
    /// (by derivatives, and by the whole pipeline), so an edge-rule change keeps the maps.
    fn absorb(&mut self, want: &Request, computed: Wanted) {
        let derivatives = want.pipeline.derivatives();
        let new_maps = Wanted {
            edges: false,
            points: false,
            ..computed
        };
        if new_maps != Wanted::default() {
            let kept = match &self.maps {
                Some((d, present)) if d == derivatives => *present,
                _ => Wanted::default(),
            };
            self.maps = Some((derivatives.clone(), kept.union(new_maps)));
        }
        // Points come with the edges they were fitted on.
        if computed.edges || computed.points {
            self.edges = Some(want.pipeline.clone());
        }
        if computed.points {
            self.points = Some(want.pipeline.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::plain;
    use super::*;
    use edgegrad::detect::config::DetectConfig;
    use edgegrad::detect::derivatives::Operator;
    use edgegrad::detect::edges::threshold::Threshold;
    use edgegrad::detect::EdgeRule;

    fn request(config: DetectConfig, view: Picture) -> Request {
        Request {
            file: FileId {
                path: "a.png".into(),
                version: 0,
            },
            pipeline: config.build().unwrap(),
            view,
            window: (640, 480),
        }
    }

    /// The record after doing whatever `r` needed.
    fn after(have: &mut Have, r: &Request) -> Work {
        let work = have.plan(r);
        let missing = have.missing(r);
        have.record(r, work, missing);
        work
    }

    #[test]
    fn the_first_request_loads_and_a_repeat_needs_nothing() {
        let mut have = Have::new();
        let r = request(plain(), Picture::Edges);
        assert_eq!(after(&mut have, &r), Work::Load);
        assert_eq!(have.plan(&r), Work::Nothing);
    }

    #[test]
    fn reloading_or_another_file_loads() {
        let mut have = Have::new();
        let r = request(plain(), Picture::Original);
        after(&mut have, &r);
        let mut reload = r.clone();
        reload.file.version = 1;
        assert_eq!(have.plan(&reload), Work::Load);
        let mut other = r.clone();
        other.file.path = "b.png".into();
        assert_eq!(have.plan(&other), Work::Load);
    }

    #[test]
    fn a_new_window_size_only_rescales() {
        let mut have = Have::new();
        let r = request(plain(), Picture::Edges);
        after(&mut have, &r);
        let resized = Request {
            window: (800, 600),
            ..r
        };
        assert_eq!(have.plan(&resized), Work::Scale);
    }

    #[test]
    fn a_threshold_change_reruns_edges_but_not_the_magnitude_view() {
        let mut have = Have::new();
        let base = plain();
        let higher = DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Value(0.3)),
            ..base.clone()
        };
        after(&mut have, &request(base.clone(), Picture::Edges));
        assert_eq!(
            have.plan(&request(higher.clone(), Picture::Edges)),
            Work::Pipeline
        );
        assert_eq!(
            have.plan(&request(higher.clone(), Picture::Overlay)),
            Work::Pipeline
        );

        let mut have = Have::new();
        after(&mut have, &request(base, Picture::Magnitude));
        assert_eq!(
            have.plan(&request(higher, Picture::Magnitude)),
            Work::Nothing
        );
    }

    #[test]
    fn derivative_changes_rerun_every_computed_view() {
        let base = plain();
        let changes = [
            DetectConfig {
                operator: Operator::Sobel,
                ..base.clone()
            },
            DetectConfig {
                sigma: Some(2.0),
                ..base.clone()
            },
            DetectConfig {
                edge_order: edgegrad::detect::EdgeOrder::Second,
                ..base.clone()
            },
        ];
        for view in [
            Picture::Edges,
            Picture::Magnitude,
            Picture::Dx,
            Picture::Direction,
        ] {
            let mut have = Have::new();
            after(&mut have, &request(base.clone(), view));
            for c in &changes {
                assert_eq!(
                    have.plan(&request(c.clone(), view)),
                    Work::Pipeline,
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn the_original_view_never_runs_the_pipeline() {
        let mut have = Have::new();
        after(&mut have, &request(plain(), Picture::Original));
        let sobel = DetectConfig {
            operator: Operator::Sobel,
            ..plain()
        };
        assert_eq!(have.plan(&request(sobel, Picture::Original)), Work::Nothing);
    }

    #[test]
    fn views_of_outputs_already_computed_only_render() {
        let mut have = Have::new();
        let c = plain();
        after(&mut have, &request(c.clone(), Picture::Edges));
        // Overlay uses the same edges; the original needs nothing.
        assert_eq!(
            have.plan(&request(c.clone(), Picture::Overlay)),
            Work::Render
        );
        assert_eq!(
            have.plan(&request(c.clone(), Picture::Original)),
            Work::Render
        );
        // dx was never computed.
        assert_eq!(have.plan(&request(c.clone(), Picture::Dx)), Work::Pipeline);
        after(&mut have, &request(c.clone(), Picture::Dx));
        after(&mut have, &request(c.clone(), Picture::Dy));
        // Both maps and the edges stay valid together.
        assert_eq!(have.plan(&request(c.clone(), Picture::Dx)), Work::Render);
        assert_eq!(have.plan(&request(c.clone(), Picture::Edges)), Work::Render);
    }

    #[test]
    fn an_edge_rule_change_keeps_the_maps_and_drops_the_edges() {
        let mut have = Have::new();
        let c = plain();
        after(&mut have, &request(c.clone(), Picture::Magnitude));
        after(&mut have, &request(c.clone(), Picture::Edges));
        let thin = DetectConfig {
            thin: true,
            ..c.clone()
        };
        let r = request(thin.clone(), Picture::Edges);
        assert_eq!(have.missing(&r), Wanted::edges());
        after(&mut have, &r);
        assert_eq!(
            have.plan(&request(thin.clone(), Picture::Magnitude)),
            Work::Render
        );
        assert_eq!(have.plan(&request(c, Picture::Edges)), Work::Pipeline);
    }

    #[test]
    fn effective_parameters_are_compared_not_spellings() {
        // Canny thins anyway, and sigma 0 is no smoothing: neither change reruns anything.
        let mut have = Have::new();
        let canny = DetectConfig {
            rule: EdgeRule::Canny(None),
            ..plain()
        };
        after(&mut have, &request(canny.clone(), Picture::Edges));
        let canny_thin = DetectConfig {
            thin: true,
            ..canny
        };
        assert_eq!(
            have.plan(&request(canny_thin, Picture::Edges)),
            Work::Nothing
        );

        let mut have = Have::new();
        after(&mut have, &request(plain(), Picture::Dx));
        let zero = DetectConfig {
            sigma: Some(0.0),
            ..plain()
        };
        assert_eq!(have.plan(&request(zero, Picture::Dx)), Work::Nothing);
    }

    #[test]
    fn derivative_changes_drop_stale_maps_for_later_views() {
        let mut have = Have::new();
        let c = plain();
        after(&mut have, &request(c.clone(), Picture::Dx));
        let sobel = DetectConfig {
            operator: Operator::Sobel,
            ..c.clone()
        };
        after(&mut have, &request(sobel.clone(), Picture::Dy));
        // dx was computed with the old operator.
        assert_eq!(have.plan(&request(sobel, Picture::Dx)), Work::Pipeline);
        assert_eq!(have.plan(&request(c, Picture::Dy)), Work::Pipeline);
    }
}
