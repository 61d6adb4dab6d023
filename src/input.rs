//! Reading what people hand planmark — plan files, standard input, CSV exports,
//! JSON lines, typed lines — under one size limit, [`INPUT_LIMIT`]. Every
//! reader streams and stops as soon as the limit is passed, so a 5 GB file or
//! a 300 MB line costs no more memory than the limit. UTF-16 text (with its
//! byte-order mark, as some spreadsheets save) is decoded; a UTF-8 mark is
//! dropped.

use crate::error::Error;
use std::cell::RefCell;
use std::collections::HashSet;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The most planmark reads as one plan: a file, standard input, one CSV row,
/// one JSON line, a typed plan or a web form. No essay plan comes near it.
pub const INPUT_LIMIT: u64 = 1024 * 1024;

/// The limit in words, for messages: "1 MiB".
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Wraps a byte source so UTF-16 with a byte-order mark comes out as UTF-8
/// and a UTF-8 mark is dropped; anything else passes through unchanged.
pub fn decoded<R: Read>(reader: R) -> impl Read {
    encoding_rs_io::DecodeReaderBytesBuilder::new()
        .bom_sniffing(true)
        .strip_bom(true)
        .utf8_passthru(true)
        .build(reader)
}

/// Reads all of `reader` as UTF-8 text, refusing more than `limit` bytes
/// without reading further. `path` and `what` name it in errors.
pub fn read_limited(
    reader: impl Read,
    limit: u64,
    path: &Path,
    what: &'static str,
) -> Result<String, Error> {
    let mut bytes = Vec::new();
    decoded(reader)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: None,
            limit,
            what,
        });
    }
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// One line read by [`read_line_limited`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitedLine {
    /// The line's bytes, without its `\n` (a `\r` before it is kept).
    Line(Vec<u8>),
    /// The line was longer than the limit; it was read past, not kept.
    TooLong { bytes: u64 },
}

/// Reads one `\n`-terminated line, keeping at most `limit` bytes of it: a
/// longer line is consumed to its end without being stored. `None` at the
/// end of input. For JSON lines and lines typed at a prompt.
pub fn read_line_limited<R: BufRead + ?Sized>(
    reader: &mut R,
    limit: u64,
) -> io::Result<Option<LimitedLine>> {
    let mut line = Vec::new();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        total += chunk.len() as u64;
        if total <= limit {
            line.extend_from_slice(chunk);
        } else if !line.is_empty() {
            line = Vec::new();
        }
        let used = done.unwrap_or(buf.len());
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    Ok(match (any, total > limit) {
        (false, _) => None,
        (true, true) => Some(LimitedLine::TooLong { bytes: total }),
        (true, false) => Some(LimitedLine::Line(line)),
    })
}

/// One plan to grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub id: String,
    pub text: String,
}

/// A plan that could not be read, with the reason (which does not repeat
/// the id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub id: String,
    pub message: String,
}

pub type Item = Result<PlanItem, ItemError>;

#[derive(serde::Deserialize)]
struct JsonPlan {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(alias = "plan")]
    text: String,
}

/// Plans from JSON lines, `{"id": ..., "text": ...}` per line; blank lines
/// are skipped and each line may hold at most [`INPUT_LIMIT`] bytes.
pub fn jsonl_plans<R: Read + 'static>(reader: R) -> impl Iterator<Item = Item> {
    let mut reader = io::BufReader::new(decoded(reader));
    let mut n = 0usize;
    std::iter::from_fn(move || {
        loop {
            n += 1;
            let id = format!("line {n}");
            let line = match read_line_limited(&mut reader, INPUT_LIMIT) {
                Ok(None) => return None,
                Ok(Some(LimitedLine::Line(l))) => l,
                Ok(Some(LimitedLine::TooLong { bytes })) => {
                    return Some(Err(ItemError {
                        id,
                        message: format!(
                            "the line is {bytes} bytes, more than the {} limit for a plan",
                            human_size(INPUT_LIMIT)
                        ),
                    }));
                }
                Err(e) => {
                    return Some(Err(ItemError {
                        id,
                        message: e.to_string(),
                    }));
                }
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Ok(line) = String::from_utf8(line) else {
                return Some(Err(ItemError {
                    id,
                    message: "not UTF-8 text".into(),
                }));
            };
            return Some(
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
                            "{e}; each line must be {{\"id\": ..., \"text\": \"...\"}}"
                        ),
                    }),
            );
        }
    })
}

/// Header names tried, in order, when no plan column is named.
pub const TEXT_COLUMN_GUESSES: &[&str] =
    &["plan", "text", "answer", "response", "essay plan", "essay"];
/// Header names tried, in order, when no student column is named.
pub const ID_COLUMN_GUESSES: &[&str] = &[
    "id",
    "student",
    "name",
    "student name",
    "email",
    "candidate",
];

/// At most this many column names are listed in a message.
const COLUMNS_SHOWN: usize = 20;

fn column_list(headers: &[String]) -> String {
    let mut list = headers
        .iter()
        .take(COLUMNS_SHOWN)
        .map(|h| {
            let h: String = h.chars().take(40).collect();
            crate::display::clean(&h).into_owned()
        })
        .collect::<Vec<_>>()
        .join(", ");
    if headers.len() > COLUMNS_SHOWN {
        list.push_str(&format!(" … and {} more", headers.len() - COLUMNS_SHOWN));
    }
    list
}

/// Plans from a CSV export, one per row. The separator (`,`, `;` or tab) is
/// the one the header line uses most. The source is read once, in order (a
/// pipe works), and no row may be longer than [`INPUT_LIMIT`]. A quote that
/// is never closed, or that closes in the middle of a cell after running over
/// several lines, would merge students' plans: such rows come back as errors
/// naming their lines.
pub fn csv_plans<R: Read + 'static>(
    reader: R,
    path: &Path,
    text_column: Option<&str>,
    id_column: Option<&str>,
) -> Result<Box<dyn Iterator<Item = Item>>, Error> {
    let mut reader = io::BufReader::new(decoded(reader));
    let first = match read_line_limited(&mut reader, INPUT_LIMIT).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })? {
        Some(LimitedLine::Line(l)) => l,
        Some(LimitedLine::TooLong { .. }) => {
            return Err(bad_input(
                path,
                format!(
                    "the header line is more than the {} limit; is this a CSV file?",
                    human_size(INPUT_LIMIT)
                ),
            ));
        }
        None => return Err(bad_input(path, "the CSV is empty".into())),
    };
    // Spreadsheets in some countries export with `;` or tabs.
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut head = first;
    head.push(b'\n');
    let guard = RowGuard::new(io::Cursor::new(head).chain(reader), delimiter, INPUT_LIMIT);
    let state = guard.state.clone();
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(guard);
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if state.borrow().oversized.contains(&0) {
        return Err(bad_input(
            path,
            format!(
                "the header row is more than the {} limit",
                human_size(INPUT_LIMIT)
            ),
        ));
    }
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns = column_list(&headers);
    let text_idx = match text_column {
        Some(name) => find(name).ok_or_else(|| {
            bad_input(
                path,
                format!(
                    "the CSV has no column `{name}`; use `--text-column NAME`; the CSV has columns: {columns}"
                ),
            )
        })?,
        None => TEXT_COLUMN_GUESSES.iter().find_map(|g| find(g)).ok_or_else(|| {
            bad_input(
                path,
                format!(
                    "cannot tell which column holds the plans; use `--text-column NAME`; the CSV has columns: {columns}"
                ),
            )
        })?,
    };
    let id_idx = match id_column {
        Some(name) => Some(find(name).ok_or_else(|| {
            bad_input(
                path,
                format!(
                    "the CSV has no column `{name}`; use `--id-column NAME`; the CSV has columns: {columns}"
                ),
            )
        })?),
        None => ID_COLUMN_GUESSES.iter().find_map(|g| find(g)),
    };
    let path = path.to_path_buf();
    Ok(Box::new(csv.into_records().map(move |rec| {
        let rec = rec.map_err(|e| ItemError {
            id: e
                .position()
                .map_or_else(|| "a row".to_string(), |p| format!("line {}", p.line())),
            message: csv_error(&path, &e).to_string(),
        })?;
        let (line, record) = rec.position().map_or((0, 0), |p| (p.line(), p.record()));
        let row_id = format!("line {line}");
        let id = id_idx
            .and_then(|j| rec.get(j))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or(row_id.clone(), str::to_string);
        let st = state.borrow();
        if st.oversized.contains(&record) {
            return Err(ItemError {
                id,
                message: format!(
                    "the row at {row_id} is more than the {} limit for a plan",
                    human_size(INPUT_LIMIT)
                ),
            });
        }
        if let Some(open) = st.unclosed.filter(|u| u.record == record) {
            return Err(ItemError {
                id: format!("line {}", open.quote),
                message: format!(
                    "a quote opened on line {} is never closed, so every line after it would be read as one plan; \
                     close the quote, or write a quote inside a quoted cell as \"\"",
                    open.quote
                ),
            });
        }
        if let Some(q) = st.stray.iter().find(|q| q.record == record) {
            return Err(ItemError {
                id: format!("line {}", q.quote),
                message: format!(
                    "a quote opened on line {} only closes on line {}, in the middle of a cell, \
                     so lines {}–{} would be read as one plan; close the quote on line {}, \
                     or write a quote inside a quoted cell as \"\"",
                    q.quote, q.close, q.quote, q.close, q.quote
                ),
            });
        }
        drop(st);
        let text = rec.get(text_idx).ok_or_else(|| ItemError {
            id: id.clone(),
            message: format!("{row_id} has no value in the plan column"),
        })?;
        Ok(PlanItem {
            id,
            text: text.to_string(),
        })
    })))
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

/// An error about the content of an input (not about reading it).
pub fn bad_input(path: &Path, message: String) -> Error {
    Error::BadInput {
        path: path.to_path_buf(),
        message,
    }
}

/// Where a quoted cell began and where it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Quote {
    /// Which record holds it (0 is the header), as the `csv` parser counts.
    record: u64,
    /// Line of the opening quote.
    quote: u64,
    /// Line of the closing quote.
    close: u64,
}

#[derive(Debug, Default)]
struct GuardState {
    /// Records (0 is the header) longer than the limit.
    oversized: HashSet<u64>,
    /// A quote still open at the end of the input.
    unclosed: Option<Quote>,
    /// Quoted cells that ran over lines and closed mid-cell.
    stray: Vec<Quote>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csv {
    StartRecord,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// Sits between the file and the `csv` parser, following the same state
/// machine (RFC 4180 quoting with `""`), to see where records begin and end
/// in the raw bytes. A record longer than the limit is cut: the parser gets
/// its first `limit` bytes and then just enough to close it (a quote if one
/// is open, and the same number of line ends, so line numbers still agree),
/// so memory stays bounded; the record is flagged so it is refused.
struct RowGuard<R> {
    inner: R,
    delimiter: u8,
    limit: u64,
    state: Rc<RefCell<GuardState>>,
    csv: Csv,
    line: u64,
    /// How many records have ended: the index of the one being read.
    record: u64,
    record_bytes: u64,
    quote_line: u64,
    /// The parser's state where the record was cut, while skipping it.
    cut: Option<Csv>,
    newlines_skipped: u64,
    pending: Vec<u8>,
    buf: Vec<u8>,
    eof: bool,
}

impl<R: Read> RowGuard<R> {
    fn new(inner: R, delimiter: u8, limit: u64) -> RowGuard<R> {
        RowGuard {
            inner,
            delimiter,
            limit,
            state: Rc::default(),
            csv: Csv::StartRecord,
            line: 1,
            record: 0,
            record_bytes: 0,
            quote_line: 1,
            cut: None,
            newlines_skipped: 0,
            pending: Vec::new(),
            buf: vec![0; 64 * 1024],
            eof: false,
        }
    }

    /// Advances the state machine by one byte; true when it ends a record.
    fn step(&mut self, b: u8) -> bool {
        let d = self.delimiter;
        let eol = b == b'\n' || b == b'\r';
        let mut ended = false;
        self.csv = match self.csv {
            Csv::StartRecord if eol => Csv::StartRecord,
            Csv::StartRecord | Csv::StartField => {
                if self.csv == Csv::StartRecord {
                    self.record_bytes = 0;
                }
                if b == b'"' {
                    self.quote_line = self.line;
                    Csv::InQuoted
                } else if b == d {
                    Csv::StartField
                } else if eol {
                    ended = true;
                    Csv::StartRecord
                } else {
                    Csv::InField
                }
            }
            Csv::InField if b == d => Csv::StartField,
            Csv::InField if eol => {
                ended = true;
                Csv::StartRecord
            }
            Csv::InField => Csv::InField,
            Csv::InQuoted if b == b'"' => Csv::QuoteInQuoted,
            Csv::InQuoted => Csv::InQuoted,
            Csv::QuoteInQuoted if b == b'"' => Csv::InQuoted,
            Csv::QuoteInQuoted if b == d => Csv::StartField,
            Csv::QuoteInQuoted if eol => {
                ended = true;
                Csv::StartRecord
            }
            Csv::QuoteInQuoted => {
                if self.line > self.quote_line {
                    self.state.borrow_mut().stray.push(Quote {
                        record: self.record,
                        quote: self.quote_line,
                        close: self.line,
                    });
                }
                Csv::InField
            }
        };
        if b == b'\n' {
            self.line += 1;
        }
        ended
    }

    /// Counts a record as ended (after its bytes were handled).
    fn end_record(&mut self) {
        self.record += 1;
        self.record_bytes = 0;
    }

    fn feed(&mut self, chunk: &[u8]) {
        for &b in chunk {
            let before = self.csv;
            let ended = self.step(b);
            if self.csv != Csv::StartRecord || ended {
                self.record_bytes += 1;
            }
            match self.cut {
                None if self.record_bytes > self.limit && !ended => {
                    self.state.borrow_mut().oversized.insert(self.record);
                    self.cut = Some(before);
                    self.newlines_skipped = u64::from(b == b'\n');
                }
                None => self.pending.push(b),
                Some(cut) => {
                    self.newlines_skipped += u64::from(b == b'\n');
                    if ended {
                        self.close_cut(cut);
                    }
                }
            }
            if ended {
                self.end_record();
            }
        }
    }

    /// Gives the parser what it needs to end a cut record.
    fn close_cut(&mut self, cut: Csv) {
        if cut == Csv::InQuoted {
            self.pending.push(b'"');
        }
        let n = self.newlines_skipped.max(1);
        self.pending.extend(std::iter::repeat_n(b'\n', n as usize));
        self.cut = None;
        self.newlines_skipped = 0;
    }
}

impl<R: Read> Read for RowGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pending.is_empty() && !self.eof {
            let n = self.inner.read(&mut self.buf)?;
            if n == 0 {
                self.eof = true;
                if let Some(cut) = self.cut {
                    self.close_cut(cut);
                }
                if matches!(self.csv, Csv::InQuoted) {
                    self.state.borrow_mut().unclosed = Some(Quote {
                        record: self.record,
                        quote: self.quote_line,
                        close: self.line,
                    });
                }
                break;
            }
            let chunk = std::mem::take(&mut self.buf);
            self.feed(&chunk[..n]);
            self.buf = chunk;
        }
        let n = out.len().min(self.pending.len());
        out[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// The path shown for standard input.
pub fn stdin_path() -> PathBuf {
    PathBuf::from("<stdin>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans(csv: &str) -> Vec<Item> {
        csv_plans(
            io::Cursor::new(csv.as_bytes().to_vec()),
            Path::new("c.csv"),
            None,
            None,
        )
        .unwrap()
        .collect()
    }

    #[test]
    fn long_lines_are_consumed_not_kept() {
        let text = format!("short\n{}\nafter", "x".repeat(5000));
        let mut r = io::BufReader::with_capacity(64, text.as_bytes());
        assert_eq!(
            read_line_limited(&mut r, 100).unwrap(),
            Some(LimitedLine::Line(b"short".to_vec()))
        );
        assert_eq!(
            read_line_limited(&mut r, 100).unwrap(),
            Some(LimitedLine::TooLong { bytes: 5000 })
        );
        assert_eq!(
            read_line_limited(&mut r, 100).unwrap(),
            Some(LimitedLine::Line(b"after".to_vec()))
        );
        assert_eq!(read_line_limited(&mut r, 100).unwrap(), None);
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_around_a_cut_row() {
        let big = "y".repeat(INPUT_LIMIT as usize + 10);
        let csv = format!("name,plan\na,\"one\ntwo\"\n\nb,\"{big}\nmore\"\nc,three\n");
        let got = plans(&csv);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].as_ref().unwrap().text, "one\ntwo");
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.id, "b");
        assert!(err.message.contains("1 MiB"), "{}", err.message);
        let c = got[2].as_ref().unwrap();
        assert_eq!((c.id.as_str(), c.text.as_str()), ("c", "three"));
    }

    #[test]
    fn windows_line_ends_and_blank_lines_keep_rows_apart() {
        let big = "z".repeat(INPUT_LIMIT as usize + 1);
        let csv = format!("name,plan\r\n\r\na,one\r\nb,\"{big}\"\r\nc,\"two\r\nlines\"\r\n");
        let got = plans(&csv);
        assert_eq!(
            got.len(),
            3,
            "{:?}",
            got.iter()
                .map(|g| g
                    .as_ref()
                    .map(|p| p.text.len())
                    .map_err(|e| e.message.clone()))
                .collect::<Vec<_>>()
        );
        assert_eq!(got[0].as_ref().unwrap().text, "one");
        assert!(got[1].is_err());
        assert_eq!(got[2].as_ref().unwrap().text, "two\r\nlines");
    }

    #[test]
    fn an_unclosed_quote_is_refused_with_its_line() {
        let got = plans("name,plan\nalice,\"T arrogant\nbob,SIOC popular\ncarol,gen sec\n");
        assert_eq!(got.len(), 1, "{got:?}");
        let err = got[0].as_ref().unwrap_err();
        assert!(
            err.message.contains("line 2 is never closed"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_quote_closing_mid_cell_lines_later_is_refused() {
        let got = plans("name,plan\nalice,\"T arrogant\nbob,\"SIOC popular\"\ncarol,\"gen sec\"\n");
        let err = got[0].as_ref().unwrap_err();
        assert!(
            err.message.contains("line 2 only closes on line 3"),
            "{}",
            err.message
        );
        assert_eq!(got[1].as_ref().unwrap().id, "carol");
    }

    #[test]
    fn quoted_cells_over_several_lines_and_escaped_quotes_are_fine() {
        let got = plans("name,plan\nalice,\"- T \"\"arrogant\"\"\n- S gen sec\"\nbob,x\n");
        assert_eq!(
            got[0].as_ref().unwrap().text,
            "- T \"arrogant\"\n- S gen sec"
        );
        assert_eq!(got[1].as_ref().unwrap().text, "x");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "name,plan\nann,T arrogant\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let got: Vec<Item> = csv_plans(io::Cursor::new(bytes), Path::new("c.csv"), None, None)
            .unwrap()
            .collect();
        assert_eq!(got[0].as_ref().unwrap().text, "T arrogant");
    }

    #[test]
    fn a_long_column_list_is_cut_to_twenty() {
        let header: Vec<String> = (0..10_000).map(|i| format!("col{i}")).collect();
        let err = csv_plans(
            io::Cursor::new(format!("{}\n", header.join(",")).into_bytes()),
            Path::new("c.csv"),
            Some("nope"),
            None,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.len() < 600, "{} bytes", err.len());
        assert!(err.contains("col19") && !err.contains("col20,") && err.contains("9980 more"));
    }
}
