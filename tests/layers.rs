//! The library's layers, checked: each module of `src/` refers only to the layers it may use
//! (ARCHITECTURE.md, "Invariants"). Code and doc links alike are read, so a doc link that
//! points up the layers is caught too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module of the library and the crate modules it may refer to (besides itself).
const ALLOWED: &[(&str, &[&str])] = &[
    ("numeric", &[]),
    ("io", &["numeric"]),
    ("image", &["io"]),
    ("detect", &["image", "numeric", "timings"]),
    ("batch", &["io"]),
    ("video", &["detect", "image", "io", "timings"]),
    ("timings", &[]),
    ("alloc", &[]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate modules a source text names through `crate::` or `$crate::`.
fn referenced(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .map(|(i, _)| {
            text[i + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

#[test]
fn every_layer_refers_only_to_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for &(layer, allowed) in ALLOWED {
        let mut files = Vec::new();
        let dir = src.join(layer);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let single = src.join(format!("{layer}.rs"));
        if single.is_file() {
            files.push(single);
        }
        assert!(!files.is_empty(), "no source for layer {layer}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for module in referenced(&text) {
                if module != layer && !allowed.contains(&module.as_str()) {
                    problems.push(format!("{}: refers to crate::{module}", file.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_references_in_code_and_doc_links() {
    let text = "use crate::image::Luma;\n/// [`x`](crate::io::npy::AnyArray)\n$crate::detect::y!()";
    let found: Vec<String> = referenced(text).into_iter().collect();
    assert_eq!(found, ["detect", "image", "io"]);
}
