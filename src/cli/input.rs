//! Where plans come from: files, folders of plans, standard input, a CSV
//! export from a form, or JSON lines. Rows are read lazily, one at a time;
//! the readers and the size limit live in the library (`planmark::input`).

use planmark::error::{Error, read_text};
use planmark::input::{INPUT_LIMIT, stdin_path};
pub use planmark::input::{Item, ItemError, PlanItem};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Plans longer than this are refused: no essay plan is a mebibyte.
pub const PLAN_LIMIT: u64 = INPUT_LIMIT;

/// Reads standard input to the end (up to the plan limit).
pub fn read_stdin() -> Result<String, Error> {
    planmark::input::read_limited(std::io::stdin().lock(), PLAN_LIMIT, &stdin_path(), "a plan")
}

/// Whether a file in a folder is a plan: `.txt`, `.text` or `.md`, in any case.
fn is_plan_file(f: &Path) -> bool {
    f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["txt", "text", "md"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Plans from files and folders (`-` is standard input).
pub fn from_paths(paths: &[PathBuf]) -> Result<Box<dyn Iterator<Item = Item>>, Error> {
    let mut expanded: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            expanded.push(p.clone());
        } else if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| Error::Io {
                    path: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && is_plan_file(f))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::Io {
                    path: p.clone(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "the folder holds no .txt, .text or .md plans",
                    ),
                });
            }
            expanded.extend(files);
        } else {
            expanded.push(p.clone());
        }
    }
    let ids = plan_ids(&expanded);
    Ok(Box::new(expanded.into_iter().zip(ids).map(|(p, id)| {
        if p.as_os_str() == "-" {
            return read_stdin()
                .map(|text| PlanItem {
                    id: id.clone(),
                    text,
                })
                .map_err(|e| ItemError {
                    id,
                    message: e.to_string(),
                });
        }
        read_text(&p, PLAN_LIMIT, "a plan")
            .map(|text| PlanItem {
                id: id.clone(),
                text,
            })
            .map_err(|e| ItemError {
                id,
                message: e.to_string(),
            })
    })))
}

/// An id per plan: the file's stem (`ann` for `ann.txt`), or its whole name
/// when two files share a stem (`ann.txt`, `ann.md`), numbered if even that
/// repeats (the same name in two folders).
fn plan_ids(paths: &[PathBuf]) -> Vec<String> {
    let stem = |p: &Path| {
        if p.as_os_str() == "-" {
            return "stdin".to_string();
        }
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let mut stems: HashMap<String, usize> = HashMap::new();
    for p in paths {
        *stems.entry(stem(p)).or_default() += 1;
    }
    let mut used: HashMap<String, usize> = HashMap::new();
    paths
        .iter()
        .map(|p| {
            let s = stem(p);
            let base = if stems[&s] > 1 {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or(s)
            } else {
                s
            };
            let n = used.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base} ({n})")
            }
        })
        .collect()
}

/// Plans from a CSV file (`-` is standard input), one per row.
pub fn from_csv(
    path: &Path,
    text_column: Option<&str>,
    id_column: Option<&str>,
) -> Result<Box<dyn Iterator<Item = Item>>, Error> {
    if path.as_os_str() == "-" {
        return planmark::input::csv_plans(std::io::stdin(), &stdin_path(), text_column, id_column);
    }
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    planmark::input::csv_plans(file, path, text_column, id_column)
}

/// Plans from a JSON-lines file (`-` is standard input).
pub fn from_jsonl(path: &Path) -> Result<Box<dyn Iterator<Item = Item>>, Error> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(planmark::input::jsonl_plans(std::io::stdin())));
    }
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Box::new(planmark::input::jsonl_plans(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_sharing_a_stem_get_distinct_ids() {
        let ids = plan_ids(&[
            PathBuf::from("a/ann.md"),
            PathBuf::from("a/ann.txt"),
            PathBuf::from("a/bob.TXT"),
            PathBuf::from("b/bob.TXT"),
        ]);
        assert_eq!(ids, ["ann.md", "ann.txt", "bob.TXT", "bob.TXT (2)"]);
    }
}
