//! What a batch run processes and where each result goes: walk the input tree, keep the image
//! files, leave the output folder out, name every output, sort.
//!
//! **Output naming.** The output of `IN_DIR/REL/NAME` is `OUT_DIR/REL/NAME.png`: the input's whole
//! file name, extension included, with `.png` appended (`photos/a.jpg` → `photos/a.jpg.png`,
//! `photos/a.png` → `photos/a.png.png`). Appending never maps two inputs to one output, and the
//! input's name is the output's name without its last `.png`. Files written beside an output
//! (*companions*, such as the edge points `batch --points csv` writes) are named the same way
//! with their own extension (`photos/a.jpg.csv`): [`companion_of`].

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::shard::Shard;

/// One input file and its output, both relative to their folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The input image, relative to the input folder.
    pub input: PathBuf,
    /// The output picture, relative to the output folder ([`output_name`] of `input`).
    pub output: PathBuf,
}

/// A path under the input folder that could not be read while walking it (a folder without
/// permission, a broken link, a link loop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The path, relative to the input folder.
    pub path: PathBuf,
    /// Why it could not be read.
    pub error: String,
}

/// Why a plan could not be made: all are mistakes in the folders given.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The input folder does not exist or is not a folder.
    #[error("input folder {}: {source}", .path.display())]
    InDir {
        /// The folder as given.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The output folder could not be created or resolved.
    #[error("output folder {}: {source}", .path.display())]
    OutDir {
        /// The folder as given.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The output folder is the input folder or contains it: outputs would mix with inputs.
    #[error(
        "output folder {} is or contains the input folder {}: give an output folder outside it \
         (a subfolder of the input folder is fine)",
        .out_dir.display(), .in_dir.display()
    )]
    OutDirContainsInDir {
        /// The input folder.
        in_dir: PathBuf,
        /// The output folder.
        out_dir: PathBuf,
    },
}

/// The files of one batch run, sorted by input path: the images to process and the paths that
/// could not be read.
///
/// ```
/// use edgegrad::batch::plan::FolderPlan;
/// let root = tempfile::tempdir()?;
/// std::fs::create_dir(root.path().join("in"))?;
/// std::fs::write(root.path().join("in/b.JPG"), b"")?;
/// std::fs::write(root.path().join("in/a.png"), b"")?;
/// std::fs::write(root.path().join("in/notes.txt"), b"")?;
/// let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out"))?;
/// let outputs: Vec<_> = plan.jobs.iter().map(|j| j.output.to_str().unwrap()).collect();
/// assert_eq!(outputs, ["a.png.png", "b.JPG.png"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FolderPlan {
    /// The input folder, resolved (absolute, links followed).
    pub in_dir: PathBuf,
    /// The output folder, resolved (absolute, links followed).
    pub out_dir: PathBuf,
    /// The images, sorted by input path.
    pub jobs: Vec<Job>,
    /// The paths that could not be read, sorted.
    pub unreadable: Vec<Unreadable>,
    /// The extensions of the files written beside each output ([`companion_of`]), if any.
    pub companions: Vec<String>,
}

impl FolderPlan {
    /// Walks `in_dir` recursively (following links) and plans one output under `out_dir` per
    /// image file. `out_dir` is created if missing; when it lies inside `in_dir` it is not
    /// walked, so outputs never become inputs. Files whose extension is not a readable image
    /// format (case-insensitive) are left out.
    pub fn new(in_dir: &Path, out_dir: &Path) -> Result<FolderPlan, PlanError> {
        let in_abs = resolve_dir(in_dir).map_err(|source| PlanError::InDir {
            path: in_dir.to_path_buf(),
            source,
        })?;
        let out_abs = fs::create_dir_all(out_dir)
            .and_then(|()| resolve_dir(out_dir))
            .map_err(|source| PlanError::OutDir {
                path: out_dir.to_path_buf(),
                source,
            })?;
        if in_abs.starts_with(&out_abs) {
            return Err(PlanError::OutDirContainsInDir {
                in_dir: in_dir.to_path_buf(),
                out_dir: out_dir.to_path_buf(),
            });
        }
        let mut jobs = Vec::new();
        let mut unreadable = Vec::new();
        let walk = WalkDir::new(&in_abs)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| !(e.file_type().is_dir() && is_same_dir(e.path(), &out_abs)));
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && is_image_path(e.path()) => {
                    let input = relative(e.path(), &in_abs);
                    let output = output_name(&input);
                    jobs.push(Job { input, output });
                }
                Ok(_) => {}
                Err(err) => unreadable.push(Unreadable {
                    path: err
                        .path()
                        .map_or_else(PathBuf::new, |p| relative(p, &in_abs)),
                    error: walk_error_message(&err),
                }),
            }
        }
        jobs.sort_by(|a, b| a.input.cmp(&b.input));
        unreadable.sort_by(|a, b| a.path.cmp(&b.path).then(a.error.cmp(&b.error)));
        Ok(FolderPlan {
            in_dir: in_abs,
            out_dir: out_abs,
            jobs,
            unreadable,
            companions: Vec::new(),
        })
    }

    /// The plan with a file of extension `extension` written beside each output
    /// ([`companion_of`]): resuming skips a job only when both exist, and the temporary files
    /// of both are cleaned up.
    ///
    /// ```
    /// use edgegrad::batch::plan::FolderPlan;
    /// let root = tempfile::tempdir()?;
    /// std::fs::create_dir(root.path().join("in"))?;
    /// std::fs::write(root.path().join("in/a.jpg"), b"")?;
    /// let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out"))?
    ///     .with_companion("csv");
    /// let job = &plan.jobs[0];
    /// assert_eq!(plan.companion_paths(job), vec![plan.out_dir.join("a.jpg.csv")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_companion(mut self, extension: &str) -> FolderPlan {
        self.companions.push(extension.to_string());
        self
    }

    /// The files written beside the output of `job`, one per companion extension.
    pub fn companion_paths(&self, job: &Job) -> Vec<PathBuf> {
        let output = self.output_path(job);
        self.companions
            .iter()
            .map(|e| companion_of(&output, e))
            .collect()
    }

    /// Keeps only the images and unreadable paths that belong to `shard`.
    ///
    /// ```
    /// use edgegrad::batch::{plan::FolderPlan, shard::Shard};
    /// let root = tempfile::tempdir()?;
    /// std::fs::create_dir(root.path().join("in"))?;
    /// for i in 0..10 { std::fs::write(root.path().join(format!("in/{i}.png")), b"")?; }
    /// let plan = FolderPlan::new(&root.path().join("in"), &root.path().join("out"))?;
    /// let sizes: Vec<usize> = (0..3)
    ///     .map(|k| plan.clone().shard(Shard::new(k, 3).unwrap()).jobs.len())
    ///     .collect();
    /// assert_eq!(sizes.iter().sum::<usize>(), 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shard(mut self, shard: Shard) -> FolderPlan {
        self.jobs.retain(|j| shard.contains(&j.input));
        self.unreadable.retain(|u| shard.contains(&u.path));
        self
    }

    /// The input file of `job`.
    pub fn input_path(&self, job: &Job) -> PathBuf {
        self.in_dir.join(&job.input)
    }

    /// The output file of `job`.
    pub fn output_path(&self, job: &Job) -> PathBuf {
        self.out_dir.join(&job.output)
    }
}

/// The output path for an input path: the same path with `.png` appended to the file name.
///
/// ```
/// use std::path::Path;
/// use edgegrad::batch::plan::output_name;
/// assert_eq!(output_name(Path::new("x/a.jpg")), Path::new("x/a.jpg.png"));
/// assert_eq!(output_name(Path::new("a.png")), Path::new("a.png.png"));
/// ```
pub fn output_name(input: &Path) -> PathBuf {
    let mut name = OsString::from(input.file_name().unwrap_or_default());
    name.push(".png");
    input.with_file_name(name)
}

/// The file of extension `extension` beside the output `output` (named by [`output_name`]):
/// the output's name with its last `.png` replaced by `.EXTENSION`, which is the input's name
/// with `.EXTENSION` appended.
///
/// ```
/// use std::path::Path;
/// use edgegrad::batch::plan::companion_of;
/// assert_eq!(companion_of(Path::new("x/a.jpg.png"), "csv"), Path::new("x/a.jpg.csv"));
/// assert_eq!(companion_of(Path::new("a.png.png"), "svg"), Path::new("a.png.svg"));
/// ```
pub fn companion_of(output: &Path, extension: &str) -> PathBuf {
    let mut name = output.file_stem().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(extension);
    output.with_file_name(name)
}

/// True when `path`'s extension (any case) names an image format this build can read.
///
/// ```
/// use std::path::Path;
/// use edgegrad::batch::plan::is_image_path;
/// assert!(is_image_path(Path::new("a.JPeG")));
/// assert!(is_image_path(Path::new("dir/b.tif")));
/// assert!(!is_image_path(Path::new("notes.txt")));
/// assert!(!is_image_path(Path::new("png")));
/// ```
pub fn is_image_path(path: &Path) -> bool {
    path.extension()
        .and_then(image::ImageFormat::from_extension)
        .is_some_and(|f| f.reading_enabled())
}

/// `dir` made absolute with every link followed; an error if it is not a folder.
fn resolve_dir(dir: &Path) -> io::Result<PathBuf> {
    let abs = fs::canonicalize(dir)?;
    if abs.is_dir() {
        Ok(abs)
    } else {
        Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder"))
    }
}

/// True when the folder at `path` (reached through any links) is `resolved`.
fn is_same_dir(path: &Path, resolved: &Path) -> bool {
    path == resolved || fs::canonicalize(path).is_ok_and(|p| p == resolved)
}

/// `path` relative to `root` (which it lies under, as the walk produced it).
fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A walk error's cause without the path, which the report gives separately.
fn walk_error_message(err: &walkdir::Error) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!("link loop back to {}", ancestor.display());
    }
    err.io_error()
        .map_or_else(|| err.to_string(), |e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"x").unwrap();
    }

    fn inputs(plan: &FolderPlan) -> Vec<String> {
        plan.jobs
            .iter()
            .map(|j| j.input.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn walks_nested_folders_keeps_images_names_outputs_without_clashes() {
        let root = tempfile::tempdir().unwrap();
        let in_dir = root.path().join("in");
        for rel in [
            "z.png",
            "a.jpg",
            "a.png",
            "a.PNG",
            "deep/er/b.TIFF",
            "deep/c.webp",
            "deep/README.md",
            "notes.txt",
            "noext",
            "deep/.hidden.bmp",
        ] {
            touch(&in_dir, rel);
        }
        let plan = FolderPlan::new(&in_dir, &root.path().join("out")).unwrap();
        assert_eq!(
            inputs(&plan),
            [
                "a.PNG",
                "a.jpg",
                "a.png",
                "deep/.hidden.bmp",
                "deep/c.webp",
                "deep/er/b.TIFF",
                "z.png"
            ]
        );
        let outputs: Vec<_> = plan.jobs.iter().map(|j| j.output.clone()).collect();
        assert_eq!(outputs[1], Path::new("a.jpg.png"));
        assert_eq!(outputs[2], Path::new("a.png.png"));
        assert_eq!(outputs[5], Path::new("deep/er/b.TIFF.png"));
        let mut unique = outputs.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), outputs.len());
        assert!(plan.unreadable.is_empty());
        assert!(plan.out_dir.is_dir());
    }

    #[test]
    fn an_output_folder_inside_the_input_folder_is_not_walked() {
        let root = tempfile::tempdir().unwrap();
        let in_dir = root.path().join("in");
        touch(&in_dir, "a.png");
        touch(&in_dir, "results/old.png.png");
        touch(&in_dir, "resultsX/b.png");
        let plan = FolderPlan::new(&in_dir, &in_dir.join("results")).unwrap();
        assert_eq!(inputs(&plan), ["a.png", "resultsX/b.png"]);
        let spelled = FolderPlan::new(&in_dir, &in_dir.join("resultsX/../results")).unwrap();
        assert_eq!(inputs(&spelled), ["a.png", "resultsX/b.png"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_the_output_folder_is_not_walked_and_broken_links_are_reported() {
        let root = tempfile::tempdir().unwrap();
        let in_dir = root.path().join("in");
        touch(&in_dir, "a.png");
        touch(&root.path().join("out"), "a.png.png");
        std::os::unix::fs::symlink(root.path().join("out"), in_dir.join("link")).unwrap();
        std::os::unix::fs::symlink(root.path().join("missing"), in_dir.join("gone.png")).unwrap();
        let plan = FolderPlan::new(&in_dir, &root.path().join("out")).unwrap();
        assert_eq!(inputs(&plan), ["a.png"]);
        assert_eq!(plan.unreadable.len(), 1);
        assert_eq!(plan.unreadable[0].path, Path::new("gone.png"));
        assert!(
            plan.unreadable[0].error.contains("No such file"),
            "{:?}",
            plan.unreadable
        );
    }

    #[test]
    fn refuses_an_output_folder_that_is_or_contains_the_input_folder() {
        let root = tempfile::tempdir().unwrap();
        let in_dir = root.path().join("data/in");
        touch(&in_dir, "a.png");
        for out in [
            in_dir.clone(),
            in_dir.join("."),
            root.path().join("data"),
            root.path().to_path_buf(),
        ] {
            let err = FolderPlan::new(&in_dir, &out).unwrap_err();
            assert!(
                matches!(err, PlanError::OutDirContainsInDir { .. }),
                "{err}"
            );
        }
    }

    #[test]
    fn refuses_a_missing_input_folder_or_a_file_as_either_folder() {
        let root = tempfile::tempdir().unwrap();
        touch(root.path(), "file.png");
        let err = FolderPlan::new(&root.path().join("nope"), &root.path().join("out")).unwrap_err();
        assert!(matches!(err, PlanError::InDir { .. }), "{err}");
        assert!(err.to_string().contains("nope"), "{err}");
        let err =
            FolderPlan::new(&root.path().join("file.png"), &root.path().join("out")).unwrap_err();
        assert!(matches!(err, PlanError::InDir { .. }), "{err}");
        let err = FolderPlan::new(root.path(), &root.path().join("file.png")).unwrap_err();
        assert!(matches!(err, PlanError::OutDir { .. }), "{err}");
    }
}
