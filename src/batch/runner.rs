//! Running a plan: files in parallel on a rayon pool, at most one image in flight per worker,
//! each file's result recorded, a broken file never stopping the others.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Display;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::io::atomic::{is_temporary_for, same_file};

use super::plan::{FolderPlan, Job};

/// How to run a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker threads; at most this many images are decoded at once.
    pub jobs: usize,
    /// Leave files whose output already exists alone (resuming an interrupted run).
    pub skip_existing: bool,
}

/// What processing one file produced, for the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Processed {
    /// The image's width in pixels.
    pub width: usize,
    /// The image's height in pixels.
    pub height: usize,
    /// The fraction of pixels marked as edges, when an edge map was made.
    pub edge_fraction: Option<f64>,
    /// The magnitude threshold used (after automatic choice), when there was one.
    pub threshold: Option<f64>,
    /// The numbers of edge points and of curves written beside the output, when they were.
    pub points: Option<(usize, usize)>,
    /// Milliseconds per stage (`decode_ms`, `gradient_ms`, ..., `encode_ms`).
    pub stages: Vec<(&'static str, f64)>,
}

/// The outcome of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Processed and written.
    Ok,
    /// Not processed: its output already existed (`skip_existing`).
    Skipped,
    /// Not processed: an error (see [`FileRecord::error`]).
    Failed,
}

impl Status {
    /// The status as the report writes it: `ok`, `skipped` or `failed`.
    ///
    /// ```
    /// assert_eq!(edgegrad::batch::runner::Status::Skipped.name(), "skipped");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skipped => "skipped",
            Status::Failed => "failed",
        }
    }
}

/// One file of a run: what happened to it and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRecord {
    /// The input, relative to the input folder.
    pub input: PathBuf,
    /// The output, relative to the output folder; `None` when nothing was written.
    pub output: Option<PathBuf>,
    /// The files written beside the output ([`FolderPlan::with_companion`]), relative to the
    /// output folder; empty when nothing was written.
    pub companions: Vec<PathBuf>,
    /// What happened.
    pub status: Status,
    /// The error, when [`Status::Failed`].
    pub error: Option<String>,
    /// What processing found, when [`Status::Ok`].
    pub processed: Option<Processed>,
    /// Wall-clock milliseconds spent on the file, when it was processed.
    pub milliseconds: Option<f64>,
}

impl FileRecord {
    fn failed(input: PathBuf, error: String) -> FileRecord {
        FileRecord {
            input,
            output: None,
            companions: Vec::new(),
            status: Status::Failed,
            error: Some(error),
            processed: None,
            milliseconds: None,
        }
    }
}

/// All files of a run, sorted by input path, and its duration.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One record per planned image and per unreadable path, sorted by input path.
    pub records: Vec<FileRecord>,
    /// Stale temporary files of earlier, interrupted runs that were removed.
    pub removed_temporaries: usize,
    /// Wall-clock time of the whole run.
    pub elapsed: Duration,
}

impl Outcome {
    /// The number of records with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.records.iter().filter(|r| r.status == status).count()
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads: {source}")]
    Threads {
        /// The number asked for.
        jobs: usize,
        /// The cause.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs `process(input, output)` for every job of `plan` on `options.jobs` threads and calls
/// `progress` once per finished file (from the worker threads); the records, sorted by input,
/// are the [`Outcome`]. [`run_plan_each`] is the same run keeping nothing per file.
///
/// Before starting, temporary files left by interrupted writes of this plan's outputs
/// ([`crate::io::atomic::is_temporary_for`]) are removed; other files are never touched, so several
/// shards can share an output folder. Each output's folder is created before `process` is
/// called. With `skip_existing`, a job whose output (and companions) exist is
/// [`Status::Skipped`]. An error or a
/// panic in `process` fails that file only.
///
/// ```
/// use edgegrad::batch::{plan::FolderPlan, runner::{run_plan, Processed, RunOptions, Status}};
/// let root = tempfile::tempdir()?;
/// std::fs::create_dir(root.path().join("in"))?;
/// std::fs::write(root.path().join("in/good.png"), b"fine")?;
/// std::fs::write(root.path().join("in/bad.png"), b"")?;
/// let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out"))?;
/// let options = RunOptions { jobs: 2, skip_existing: false };
/// let outcome = run_plan(&plan, &options, |input, output| {
///     let bytes = std::fs::read(input).map_err(|e| e.to_string())?;
///     if bytes.is_empty() { return Err("empty file".to_string()); }
///     edgegrad::io::atomic::write_atomically(output, |w| w.write_all(&bytes)).map_err(|e| e.to_string())?;
///     Ok(Processed::default())
/// }, |_| {})?;
/// assert_eq!(outcome.count(Status::Ok), 1);
/// assert_eq!(outcome.records[0].error.as_deref(), Some("empty file"));
/// assert!(root.path().join("out/good.png.png").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_plan<F, E, P>(
    plan: &FolderPlan,
    options: &RunOptions,
    process: F,
    progress: P,
) -> Result<Outcome, RunError>
where
    F: Fn(&Path, &Path) -> Result<Processed, E> + Sync,
    E: Display,
    P: Fn(&FileRecord) + Sync,
{
    let done = Mutex::new(Vec::with_capacity(plan.unreadable.len() + plan.jobs.len()));
    let finished = run_plan_each(plan, options, process, |place, record| {
        progress(&record);
        done.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((place, record));
    })?;
    let mut records = done.into_inner().unwrap_or_else(|e| e.into_inner());
    records.sort_by(|(pa, a), (pb, b)| a.input.cmp(&b.input).then(pa.cmp(pb)));
    Ok(Outcome {
        records: records.into_iter().map(|(_, r)| r).collect(),
        removed_temporaries: finished.removed_temporaries,
        elapsed: finished.elapsed,
    })
}

/// What a run of [`run_plan_each`] did besides its files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finished {
    /// Stale temporary files of interrupted runs removed before starting.
    pub removed_temporaries: usize,
    /// The run's wall-clock time.
    pub elapsed: Duration,
}

/// [`run_plan`] without holding the records: each is handed to `each` (from the worker threads)
/// as its file finishes, with its place in the plan: `i` for `plan.unreadable[i]`,
/// `plan.unreadable.len() + j` for `plan.jobs[j]`. The run keeps nothing per file, so its memory
/// does not grow with the number of files.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use edgegrad::batch::{plan::FolderPlan, runner::{run_plan_each, Processed, RunOptions}};
/// let root = tempfile::tempdir()?;
/// std::fs::create_dir(root.path().join("in"))?;
/// for name in ["a.png", "b.png"] { std::fs::write(root.path().join("in").join(name), b"x")?; }
/// let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out"))?;
/// let options = RunOptions { jobs: 2, skip_existing: false };
/// let places = AtomicUsize::new(0);
/// run_plan_each(&plan, &options, |_, _| Ok::<_, String>(Processed::default()), |place, record| {
///     assert_eq!(record.input, plan.jobs[place].input);
///     places.fetch_add(place, Ordering::Relaxed);
/// })?;
/// assert_eq!(places.into_inner(), 0 + 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_plan_each<F, E, R>(
    plan: &FolderPlan,
    options: &RunOptions,
    process: F,
    each: R,
) -> Result<Finished, RunError>
where
    F: Fn(&Path, &Path) -> Result<Processed, E> + Sync,
    E: Display,
    R: Fn(usize, FileRecord) + Sync,
{
    let start = Instant::now();
    let jobs = options.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("edgegrad-batch-{i}"))
        .build()
        .map_err(|source| RunError::Threads { jobs, source })?;

    for (i, u) in plan.unreadable.iter().enumerate() {
        each(i, FileRecord::failed(u.path.clone(), u.error.clone()));
    }
    let first_job = plan.unreadable.len();

    let (removed_temporaries, cleanup_errors) = remove_stale_temporaries(plan);
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = plan.jobs.get(i) else { break };
        let record = match cleanup_errors.get(&i) {
            Some(error) => FileRecord::failed(job.input.clone(), error.clone()),
            None => run_one(plan, job, options.skip_existing, &process),
        };
        each(first_job + i, record);
    };
    pool.scope(|s| {
        for _ in 0..jobs.min(plan.jobs.len()) {
            s.spawn(|_| worker());
        }
    });
    Ok(Finished {
        removed_temporaries,
        elapsed: start.elapsed(),
    })
}

/// Processes one job, turning every error and panic into a failed record.
fn run_one<F, E>(plan: &FolderPlan, job: &Job, skip_existing: bool, process: &F) -> FileRecord
where
    F: Fn(&Path, &Path) -> Result<Processed, E>,
    E: Display,
{
    let input = plan.input_path(job);
    let output = plan.output_path(job);
    let companions = plan.companion_paths(job);
    let relative = || {
        let out = &plan.out_dir;
        let rel = |p: &PathBuf| {
            p.strip_prefix(out)
                .map_or_else(|_| p.clone(), Path::to_path_buf)
        };
        companions.iter().map(rel).collect::<Vec<_>>()
    };
    if skip_existing && output.is_file() && companions.iter().all(|c| c.is_file()) {
        return FileRecord {
            input: job.input.clone(),
            output: Some(job.output.clone()),
            companions: relative(),
            status: Status::Skipped,
            error: None,
            processed: None,
            milliseconds: None,
        };
    }
    if std::iter::once(&output)
        .chain(&companions)
        .any(|o| same_file(&input, o))
    {
        return FileRecord::failed(
            job.input.clone(),
            "the output would overwrite the input".into(),
        );
    }
    if let Some(parent) = output.parent() {
        if let Err(e) = fs::create_dir_all(parent) {
            let error = format!("cannot create output folder {}: {e}", parent.display());
            return FileRecord::failed(job.input.clone(), error);
        }
    }
    let start = Instant::now();
    let result = panic::catch_unwind(AssertUnwindSafe(|| process(&input, &output)));
    let milliseconds = Some(start.elapsed().as_secs_f64() * 1e3);
    let error = match result {
        Ok(Ok(processed)) => {
            return FileRecord {
                input: job.input.clone(),
                output: Some(job.output.clone()),
                companions: relative(),
                status: Status::Ok,
                error: None,
                processed: Some(processed),
                milliseconds,
            }
        }
        Ok(Err(e)) => format!("{e:#}"),
        Err(panic) => format!("internal error: {}", panic_message(panic.as_ref())),
    };
    FileRecord {
        milliseconds,
        ..FileRecord::failed(job.input.clone(), error)
    }
}

/// The text a panic carried.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic")
}

/// Removes the temporary files interrupted writes of the plan's outputs left behind. Returns
/// how many were removed and, per job index, the error that kept one from being removed.
fn remove_stale_temporaries(plan: &FolderPlan) -> (usize, HashMap<usize, String>) {
    let mut by_folder: HashMap<PathBuf, HashMap<&[u8], (usize, &OsStr)>> = HashMap::new();
    let outputs: Vec<(usize, PathBuf)> = plan
        .jobs
        .iter()
        .enumerate()
        .flat_map(|(i, job)| {
            let companions = plan.companion_paths(job);
            std::iter::once(plan.output_path(job))
                .chain(companions)
                .map(move |p| (i, p))
        })
        .collect();
    for (i, output) in &outputs {
        let (Some(folder), Some(name)) = (output.parent(), output.file_name()) else {
            continue;
        };
        by_folder
            .entry(folder.to_path_buf())
            .or_default()
            .insert(name.as_encoded_bytes(), (*i, name));
    }
    let mut removed = 0;
    let mut errors = HashMap::new();
    for (folder, names) in &by_folder {
        let Ok(entries) = fs::read_dir(folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let candidate = entry.file_name();
            let Some(i) = temporary_owner(&candidate, names) else {
                continue;
            };
            match fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) => {
                    let msg = format!(
                        "cannot remove stale temporary file {}: {e}",
                        entry.path().display()
                    );
                    errors.insert(i, msg);
                }
            }
        }
    }
    (removed, errors)
}

/// The job whose output `candidate` is a temporary file of, if any.
fn temporary_owner(candidate: &OsStr, names: &HashMap<&[u8], (usize, &OsStr)>) -> Option<usize> {
    const SUFFIX: usize = ".XXXXXX.tmp".len();
    let bytes = candidate.as_encoded_bytes();
    let target = bytes.get(1..bytes.len().checked_sub(SUFFIX)?)?;
    let &(i, name) = names.get(target)?;
    is_temporary_for(name, candidate).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn tree(files: &[&str]) -> (tempfile::TempDir, FolderPlan) {
        let root = tempfile::tempdir().unwrap();
        for rel in files {
            let path = root.path().join("in").join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, rel.as_bytes()).unwrap();
        }
        let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out")).unwrap();
        (root, plan)
    }

    /// Copies the input to the output, failing on names containing "bad" and panicking on
    /// names containing "panic".
    fn copy(input: &Path, output: &Path) -> Result<Processed, String> {
        let name = input.to_string_lossy();
        assert!(!name.contains("panic"), "decoder blew up");
        if name.contains("bad") {
            return Err(format!("{}: corrupt", input.display()));
        }
        let bytes = fs::read(input).map_err(|e| e.to_string())?;
        crate::io::atomic::write_atomically(output, |w| w.write_all(&bytes))
            .map_err(|e| e.to_string())?;
        Ok(Processed {
            width: bytes.len(),
            ..Processed::default()
        })
    }

    fn options(jobs: usize, skip_existing: bool) -> RunOptions {
        RunOptions {
            jobs,
            skip_existing,
        }
    }

    #[test]
    fn broken_files_and_panics_fail_alone_and_everything_else_is_written() {
        let (root, plan) = tree(&["a.png", "sub/bad.jpg", "sub/c.png", "panic.png", "d.gif"]);
        let calls = AtomicUsize::new(0);
        let outcome = run_plan(&plan, &options(3, false), copy, |_| {
            calls.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(calls.into_inner(), 5);
        let summary: Vec<(String, Status)> = outcome
            .records
            .iter()
            .map(|r| (r.input.to_string_lossy().into_owned(), r.status))
            .collect();
        assert_eq!(
            summary,
            [
                ("a.png".to_string(), Status::Ok),
                ("d.gif".to_string(), Status::Ok),
                ("panic.png".to_string(), Status::Failed),
                ("sub/bad.jpg".to_string(), Status::Failed),
                ("sub/c.png".to_string(), Status::Ok),
            ]
        );
        assert!(outcome.records[2]
            .error
            .as_ref()
            .unwrap()
            .contains("decoder blew up"));
        assert!(outcome.records[3]
            .error
            .as_ref()
            .unwrap()
            .ends_with("corrupt"));
        assert_eq!(outcome.records[3].output, None);
        assert_eq!(
            fs::read(root.path().join("out/sub/c.png.png")).unwrap(),
            b"sub/c.png"
        );
        assert!(!root.path().join("out/sub/bad.jpg.png").exists());
        assert_eq!(outcome.records[4].processed.as_ref().unwrap().width, 9);
    }

    #[test]
    fn skip_existing_leaves_finished_outputs_and_removes_only_this_plans_temporaries() {
        let (root, plan) = tree(&["a.png", "b.png", "sub/c.png"]);
        let out = root.path().join("out");
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::write(out.join("a.png.png"), b"finished earlier").unwrap();
        let stale = [".b.png.png.Ab12Cd.tmp", "sub/.c.png.png.000000.tmp"];
        let foreign = [
            ".other.png.png.Ab12Cd.tmp",
            ".b.png.png.Ab12Cd.tmp.keep",
            "notes.tmp",
        ];
        for name in stale.iter().chain(&foreign) {
            fs::write(out.join(name), b"half").unwrap();
        }
        let outcome = run_plan(&plan, &options(2, true), copy, |_| {}).unwrap();
        assert_eq!(outcome.removed_temporaries, 2);
        let statuses: Vec<Status> = outcome.records.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Status::Skipped, Status::Ok, Status::Ok]);
        assert_eq!(
            outcome.records[0].output.as_deref(),
            Some(Path::new("a.png.png"))
        );
        assert_eq!(
            fs::read(out.join("a.png.png")).unwrap(),
            b"finished earlier"
        );
        assert_eq!(fs::read(out.join("b.png.png")).unwrap(), b"b.png");
        for name in stale {
            assert!(!out.join(name).exists(), "{name} left behind");
        }
        for name in foreign {
            assert!(out.join(name).exists(), "{name} removed");
        }
    }

    #[test]
    fn without_skip_existing_outputs_are_replaced() {
        let (root, plan) = tree(&["a.png"]);
        fs::write(root.path().join("out/a.png.png"), b"old").unwrap();
        let outcome = run_plan(&plan, &options(1, false), copy, |_| {}).unwrap();
        assert_eq!(outcome.count(Status::Ok), 1);
        assert_eq!(
            fs::read(root.path().join("out/a.png.png")).unwrap(),
            b"a.png"
        );
    }

    #[test]
    fn never_more_images_in_flight_than_jobs() {
        let names: Vec<String> = (0..40).map(|i| format!("{i}.png")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (_root, plan) = tree(&names);
        for jobs in [1, 3] {
            let in_flight = AtomicUsize::new(0);
            let peak = AtomicUsize::new(0);
            let outcome = run_plan(
                &plan,
                &options(jobs, false),
                |input: &Path, output: &Path| {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    // Nested parallel work, as the pipeline does inside one image.
                    let sum: u64 = rayon::iter::ParallelIterator::sum(
                        rayon::iter::IntoParallelIterator::into_par_iter(0..20_000u64),
                    );
                    std::thread::sleep(Duration::from_millis(2));
                    let result = copy(input, output).map(|p| Processed {
                        height: sum as usize,
                        ..p
                    });
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    result
                },
                |_| {},
            )
            .unwrap();
            assert_eq!(outcome.count(Status::Ok), 40);
            let peak = peak.into_inner();
            assert!(peak <= jobs, "{peak} images in flight with {jobs} jobs");
            if jobs > 1 {
                assert!(peak > 1, "no parallelism with {jobs} jobs");
            }
        }
    }

    #[test]
    fn each_file_is_handed_over_once_at_its_place_in_the_plan() {
        let (root, _) = tree(&["a.png", "c/d.png", "e.png"]);
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.path().join("nowhere"), root.path().join("in/b.png"))
            .unwrap();
        let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out")).unwrap();
        let places = Mutex::new(Vec::new());
        let finished = run_plan_each(&plan, &options(2, false), copy, |place, record| {
            let expected = match place.checked_sub(plan.unreadable.len()) {
                Some(job) => &plan.jobs[job].input,
                None => &plan.unreadable[place].path,
            };
            assert_eq!(&record.input, expected);
            places.lock().unwrap().push(place);
        })
        .unwrap();
        let mut places = places.into_inner().unwrap();
        places.sort();
        let all = plan.unreadable.len() + plan.jobs.len();
        assert_eq!(places, (0..all).collect::<Vec<_>>());
        assert_eq!(finished.removed_temporaries, 0);
    }

    #[test]
    fn unreadable_paths_are_failed_records() {
        let (root, _) = tree(&["a.png"]);
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.path().join("nowhere"), root.path().join("in/b.png"))
            .unwrap();
        let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out")).unwrap();
        let outcome = run_plan(&plan, &options(2, false), copy, |_| {}).unwrap();
        #[cfg(unix)]
        {
            assert_eq!(outcome.records.len(), 2);
            assert_eq!(outcome.records[1].input, Path::new("b.png"));
            assert_eq!(outcome.records[1].status, Status::Failed);
        }
        assert_eq!(outcome.records[0].status, Status::Ok);
    }
}
