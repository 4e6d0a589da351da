//! What a batch run tells its user: the totals, the one-line summary and the JSON report.
//!
//! The report (`--report R.json`) is one JSON object:
//! `{"in_dir", "out_dir", "shard": {"index", "count"} | null, "options": {...},
//! "files": [{"input", "output", "status", "error", "width", "height", "edge_fraction",
//! "threshold", "milliseconds", "timings": {"decode_ms", ...}}], "totals": {...}}`.
//! Paths in `files` are relative to `in_dir` / `out_dir` with `/` separators; `output` is `null`
//! when nothing was written; fields that do not apply to a file are left out.
//!
//! Nothing grows with the number of files while they run: the [`Tally`] counts them, and each
//! file's entry goes to a temporary file as it finishes ([`Entries`]), read back in order when
//! the report is written.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::ser::{Error as _, SerializeSeq};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use edgegrad::batch::plan::FolderPlan;
use edgegrad::batch::runner::{FileRecord, Finished, Status};
use edgegrad::batch::shard::Shard;

/// The counts and times of a run.
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

/// The counts and stage times of the files finished so far, added up as they finish.
#[derive(Debug, Default)]
pub struct Tally {
    files: usize,
    ok: usize,
    skipped: usize,
    failed: usize,
    timings: BTreeMap<&'static str, f64>,
}

impl Tally {
    /// Counts one finished file.
    pub fn add(&mut self, record: &FileRecord) {
        self.files += 1;
        match record.status {
            Status::Ok => self.ok += 1,
            Status::Skipped => self.skipped += 1,
            Status::Failed => self.failed += 1,
        }
        for &(stage, ms) in record.processed.iter().flat_map(|p| &p.stages) {
            *self.timings.entry(stage).or_insert(0.0) += ms;
        }
    }

    /// The totals of the run, once it `finished`.
    pub fn totals(mut self, finished: &Finished) -> Totals {
        self.timings.values_mut().for_each(|ms| *ms = round3(*ms));
        let seconds = finished.elapsed.as_secs_f64();
        Totals {
            files: self.files,
            ok: self.ok,
            skipped: self.skipped,
            failed: self.failed,
            removed_temporaries: finished.removed_temporaries,
            seconds: round3(seconds),
            images_per_second: if seconds > 0.0 {
                round3(self.ok as f64 / seconds)
            } else {
                0.0
            },
            timings: self.timings,
        }
    }
}

impl Totals {
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

/// The report's file entries, written to an anonymous temporary file as the files finish (in
/// any order), each as one line of JSON at a known place, and read back in the report's order.
#[derive(Debug)]
pub struct Entries {
    file: BufWriter<File>,
    written: u64,
    /// Where each entry is in the file, by its place in the plan (see
    /// [`run_plan_each`](edgegrad::batch::runner::run_plan_each)).
    places: Vec<(u64, u32)>,
}

impl Entries {
    /// Room for the entries of a plan of `places` files (unreadable paths and jobs).
    pub fn new(places: usize) -> io::Result<Entries> {
        Ok(Entries {
            file: BufWriter::new(tempfile::tempfile()?),
            written: 0,
            places: vec![(0, 0); places],
        })
    }

    /// Writes the entry of the file at `place`.
    pub fn add(&mut self, place: usize, record: &FileRecord) -> io::Result<()> {
        let line = serde_json::to_vec(&FileEntry::new(record))?;
        self.file.write_all(&line)?;
        let len = u32::try_from(line.len()).map_err(io::Error::other)?;
        self.places[place] = (self.written, len);
        self.written += u64::from(len);
        Ok(())
    }
}

/// A run's report: where, which shard, with which options, every file, the totals.
#[derive(Debug)]
pub struct Report<'a> {
    /// The input folder.
    pub in_dir: &'a Path,
    /// The output folder.
    pub out_dir: &'a Path,
    /// The shard run, if the run was sharded.
    pub shard: Option<Shard>,
    /// The processing options, as the front-end describes them.
    pub options: Value,
    /// The totals.
    pub totals: &'a Totals,
}

impl Report<'_> {
    /// Writes the report (pretty-printed, fields in the documented order) to `path` atomically,
    /// the file entries of `entries` sorted by input path (`plan` names them), one a line.
    pub fn write(&self, path: &Path, plan: &FolderPlan, entries: Entries) -> io::Result<()> {
        let Entries {
            file,
            places: spots,
            ..
        } = entries;
        let mut file = file.into_inner().map_err(|e| e.into_error())?;
        let unreadable = plan.unreadable.len();
        let input = |place: usize| match place.checked_sub(unreadable) {
            Some(job) => &plan.jobs[job].input,
            None => &plan.unreadable[place].path,
        };
        let mut order: Vec<usize> = (0..spots.len()).collect();
        order.sort_by(|&a, &b| input(a).cmp(input(b)));
        let files = Spilled {
            file: Mutex::new(&mut file),
            spots: &spots,
            order: &order,
        };
        let document = self.document(files);
        edgegrad::io::atomic::write_atomically(path, |w| {
            serde_json::to_writer_pretty(&mut *w, &document)?;
            w.write_all(b"\n")
        })
    }

    fn document<'a>(&'a self, files: Spilled<'a>) -> Document<'a> {
        Document {
            in_dir: self.in_dir.to_string_lossy().into_owned(),
            out_dir: self.out_dir.to_string_lossy().into_owned(),
            shard: self.shard.map(|s| ShardEntry {
                index: s.index(),
                count: s.count(),
            }),
            options: &self.options,
            files,
            totals: self.totals,
        }
    }
}

/// The report's layout.
#[derive(serde::Serialize)]
struct Document<'a> {
    in_dir: String,
    out_dir: String,
    shard: Option<ShardEntry>,
    options: &'a Value,
    files: Spilled<'a>,
    totals: &'a Totals,
}

/// The file entries, read back from their temporary file one at a time as they are written.
struct Spilled<'a> {
    file: Mutex<&'a mut File>,
    spots: &'a [(u64, u32)],
    order: &'a [usize],
}

impl serde::Serialize for Spilled<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut file = self.file.lock().map_err(|_| S::Error::custom("poisoned"))?;
        let mut seq = serializer.serialize_seq(Some(self.order.len()))?;
        let mut line = Vec::new();
        for &place in self.order {
            let (at, len) = self.spots[place];
            line.resize(len as usize, 0);
            file.seek(SeekFrom::Start(at))
                .and_then(|_| file.read_exact(&mut line))
                .map_err(S::Error::custom)?;
            let text = std::str::from_utf8(&line).map_err(S::Error::custom)?;
            let entry: &RawValue = serde_json::from_str(text).map_err(S::Error::custom)?;
            seq.serialize_element(entry)?;
        }
        seq.end()
    }
}

/// The shard of a sharded run.
#[derive(serde::Serialize)]
struct ShardEntry {
    index: usize,
    count: usize,
}

/// One file's entry in the report; fields that do not apply are left out.
#[derive(serde::Serialize)]
struct FileEntry<'a> {
    input: String,
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<String>,
    status: &'static str,
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
    point_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    curve_count: Option<usize>,
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
            points: record.companions.first().map(|p| slash_path(p)),
            status: record.status.name(),
            error: record.error.as_deref(),
            width: p.map(|p| p.width),
            height: p.map(|p| p.height),
            edge_fraction: p.and_then(|p| p.edge_fraction),
            threshold: p.and_then(|p| p.threshold),
            point_count: p.and_then(|p| p.points).map(|(n, _)| n),
            curve_count: p.and_then(|p| p.points).map(|(_, n)| n),
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

#[cfg(test)]
mod tests {
    use super::*;
    use edgegrad::batch::plan::{Job, Unreadable};
    use edgegrad::batch::runner::Processed;
    use std::path::PathBuf;
    use std::time::Duration;

    fn record(input: &str, status: Status, stages: &[(&'static str, f64)]) -> FileRecord {
        FileRecord {
            input: PathBuf::from(input),
            output: (status != Status::Failed).then(|| PathBuf::from(format!("{input}.png"))),
            companions: Vec::new(),
            status,
            error: (status == Status::Failed).then(|| "corrupt".to_string()),
            processed: (status == Status::Ok).then(|| Processed {
                width: 4,
                height: 2,
                edge_fraction: Some(0.25),
                threshold: Some(0.1),
                points: None,
                stages: stages.to_vec(),
            }),
            milliseconds: (status == Status::Ok).then_some(12.0),
        }
    }

    /// A plan of three jobs and an unreadable path, and their records in the order a run might
    /// finish them, with their places in the plan.
    fn run() -> (FolderPlan, Vec<(usize, FileRecord)>, Finished) {
        let job = |input: &str| Job {
            input: input.into(),
            output: format!("{input}.png").into(),
        };
        let plan = FolderPlan {
            in_dir: "/data/in".into(),
            out_dir: "/data/out".into(),
            jobs: vec![job("a.png"), job("b.png"), job("c.png")],
            unreadable: vec![Unreadable {
                path: "d/e.png".into(),
                error: "corrupt".into(),
            }],
            companions: Vec::new(),
        };
        let records = vec![
            (0, record("d/e.png", Status::Failed, &[])),
            (3, record("c.png", Status::Skipped, &[])),
            (
                2,
                record(
                    "b.png",
                    Status::Ok,
                    &[("decode_ms", 30.0), ("edges_ms", 1.0)],
                ),
            ),
            (
                1,
                record(
                    "a.png",
                    Status::Ok,
                    &[
                        ("decode_ms", 10.0),
                        ("histogram_ms", 0.5),
                        ("encode_ms", 2.5),
                    ],
                ),
            ),
        ];
        let finished = Finished {
            removed_temporaries: 3,
            elapsed: Duration::from_millis(500),
        };
        (plan, records, finished)
    }

    fn totals(records: &[(usize, FileRecord)], finished: &Finished) -> Totals {
        let mut tally = Tally::default();
        records.iter().for_each(|(_, r)| tally.add(r));
        tally.totals(finished)
    }

    #[test]
    fn totals_count_statuses_and_sum_stages_over_processed_files() {
        let (_, records, finished) = run();
        let t = totals(&records, &finished);
        assert_eq!((t.files, t.ok, t.skipped, t.failed), (4, 2, 1, 1));
        assert_eq!(t.removed_temporaries, 3);
        assert_eq!(t.images_per_second, 4.0);
        let stages: Vec<(&str, f64)> = t.timings.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(
            stages,
            [
                ("decode_ms", 40.0),
                ("edges_ms", 1.0),
                ("encode_ms", 2.5),
                ("histogram_ms", 0.5)
            ]
        );
        assert_eq!(
            t.summary(),
            "2 done, 1 skipped, 1 failed in 0.50 s (4.0 images/s); removed 3 stale temporary \
             files; summed over workers: decode 0.04 s, edges 0.00 s, encode 0.00 s, histogram 0.00 s"
        );
        let json: Value = serde_json::from_str(&t.timings_json()).unwrap();
        assert_eq!(
            json,
            json!({"decode_ms": 40.0, "edges_ms": 1.0, "encode_ms": 2.5, "histogram_ms": 0.5, "total_ms": 500.0})
        );
    }

    #[test]
    fn the_written_report_has_every_file_in_order_with_only_the_fields_that_apply() {
        let (plan, records, finished) = run();
        let totals = totals(&records, &finished);
        let mut entries = Entries::new(4).unwrap();
        for (place, record) in &records {
            entries.add(*place, record).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let report = Report {
            in_dir: Path::new("/data/in"),
            out_dir: Path::new("/data/out"),
            shard: Some(Shard::new(1, 4).unwrap()),
            options: json!({"threshold": "auto"}),
            totals: &totals,
        };
        report.write(&path, &plan, entries).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        assert!(text.find("\"in_dir\"").unwrap() < text.find("\"files\"").unwrap());
        assert!(text.find("\"files\"").unwrap() < text.find("\"totals\"").unwrap());
        assert_eq!(json["in_dir"], "/data/in");
        assert_eq!(json["out_dir"], "/data/out");
        assert_eq!(json["shard"], json!({"index": 1, "count": 4}));
        assert_eq!(json["options"]["threshold"], "auto");
        assert_eq!(json["totals"], serde_json::to_value(&totals).unwrap());
        let files = json["files"].as_array().unwrap();
        let inputs: Vec<&str> = files.iter().map(|f| f["input"].as_str().unwrap()).collect();
        assert_eq!(inputs, ["a.png", "b.png", "c.png", "d/e.png"]);
        assert_eq!(
            files[0],
            json!({"input": "a.png", "output": "a.png.png", "status": "ok", "width": 4,
                   "height": 2, "edge_fraction": 0.25, "threshold": 0.1, "milliseconds": 12.0,
                   "timings": {"decode_ms": 10.0, "histogram_ms": 0.5, "encode_ms": 2.5}})
        );
        assert_eq!(
            files[2],
            json!({"input": "c.png", "output": "c.png.png", "status": "skipped"})
        );
        assert_eq!(
            files[3],
            json!({"input": "d/e.png", "output": null, "status": "failed", "error": "corrupt"})
        );
        let entry = &text[text.find("\"a.png\"").unwrap()..];
        // The stages in the order they ran, not alphabetical.
        assert!(entry.find("histogram_ms").unwrap() < entry.find("encode_ms").unwrap());
    }

    #[test]
    fn an_empty_run_sums_to_zero() {
        let finished = Finished {
            removed_temporaries: 0,
            elapsed: Duration::from_secs(2),
        };
        let totals = totals(&[], &finished);
        assert_eq!(totals.files, 0);
        assert!(totals
            .summary()
            .starts_with("0 done, 0 skipped, 0 failed in 2.00 s"));
    }
}
