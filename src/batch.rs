//! Whole folder trees: plan the files, pick a shard, run them in parallel, report.
//!
//! The pieces are independent of how one image is processed: [`run::run`] takes the per-file
//! work as a function, so the `batch` command passes the detection pipeline and tests pass
//! anything.
//!
//! ```
//! use edgegrad::batch::{plan::Plan, report::Totals, run::{run, Processed, RunOptions}, shard::Shard};
//! let root = tempfile::tempdir()?;
//! std::fs::create_dir_all(root.path().join("in/day1"))?;
//! std::fs::write(root.path().join("in/day1/a.jpg"), b"...")?;
//! let plan = Plan::new(&root.path().join("in"), &root.path().join("out"))?
//!     .shard(Shard::new(0, 1)?);
//! let options = RunOptions { jobs: 2, skip_existing: false };
//! let outcome = run(&plan, &options, |_input, output| {
//!     edgegrad::io::write_atomically(output, |w| w.write_all(b"edges"))?;
//!     Ok::<_, std::io::Error>(Processed::default())
//! }, |_record| {})?;
//! assert!(root.path().join("out/day1/a.jpg.png").is_file());
//! assert_eq!(Totals::new(&outcome).ok, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod plan;
pub mod report;
pub mod run;
pub mod shard;
