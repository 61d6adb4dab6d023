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

const TEXT_COLUMN_GUESSES: &[&str] = &["plan", "text", "answer", "response", "essay plan", "essay"];
const ID_COLUMN_GUESSES: &[&str] = &[
    "id",
    "student",
    "name",
    "student name",
    "email",
    "candidate",
];

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
    // Spreadsheets in some countries export with `;` or tabs: take whichever
    // separator the header line uses most.
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(&file), &mut first).map_err(
        |source| Error::Io {
            path: path.to_path_buf(),
            source,
        },
    )?;
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(file);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns = headers.join(", ");
    let text_idx = match text_column {
        Some(name) => find(name).ok_or_else(|| bad_input(path, format!(
            "the CSV has no column `{name}`; use `--text-column NAME`; the CSV has columns: {columns}"
        )))?,
        None => TEXT_COLUMN_GUESSES
            .iter()
            .find_map(|g| find(g))
            .ok_or_else(|| bad_input(path, format!(
                "cannot tell which column holds the plans; use `--text-column NAME`; the CSV has columns: {columns}"
            )))?,
    };
    let id_idx = match id_column {
        Some(name) => Some(find(name).ok_or_else(|| bad_input(path, format!(
            "the CSV has no column `{name}`; use `--id-column NAME`; the CSV has columns: {columns}"
        )))?),
        None => ID_COLUMN_GUESSES.iter().find_map(|g| find(g)),
    };
    let path = path.to_path_buf();
    Ok(Box::new(reader.into_records().enumerate().map(
        move |(i, rec)| {
            // Row 1 is the header, so the first record is line 2 of a simple file.
            let row_id = format!("row {}", i + 2);
            let rec = rec.map_err(|e| ItemError {
                id: row_id.clone(),
                message: csv_error(&path, &e).to_string(),
            })?;
            let id = id_idx
                .and_then(|j| rec.get(j))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map_or(row_id.clone(), str::to_string);
            let text = rec.get(text_idx).ok_or_else(|| ItemError {
                id: id.clone(),
                message: format!("{row_id} has no value in the plan column"),
            })?;
            if text.len() as u64 > PLAN_LIMIT {
                return Err(ItemError {
                    id,
                    message: format!("the plan is over the {PLAN_LIMIT}-byte limit"),
                });
            }
            Ok(PlanItem {
                id,
                text: text.to_string(),
            })
        },
    )))
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e
        .position()
        .map(|p| format!(" (line {})", p.line()))
        .unwrap_or_default();
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the CSV is not UTF-8 text; export it as \"CSV UTF-8\"".to_string()
        }
        _ => e.to_string(),
    };
    bad_input(path, format!("{what}{line}"))
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
