//! A class's plans from a spreadsheet or form export, as `(student, plan)`
//! rows: the shape the web teacher page takes. The reading itself — one pass,
//! separator sniffed from the header, the 1 MiB row limit, unclosed quotes
//! refused — is [`crate::input::csv_plans`], shared with `grade --csv`.

use std::io::Read;

pub use crate::input::{ID_COLUMN_GUESSES, TEXT_COLUMN_GUESSES};

/// One row: the student (or `line N`) and the plan, or why it could not be read.
pub type Row = Result<(String, String), (String, String)>;

/// Opens a class CSV. The error says what is wrong and how to fix it (e.g.
/// "use `--text-column NAME`; the CSV has columns: Name, Plan"). Plans longer
/// than `plan_limit` (at most [`crate::input::INPUT_LIMIT`]) are refused.
pub fn read_csv<R: Read + 'static>(
    reader: R,
    text_column: Option<&str>,
    id_column: Option<&str>,
    plan_limit: u64,
) -> Result<Box<dyn Iterator<Item = Row>>, String> {
    let rows = crate::input::csv_plans(
        reader,
        std::path::Path::new("the CSV"),
        text_column,
        id_column,
    )
    .map_err(|e| match e {
        crate::error::Error::BadInput { message, .. } => message,
        other => other.to_string(),
    })?;
    Ok(Box::new(rows.map(move |item| match item {
        Ok(p) if p.text.len() as u64 > plan_limit => Err((
            p.id,
            format!(
                "the plan is more than the {} limit",
                crate::input::human_size(plan_limit)
            ),
        )),
        Ok(p) => Ok((p.id, p.text)),
        Err(e) => Err((e.id, e.message)),
    })))
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
