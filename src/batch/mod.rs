//! Whole folder trees: plan the files, pick a shard, run them in parallel, record each file.
//!
//! The pieces are independent of how one image is processed: [`runner::run_plan`] takes the per-file
//! work as a function, so the `batch` command passes the detection pipeline and tests pass
//! anything.
//!
//! ```
//! use edgegrad::batch::{plan::FolderPlan, runner::{run_plan, Processed, RunOptions, Status}, shard::Shard};
//! let root = tempfile::tempdir()?;
//! std::fs::create_dir_all(root.path().join("in/day1"))?;
//! std::fs::write(root.path().join("in/day1/a.jpg"), b"...")?;
//! let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out"))?
//!     .shard(Shard::new(0, 1)?);
//! let options = RunOptions { jobs: 2, skip_existing: false };
//! let outcome = run_plan(&plan, &options, |_input, output| {
//!     edgegrad::io::atomic::write_atomically(output, |w| w.write_all(b"edges"))?;
//!     Ok::<_, std::io::Error>(Processed::default())
//! }, |_record| {})?;
//! assert!(root.path().join("out/day1/a.jpg.png").is_file());
//! assert_eq!(outcome.count(Status::Ok), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod plan;
pub mod runner;
pub mod shard;
