//! A class's plans from a spreadsheet or form export (CSV with `,`, `;` or
//! tab separators): one plan per row, the plan and student columns found by
//! name. Read lazily from any reader, sniffing the separator from the header
//! line without reading the input twice. Shared by `grade --csv` and the web
//! teacher page.

use std::io::{BufRead, Read};

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

/// One row: the student (or `row N`) and the plan, or why it could not be read.
pub type Row = Result<(String, String), (String, String)>;

/// Opens a class CSV. The error says what is wrong and how to fix it (e.g.
/// "use `--text-column NAME`; the CSV has columns: Name, Plan").
pub fn read_csv<R: Read + 'static>(
    reader: R,
    text_column: Option<&str>,
    id_column: Option<&str>,
    plan_limit: u64,
) -> Result<Box<dyn Iterator<Item = Row>>, String> {
    let mut buffered = std::io::BufReader::new(reader);
    let mut first = Vec::new();
    buffered
        .read_until(b'\n', &mut first)
        .map_err(|e| e.to_string())?;
    // Spreadsheets in some countries export with `;` or tabs: take whichever
    // separator the header line uses most.
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let all = std::io::Cursor::new(first).chain(buffered);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(all);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_message(&e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns = headers.join(", ");
    let text_idx = match text_column {
        Some(name) => find(name).ok_or_else(|| {
            format!("the CSV has no column `{name}`; use `--text-column NAME`; the CSV has columns: {columns}")
        })?,
        None => TEXT_COLUMN_GUESSES
            .iter()
            .find_map(|g| find(g))
            .ok_or_else(|| {
                format!("cannot tell which column holds the plans; use `--text-column NAME`; the CSV has columns: {columns}")
            })?,
    };
    let id_idx = match id_column {
        Some(name) => Some(find(name).ok_or_else(|| {
            format!("the CSV has no column `{name}`; use `--id-column NAME`; the CSV has columns: {columns}")
        })?),
        None => ID_COLUMN_GUESSES.iter().find_map(|g| find(g)),
    };
    Ok(Box::new(reader.into_records().enumerate().map(
        move |(i, rec)| {
            // Row 1 is the header, so the first record is line 2 of a simple file.
            let row_id = format!("row {}", i + 2);
            let rec = rec.map_err(|e| (row_id.clone(), csv_message(&e)))?;
            let id = id_idx
                .and_then(|j| rec.get(j))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map_or(row_id.clone(), str::to_string);
            let text = rec.get(text_idx).ok_or_else(|| {
                (
                    id.clone(),
                    format!("{row_id} has no value in the plan column"),
                )
            })?;
            if text.len() as u64 > plan_limit {
                return Err((id, format!("the plan is over the {plan_limit}-byte limit")));
            }
            Ok((id, text.to_string()))
        },
    )))
}

fn csv_message(e: &csv::Error) -> String {
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
    format!("{what}{line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_exports_are_read_with_their_names() {
        let text = "Name;Your plan\nAmy;T arrogant\nBen;\"SIOC; gen sec\"\n";
        let rows: Vec<Row> = read_csv(
            std::io::Cursor::new(text.as_bytes().to_vec()),
            Some("your plan"),
            None,
            1000,
        )
        .unwrap()
        .collect();
        assert_eq!(
            rows,
            [
                Ok(("Amy".into(), "T arrogant".into())),
                Ok(("Ben".into(), "SIOC; gen sec".into()))
            ]
        );
        let err = read_csv(std::io::Cursor::new(b"a,b\n1,2\n".to_vec()), None, None, 10)
            .err()
            .unwrap();
        assert!(err.contains("the CSV has columns: a, b"), "{err}");
    }
}
