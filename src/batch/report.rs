//! What a batch run tells its user: the totals, the one-line summary and the JSON report.
//!
//! The report (`--report R.json`) is one JSON object:
//! `{"in_dir", "out_dir", "shard": {"index", "count"} | null, "options": {...},
//! "files": [{"input", "output", "status", "error", "width", "height", "edge_fraction",
//! "threshold", "milliseconds", "timings": {"decode_ms", ...}}], "totals": {...}}`.
//! Paths in `files` are relative to `in_dir` / `out_dir` with `/` separators; `output` is `null`
//! when nothing was written; fields that do not apply to a file are left out.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::run::{FileRecord, Outcome, Status};
use super::shard::Shard;

/// The counts and times of a run.
///
/// ```
/// use std::time::Duration;
/// use edgegrad::batch::{report::Totals, run::Outcome};
/// let outcome = Outcome { records: vec![], removed_temporaries: 0, elapsed: Duration::from_secs(2) };
/// let totals = Totals::new(&outcome);
/// assert_eq!(totals.files, 0);
/// assert!(totals.summary().starts_with("0 done, 0 skipped, 0 failed in 2.00 s"));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Totals {
    /// Files in the run (this shard's).
    pub files: usize,
    /// Processed and written.
    pub ok: usize,
    /// Left alone because their output existed.
    pub skipped: usize,
    /// Failed.
    pub failed: usize,
    /// Stale temporary files of interrupted runs removed.
    pub removed_temporaries: usize,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
    /// Processed images per wall-clock second.
    pub images_per_second: f64,
    /// Milliseconds per stage summed over the processed files (all workers together).
    pub timings: BTreeMap<&'static str, f64>,
}

impl Totals {
    /// The totals of `outcome`.
    pub fn new(outcome: &Outcome) -> Totals {
        let mut timings = BTreeMap::new();
        for processed in outcome.records.iter().filter_map(|r| r.processed.as_ref()) {
            for &(stage, ms) in &processed.stages {
                *timings.entry(stage).or_insert(0.0) += ms;
            }
        }
        timings.values_mut().for_each(|ms| *ms = round3(*ms));
        let seconds = outcome.elapsed.as_secs_f64();
        let ok = outcome.count(Status::Ok);
        Totals {
            files: outcome.records.len(),
            ok,
            skipped: outcome.count(Status::Skipped),
            failed: outcome.count(Status::Failed),
            removed_temporaries: outcome.removed_temporaries,
            seconds: round3(seconds),
            images_per_second: if seconds > 0.0 {
                round3(ok as f64 / seconds)
            } else {
                0.0
            },
            timings,
        }
    }

    /// One line for people: counts, time, rate, and the time per stage summed over workers.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} done, {} skipped, {} failed in {:.2} s ({:.1} images/s)",
            self.ok, self.skipped, self.failed, self.seconds, self.images_per_second
        );
        if self.removed_temporaries > 0 {
            line += &format!(
                "; removed {} stale temporary files",
                self.removed_temporaries
            );
        }
        if !self.timings.is_empty() {
            let stages: Vec<String> = self
                .timings
                .iter()
                .map(|(stage, ms)| format!("{} {:.2} s", stage.trim_end_matches("_ms"), ms / 1e3))
                .collect();
            line += &format!("; summed over workers: {}", stages.join(", "));
        }
        line
    }

    /// The stage totals as a `--timings` line: every stage summed over files, then `total_ms`,
    /// the run's wall-clock time.
    pub fn timings_json(&self) -> String {
        let mut map: Map<String, Value> = self
            .timings
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        map.insert("total_ms".into(), json!(round3(self.seconds * 1e3)));
        Value::Object(map).to_string()
    }
}

/// A run's report: where, which shard, with which options, every file, the totals.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The input folder.
    pub in_dir: &'a Path,
    /// The output folder.
    pub out_dir: &'a Path,
    /// The shard run, if the run was sharded.
    pub shard: Option<Shard>,
    /// The processing options, as the front-end describes them.
    pub options: Value,
    /// What happened.
    pub outcome: &'a Outcome,
}

impl Report<'_> {
    /// The report as JSON.
    ///
    /// ```
    /// use std::{path::{Path, PathBuf}, time::Duration};
    /// use edgegrad::batch::{report::Report, run::{FileRecord, Outcome, Status}};
    /// let outcome = Outcome {
    ///     records: vec![FileRecord {
    ///         input: PathBuf::from("a/b.jpg"), output: None, status: Status::Failed,
    ///         error: Some("truncated".into()), processed: None, milliseconds: None,
    ///     }],
    ///     removed_temporaries: 0,
    ///     elapsed: Duration::from_millis(5),
    /// };
    /// let report = Report { in_dir: Path::new("in"), out_dir: Path::new("out"), shard: None,
    ///                       options: serde_json::json!({}), outcome: &outcome };
    /// let json = report.to_json();
    /// assert_eq!(json["files"][0]["input"], "a/b.jpg");
    /// assert_eq!(json["files"][0]["output"], serde_json::Value::Null);
    /// assert_eq!(json["files"][0]["status"], "failed");
    /// assert_eq!(json["totals"]["failed"], 1);
    /// ```
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.document()).unwrap_or(Value::Null)
    }

    /// Writes the report (pretty-printed, fields in the documented order) to `path` atomically.
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let document = self.document();
        crate::io::write_atomically(path, |w| {
            serde_json::to_writer_pretty(&mut *w, &document)?;
            w.write_all(b"\n")
        })
    }

    fn document(&self) -> Document<'_> {
        Document {
            in_dir: self.in_dir.to_string_lossy().into_owned(),
            out_dir: self.out_dir.to_string_lossy().into_owned(),
            shard: self.shard,
            options: &self.options,
            files: self.outcome.records.iter().map(FileEntry::new).collect(),
            totals: Totals::new(self.outcome),
        }
    }
}

/// The report's layout.
#[derive(serde::Serialize)]
struct Document<'a> {
    in_dir: String,
    out_dir: String,
    shard: Option<Shard>,
    options: &'a Value,
    files: Vec<FileEntry<'a>>,
    totals: Totals,
}

/// One file's entry in the report; fields that do not apply are left out.
#[derive(serde::Serialize)]
struct FileEntry<'a> {
    input: String,
    output: Option<String>,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edge_fraction: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    milliseconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "stage_map")]
    timings: Option<Vec<(&'static str, f64)>>,
}

impl<'a> FileEntry<'a> {
    fn new(record: &'a FileRecord) -> FileEntry<'a> {
        let p = record.processed.as_ref();
        FileEntry {
            input: slash_path(&record.input),
            output: record.output.as_deref().map(slash_path),
            status: record.status,
            error: record.error.as_deref(),
            width: p.map(|p| p.width),
            height: p.map(|p| p.height),
            edge_fraction: p.and_then(|p| p.edge_fraction),
            threshold: p.and_then(|p| p.threshold),
            milliseconds: record.milliseconds.map(round3),
            timings: p.map(|p| p.stages.iter().map(|&(k, v)| (k, round3(v))).collect()),
        }
    }
}

/// Stage times as a JSON object, in the order the stages ran.
fn stage_map<S: serde::Serializer>(
    stages: &Option<Vec<(&'static str, f64)>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let stages = stages.as_deref().unwrap_or_default();
    serializer.collect_map(stages.iter().map(|(k, v)| (k, v)))
}

/// A relative path with `/` between components, whatever the platform.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
