//! `edgegrad batch`: the detection pipeline over a whole folder tree, in parallel, resumable,
//! shardable across a cluster, with a progress bar, a summary and a JSON report.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use edgegrad::batch::plan::{companion_of, FolderPlan};
use edgegrad::batch::runner::{run_plan_each, FileRecord, Processed, RunOptions, Status};
use edgegrad::batch::shard::{ShardError, ShardSpec};
use edgegrad::detect::{geometry, Detection, EdgeRule, Picture, Pipeline};
use edgegrad::image::encode::encode_png;
use edgegrad::image::render::Depth;
use edgegrad::image::{load_reusing, LoadBuffers, LoadOptions, Loaded};
use edgegrad::io::atomic::write_atomically;
use edgegrad::timings::Timings;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use serde_json::{json, Value};

mod report;

use report::{Entries, Report, Tally};

use super::detect::{depth_conflict, load_error_message, DetectOptions};
use super::points::{check_contours, BatchPointsArgs, PointsSpec};
use super::UsageError;

/// Edge maps for every image in a folder tree, in parallel.
///
/// Every image under IN_DIR (recursively; by extension, any case) goes through the detect
/// pipeline with the options below; IN_DIR/REL/NAME is written as OUT_DIR/REL/NAME.png (the
/// input's file name with .png appended, so a.jpg and a.png never collide). A file that fails
/// is reported and the others go on. Exit code: 0 if every file succeeded, 1 if any failed,
/// 2 for bad usage.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct BatchArgs {
    /// The folder of input images, walked recursively (links followed).
    in_dir: PathBuf,

    /// The folder for the results (created if needed). It may lie inside IN_DIR (it is then
    /// not read as input) but may not be IN_DIR or contain it.
    out_dir: PathBuf,

    #[command(flatten)]
    detect: DetectOptions,

    #[command(flatten)]
    geometry: BatchPointsArgs,

    /// Bits per sample of magnitude pictures (--output magnitude): 8 or 16. Other pictures are
    /// 8-bit, so 16 with another --output is an error.
    #[arg(long, value_name = "8|16", default_value = "8")]
    depth: Depth,

    /// Write a JSON report of every file (status, error, size, edge fraction, times), the
    /// options and the totals to this file.
    #[arg(long, value_name = "R.json")]
    report: Option<PathBuf>,

    /// Resume: leave files whose output already exists alone. (Temporary files that a killed
    /// run left for this run's outputs are always removed.)
    #[arg(long)]
    skip_existing: bool,

    /// Process only shard K of N (K from 0): the files whose relative path hashes to K. `auto`
    /// takes K and N from a Slurm job array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN,
    /// SLURM_ARRAY_TASK_COUNT).
    #[arg(long, value_name = "K/N|auto", value_parser = parse_shard)]
    shard: Option<ShardSpec>,

    /// Worker threads, and the most images in memory at once. [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,

    /// No progress bar and no summary line (errors are still printed).
    #[arg(long, short = 'q')]
    quiet: bool,

    /// Print the time of each stage summed over all files as one JSON object, the last line
    /// on stderr.
    #[arg(long)]
    timings: bool,
}

fn parse_shard(s: &str) -> Result<ShardSpec, String> {
    s.parse().map_err(|e: ShardError| e.to_string())
}

/// Runs `edgegrad batch`.
pub fn batch(args: BatchArgs) -> Result<ExitCode> {
    let shard = args
        .shard
        .map(|spec| spec.resolve(|name| std::env::var(name).ok()))
        .transpose()
        .map_err(|e| UsageError(e.to_string()))?;
    let work = FileWork::new(&args.detect, &args.geometry, args.depth)?;
    let plan =
        FolderPlan::new(&args.in_dir, &args.out_dir).map_err(|e| UsageError(e.to_string()))?;
    let plan = match shard {
        Some(shard) => plan.shard(shard),
        None => plan,
    };
    let plan = match &work.points {
        Some(points) => plan.with_companion(points.extension()),
        None => plan,
    };
    if let Some(path) = &args.report {
        check_report_path(path, &plan)?;
    }
    let jobs = args.jobs.map_or_else(default_jobs, |j| j as usize);
    let options = RunOptions {
        jobs,
        skip_existing: args.skip_existing,
    };

    let places = plan.jobs.len() + plan.unreadable.len();
    let bar = progress_bar(places, args.quiet);
    let tally = Mutex::new(Tally::default());
    let entries = match &args.report {
        Some(_) => Some(Mutex::new(
            Entries::new(places).context("cannot make a temporary file for the report")?,
        )),
        None => None,
    };
    let spill_error = Mutex::new(None);
    let finished = run_plan_each(
        &plan,
        &options,
        |input: &Path, output: &Path| work.process(input, output),
        |place: usize, record: FileRecord| {
            if record.status == Status::Failed {
                let error = record.error.as_deref().unwrap_or("failed");
                bar.suspend(|| {
                    eprintln!("edgegrad: error: {}: {error}", record.input.display());
                });
            }
            lock(&tally).add(&record);
            if let Some(entries) = &entries {
                if let Err(e) = lock(entries).add(place, &record) {
                    lock(&spill_error).get_or_insert(e);
                }
            }
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();

    let totals = lock_into(tally).totals(&finished);
    if let (Some(path), Some(entries)) = (&args.report, entries) {
        let report = Report {
            in_dir: &plan.in_dir,
            out_dir: &plan.out_dir,
            shard,
            options: describe(&args, jobs),
            totals: &totals,
        };
        let written = match lock_into(spill_error) {
            Some(e) => Err(e),
            None => report.write(path, &plan, lock_into(entries)),
        };
        written.with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if !args.quiet {
        eprintln!("edgegrad batch: {}", totals.summary());
    }
    if args.timings {
        eprintln!("{}", totals.timings_json());
    }
    Ok(if totals.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Refuses, before any work, a report that could not be written or would replace an input.
fn check_report_path(path: &Path, plan: &FolderPlan) -> Result<(), UsageError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(UsageError(format!(
            "--report {}: the folder {} does not exist",
            path.display(),
            folder.display()
        )));
    }
    if let Ok(resolved) = std::fs::canonicalize(path) {
        if plan.jobs.iter().any(|j| plan.input_path(j) == resolved) {
            return Err(UsageError(format!(
                "--report {}: refusing to write over an input image",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The value behind a mutex, whether or not a thread panicked holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The value of a mutex no thread holds any more.
fn lock_into<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// Every core the process may use.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A progress bar on stderr when it is a terminal and not `quiet`; a hidden one otherwise.
fn progress_bar(len: usize, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template(
        "{bar:30.cyan/blue} {pos}/{len} files  {rate}  {elapsed} elapsed, ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key(
        "rate",
        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.1} images/s", state.per_sec());
        },
    );
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// What is done to each file: the detect pipeline, the picture `--output` names and the points
/// `--points` asks for.
struct FileWork {
    pipeline: Pipeline,
    options: DetectOptions,
    load: LoadOptions,
    picture: Picture,
    depth: Depth,
    points: Option<PointsSpec>,
    /// Decoding buffers between files: each worker takes one and gives it back.
    buffers: Mutex<Vec<LoadBuffers>>,
}

impl FileWork {
    fn new(
        options: &DetectOptions,
        geometry: &BatchPointsArgs,
        depth: Depth,
    ) -> Result<FileWork, UsageError> {
        let picture = options.output;
        if depth == Depth::Sixteen && picture != Picture::Magnitude {
            return Err(depth_conflict(picture, ""));
        }
        let pipeline = options.pipeline()?;
        check_contours(picture, &pipeline)?;
        let points = geometry.spec(&pipeline)?;
        let background = points.as_ref().is_some_and(|p| p.background);
        Ok(FileWork {
            pipeline,
            options: options.clone(),
            load: options.load_options(picture.needs_photo() || background),
            picture,
            depth,
            points,
            buffers: Mutex::new(Vec::new()),
        })
    }

    /// Loads `input`, runs the pipeline and writes the picture to `output` (atomically), and
    /// the points beside it. The error names the cause; the caller knows the file.
    fn process(&self, input: &Path, output: &Path) -> Result<Processed> {
        let mut timings = Timings::new();
        let pool = || self.buffers.lock().unwrap_or_else(PoisonError::into_inner);
        let mut buffers = pool().pop().unwrap_or_default();
        let Loaded { luma, photo } = timings
            .time("decode_ms", || {
                load_reusing(input, &self.load, &mut buffers)
            })
            .map_err(|e| anyhow!(load_error_message(&e)))?;
        let (height, width) = luma.dim();
        // A map picture is drawn band by band, without the float maps.
        let banded = match self.points {
            Some(_) => None,
            None => self
                .pipeline
                .draw(luma.view(), self.picture, self.depth, &mut timings),
        };
        let mut curves = None;
        let (picture, edge_fraction, threshold) = match banded {
            Some(picture) => (picture, None, None),
            None => {
                let wanted = match self.points {
                    Some(_) => self.picture.wanted().union(geometry::WANTED),
                    None => self.picture.wanted(),
                };
                let mut detection = self.pipeline.run(luma.view(), &wanted, &mut timings);
                if let Some(spec) = &self.points {
                    let found = timings.time("link_ms", || spec.curves(&detection))?;
                    // The levels, for the JSON's options.
                    let levels = Detection {
                        threshold: detection.threshold,
                        hysteresis: detection.hysteresis,
                        ..Detection::default()
                    };
                    curves = Some((spec, found, levels));
                }
                let edge_fraction = detection.edges.as_ref().map(|e| {
                    let edges = e.iter().filter(|&&v| v != 0).count();
                    edges as f64 / e.len().max(1) as f64
                });
                let threshold = detection
                    .threshold
                    .is_finite()
                    .then_some(f64::from(detection.threshold));
                let picture = timings.time("render_ms", || {
                    self.picture
                        .draw_taking(&mut detection, photo.as_ref(), self.depth)
                })?;
                (picture, edge_fraction, threshold)
            }
        };
        buffers.recycle(luma);
        pool().push(buffers);
        timings
            .time("encode_ms", || {
                write_atomically(output, |w| {
                    encode_png(&picture, w).map_err(io::Error::other)
                })
            })
            .context("cannot write the output")?;
        let points = match &curves {
            Some((spec, curves, levels)) => {
                let path = companion_of(output, spec.extension());
                timings.time("encode_ms", || {
                    spec.write(&path, curves, levels, &self.options, photo.as_ref())
                })?;
                Some((curves.point_count(), curves.curves.len()))
            }
            None => None,
        };
        Ok(Processed {
            width,
            height,
            edge_fraction,
            threshold,
            points,
            stages: timings.stages().to_vec(),
        })
    }
}

/// The options of a run, for the report.
fn describe(args: &BatchArgs, jobs: usize) -> Value {
    let d = &args.detect;
    let operator = d.operator.name();
    let (threshold, hysteresis) = match d.rule() {
        EdgeRule::Threshold(t) => (Some(t.to_string()), None),
        EdgeRule::Hysteresis(levels) | EdgeRule::Canny(Some(levels)) => {
            (None, Some(levels.to_string()))
        }
        EdgeRule::Canny(None) => (None, Some("auto".to_string())),
    };
    json!({
        "operator": operator,
        "edge_order": d.edge_order.get(),
        "sigma": d.sigma,
        "threshold": threshold,
        "hysteresis": hysteresis,
        "thin": d.thin,
        "canny": d.canny,
        "output": d.output.name(),
        "depth": args.depth.bits(),
        "max_pixels": d.max_pixels,
        "keep_orientation": d.keep_orientation,
        "jobs": jobs,
        "skip_existing": args.skip_existing,
        "points": args.geometry.points.map(|f| f.extension()),
        "min_length": args.geometry.min_length,
    })
}
