//! Where plans come from: files, folders of `.txt` files, standard input, a CSV
//! export from a form, or JSON lines. Rows are read lazily, one at a time.

use planmark::error::{Error, read_text};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Plans longer than this are refused: no essay plan is a mebibyte.
pub const PLAN_LIMIT: u64 = 1024 * 1024;

/// One plan to grade.
#[derive(Debug, Clone)]
pub struct PlanItem {
    pub id: String,
    pub text: String,
}

/// A plan that could not be read, with the reason.
#[derive(Debug)]
pub struct ItemError {
    pub id: String,
    pub message: String,
}

pub type Item = Result<PlanItem, ItemError>;

/// Reads standard input to the end (up to the plan limit).
pub fn read_stdin() -> Result<String, Error> {
    let mut bytes = Vec::new();
    let path = PathBuf::from("<stdin>");
    std::io::stdin()
        .lock()
        .take(PLAN_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    if bytes.len() as u64 > PLAN_LIMIT {
        return Err(Error::TooLarge {
            path,
            size: bytes.len() as u64,
            limit: PLAN_LIMIT,
            what: "a plan",
        });
    }
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path,
        offset: e.utf8_error().valid_up_to(),
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
                .filter(|f| {
                    f.is_file()
                        && matches!(f.extension().and_then(|e| e.to_str()), Some("txt" | "md"))
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::Io {
                    path: p.clone(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "the folder holds no .txt or .md plans",
                    ),
                });
            }
            expanded.extend(files);
        } else {
            expanded.push(p.clone());
        }
    }
    Ok(Box::new(expanded.into_iter().map(|p| {
        if p.as_os_str() == "-" {
            return read_stdin()
                .map(|text| PlanItem {
                    id: "stdin".into(),
                    text,
                })
                .map_err(|e| ItemError {
                    id: "stdin".into(),
                    message: e.to_string(),
                });
        }
        let id = plan_id(&p);
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

fn plan_id(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Plans from a CSV file, one per row.
pub fn from_csv(
    path: &Path,
    text_column: Option<&str>,
    id_column: Option<&str>,
) -> Result<Box<dyn Iterator<Item = Item>>, Error> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let rows = planmark::interchange::classlist::read_csv(file, text_column, id_column, PLAN_LIMIT)
        .map_err(|message| bad_input(path, message))?;
    let shown = path.display().to_string();
    Ok(Box::new(rows.map(move |row| {
        row.map(|(id, text)| PlanItem { id, text })
            .map_err(|(id, message)| ItemError {
                id,
                message: format!("cannot read {shown}: {message}"),
            })
    })))
}

fn bad_input(path: &Path, message: String) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    }
}

#[derive(serde::Deserialize)]
struct JsonPlan {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(alias = "plan")]
    text: String,
}

/// Plans from a JSON-lines file: `{"id": ..., "text": ...}` per line.
pub fn from_jsonl(path: &Path) -> Result<Box<dyn Iterator<Item = Item>>, Error> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = std::io::BufReader::new(file);
    Ok(Box::new(reader.split(b'\n').enumerate().filter_map(
        |(i, line)| {
            let n = i + 1;
            let id = format!("line {n}");
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    return Some(Err(ItemError {
                        id,
                        message: e.to_string(),
                    }));
                }
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                return None;
            }
            let line = match String::from_utf8(line) {
                Ok(l) => l,
                Err(_) => {
                    return Some(Err(ItemError {
                        id,
                        message: format!("line {n} is not UTF-8 text"),
                    }));
                }
            };
            Some(
                serde_json::from_str::<JsonPlan>(&line)
                    .map(|p| PlanItem {
                        id: match p.id {
                            Some(serde_json::Value::String(s)) => s,
                            Some(serde_json::Value::Null) | None => id.clone(),
                            Some(other) => other.to_string(),
                        },
                        text: p.text,
                    })
                    .map_err(|e| ItemError {
                        id: id.clone(),
                        message: format!(
                            "line {n}: {e}; each line must be {{\"id\": ..., \"text\": \"...\"}}"
                        ),
                    }),
            )
        },
    )))
}
