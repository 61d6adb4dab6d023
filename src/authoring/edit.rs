//! Changing a teacher's rubric file on request: accepted suggestions and
//! fitted bands go in through `toml_edit`, so comments, key order and layout
//! survive, and the file is replaced through a temporary file in the same
//! folder (written, fsynced, renamed), so a crash never leaves half a rubric.
//! Nothing here decides *what* to change; the caller has shown the teacher
//! the difference and been told to write it.

use crate::model::Band;
use std::io::Write;
use std::path::Path;
use toml_edit::{DocumentMut, Item, Table, value};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(
        "{path} is JSON: only TOML rubrics are edited in place, so that comments survive; add the changes by hand, or convert it to TOML"
    )]
    NotToml { path: String },
    #[error("{path} is not valid TOML: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {what}")]
    Shape { path: String, what: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn document(path: &Path, text: &str) -> Result<DocumentMut, EditError> {
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Err(EditError::NotToml {
            path: path.display().to_string(),
        });
    }
    text.parse::<DocumentMut>().map_err(|e| EditError::Parse {
        path: path.display().to_string(),
        message: e.message().to_string(),
    })
}

fn set_opt(t: &mut Table, key: &str, v: Option<Item>) {
    match v {
        Some(item) => {
            if let Some(old) = t.get_mut(key) {
                *old = item;
            } else {
                t.insert(key, item);
            }
        }
        None => {
            t.remove(key);
        }
    }
}

fn write_band(t: &mut Table, b: &Band) {
    set_opt(t, "level", Some(value(b.level as i64)));
    let mut marks = toml_edit::Array::new();
    marks.push(b.marks[0] as i64);
    marks.push(b.marks[1] as i64);
    set_opt(t, "marks", Some(value(marks)));
    if let Some(d) = &b.descriptor {
        set_opt(t, "descriptor", Some(value(d.clone())));
    }
    set_opt(t, "min-factors", b.min_factors.map(|n| value(n as i64)));
    set_opt(t, "min-coverage", b.min_coverage.map(value));
    set_opt(t, "min-per-side", b.min_per_side.map(|n| value(n as i64)));
    set_opt(t, "judgement", b.judgement.map(value));
    set_opt(t, "min-evidence", b.min_evidence.map(|n| value(n as i64)));
    set_opt(t, "analysis", b.analysis.map(value));
}

/// The rubric text with its `[[band]]` tables set to `bands`. Tables that
/// keep their level and marks are changed in place (their comments stay);
/// otherwise the band list is rewritten.
pub fn set_bands(path: &Path, text: &str, bands: &[Band]) -> Result<String, EditError> {
    let mut doc = document(path, text)?;
    let same_shape = doc
        .get("band")
        .and_then(Item::as_array_of_tables)
        .is_some_and(|a| {
            a.len() == bands.len()
                && a.iter()
                    .zip(bands)
                    .all(|(t, b)| t.get("level").and_then(Item::as_integer) == Some(b.level as i64))
        });
    if same_shape {
        let tables = doc
            .get_mut("band")
            .and_then(Item::as_array_of_tables_mut)
            .ok_or_else(|| EditError::Shape {
                path: path.display().to_string(),
                what: "`band` is not a list of [[band]] tables".into(),
            })?;
        for (t, b) in tables.iter_mut().zip(bands) {
            write_band(t, b);
        }
    } else {
        let mut tables = toml_edit::ArrayOfTables::new();
        for b in bands {
            let mut t = Table::new();
            write_band(&mut t, b);
            tables.push(t);
        }
        doc.insert("band", Item::ArrayOfTables(tables));
    }
    Ok(doc.to_string())
}

/// The rubric text with each accepted proposal added to its factor's list
/// (`phrases`, `exclude`), the list made if the factor has none. Every
/// other byte of the file stays as it was.
pub fn add_proposals(
    path: &Path,
    text: &str,
    proposals: &[&super::suggest::Proposal],
) -> Result<String, EditError> {
    let mut doc = document(path, text)?;
    let shape = |what: String| EditError::Shape {
        path: path.display().to_string(),
        what,
    };
    let factors = doc
        .get_mut("factor")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| shape("it has no [[factor]] tables".into()))?;
    for p in proposals {
        let table = factors
            .iter_mut()
            .find(|t| t.get("id").and_then(Item::as_str) == Some(p.factor.as_str()))
            .ok_or_else(|| shape(format!("it has no factor `{}`", p.factor)))?;
        let key = p.kind.key();
        if p.kind == super::suggest::Kind::With {
            let list = table
                .get_mut(key)
                .and_then(Item::as_array_mut)
                .ok_or_else(|| shape(format!("factor `{}` has no `phrases` list", p.factor)))?;
            let mut with = toml_edit::Array::new();
            for w in &p.with {
                with.push(w.as_str());
            }
            let mut done = false;
            for v in list.iter_mut() {
                let text = match &*v {
                    toml_edit::Value::String(s) => Some(s.value().clone()),
                    toml_edit::Value::InlineTable(t) => {
                        t.get("text").and_then(|x| x.as_str()).map(str::to_string)
                    }
                    _ => None,
                };
                if text.as_deref() != Some(p.text.as_str()) {
                    continue;
                }
                let decor = v.decor().clone();
                let mut t = match &*v {
                    toml_edit::Value::InlineTable(t) => t.clone(),
                    _ => {
                        let mut t = toml_edit::InlineTable::new();
                        t.insert("text", p.text.as_str().into());
                        t
                    }
                };
                t.insert("with", toml_edit::Value::Array(with.clone()));
                *v = toml_edit::Value::InlineTable(t);
                *v.decor_mut() = decor;
                done = true;
            }
            if !done {
                return Err(shape(format!(
                    "factor `{}` has no phrase `{}`",
                    p.factor, p.text
                )));
            }
            continue;
        }
        if table.get(key).is_none() {
            table.insert(key, value(toml_edit::Array::new()));
        }
        let list = table
            .get_mut(key)
            .and_then(Item::as_array_mut)
            .ok_or_else(|| shape(format!("`{key}` of factor `{}` is not a list", p.factor)))?;
        let present = list
            .iter()
            .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(&p.text)));
        if !present {
            // A list written over several lines keeps one entry a line.
            let multiline = list
                .iter()
                .next()
                .and_then(|v| v.decor().prefix())
                .and_then(|r| r.as_str())
                .is_some_and(|pre| pre.contains('\n'));
            list.push(p.text.as_str());
            if multiline && let Some(last) = list.iter_mut().last() {
                let indent = "\n    ".to_string();
                last.decor_mut().set_prefix(indent);
            }
        }
    }
    Ok(doc.to_string())
}

/// The lines that differ, `-` old and `+` new, with a line of context.
pub fn diff(old: &str, new: &str) -> String {
    let d = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    for group in d.grouped_ops(1) {
        for op in group {
            for change in d.iter_changes(&op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                out.push(sign);
                out.push_str(change.value().trim_end_matches('\n'));
                out.push('\n');
            }
        }
        out.push_str("…\n");
    }
    out
}

/// Replaces `path` with `text` through a temporary file in the same folder
/// (written, fsynced, renamed over the old file, folder fsynced), so readers
/// see the old rubric or the new one, never a part.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), EditError> {
    let err = |source| EditError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".planmark-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(text.as_bytes()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    // Keep the old file's permissions.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUBRIC: &str = "# my rubric\nid = \"r\"\n\n[[factor]]\nid = \"a\" # first\nlabel = \"A\"\nphrases = [\"alpha one\"]\n\n# Levels\n[[band]]\nlevel = 1\nmarks = [1, 5]\ndescriptor = \"Some\" # keep me\nmin-factors = 3\n\n[[band]]\nlevel = 0\nmarks = [0, 0]\n";

    fn band(level: u32, marks: [u32; 2]) -> Band {
        Band {
            level,
            marks,
            descriptor: None,
            min_factors: None,
            min_coverage: None,
            min_per_side: None,
            judgement: None,
            min_evidence: None,
            analysis: None,
        }
    }

    #[test]
    fn bands_change_in_place_and_comments_survive() {
        let mut b1 = band(1, [1, 5]);
        b1.descriptor = Some("Some".into());
        b1.min_coverage = Some(0.25);
        let out = set_bands(Path::new("r.toml"), RUBRIC, &[b1.clone(), band(0, [0, 0])]).unwrap();
        assert!(out.contains("# my rubric"));
        assert!(out.contains("id = \"a\" # first"));
        assert!(out.contains("# Levels"));
        assert!(!out.contains("min-factors"), "{out}");
        assert!(out.contains("min-coverage = 0.25"));
        let r: crate::model::Rubric = toml::from_str(&out).unwrap();
        assert_eq!(r.bands[0], b1);
        // A different set of levels rewrites the list.
        let out = set_bands(
            Path::new("r.toml"),
            RUBRIC,
            &[band(2, [6, 10]), band(1, [1, 5])],
        )
        .unwrap();
        let r: crate::model::Rubric = toml::from_str(&out).unwrap();
        assert_eq!(r.bands.len(), 2);
        assert_eq!(r.bands[0].marks, [6, 10]);
    }

    #[test]
    fn proposals_join_their_factors_lists() {
        use super::super::suggest::{Kind, Proposal};
        let p = |kind, text: &str| Proposal {
            number: 1,
            factor: "a".into(),
            kind,
            text: text.into(),
            from: None,
            with: Vec::new(),
            touched: 1,
            right: 1,
            precision: 1.0,
            recall: 1.0,
            before: Default::default(),
            after: Default::default(),
            micro_before: Default::default(),
            micro_after: Default::default(),
            tested: true,
        };
        let (phrase, exclude) = (
            p(Kind::Phrase, "alpha two"),
            p(Kind::Exclude, "not alpha one"),
        );
        let out = add_proposals(Path::new("r.toml"), RUBRIC, &[&phrase, &exclude]).unwrap();
        assert!(
            out.contains("phrases = [\"alpha one\", \"alpha two\"]"),
            "{out}"
        );
        assert!(out.contains("exclude = [\"not alpha one\"]"), "{out}");
        assert!(out.contains("id = \"a\" # first"));
        let r: crate::model::Rubric = toml::from_str(&out).unwrap();
        assert_eq!(r.factors[0].exclude, ["not alpha one"]);
        // Adding it again changes nothing.
        let again = add_proposals(Path::new("r.toml"), &out, &[&phrase]).unwrap();
        assert_eq!(again, out);
        // `with` turns the phrase into a table; `not` makes its list.
        let mut with = p(Kind::With, "alpha one");
        with.with = vec!["1918".into(), "divorce".into()];
        let not = p(Kind::Not, "1936");
        let out = add_proposals(Path::new("r.toml"), RUBRIC, &[&with, &not]).unwrap();
        assert!(
            out.contains("phrases = [{ text = \"alpha one\", with = [\"1918\", \"divorce\"] }]"),
            "{out}"
        );
        assert!(out.contains("not = [\"1936\"]"), "{out}");
        let r: crate::model::Rubric = toml::from_str(&out).unwrap();
        assert_eq!(
            r.factors[0].phrases[0].with.as_deref(),
            Some(&["1918".to_string(), "divorce".to_string()][..])
        );
        assert_eq!(r.factors[0].not, ["1936"]);
        let mut other = p(Kind::Phrase, "x");
        other.factor = "zz".into();
        let e = add_proposals(Path::new("r.toml"), RUBRIC, &[&other]).unwrap_err();
        assert!(e.to_string().contains("no factor `zz`"));
    }

    #[test]
    fn json_is_refused() {
        let e = set_bands(Path::new("r.json"), "{}", &[]).unwrap_err();
        assert!(e.to_string().contains("only TOML rubrics"), "{e}");
    }

    #[test]
    fn writes_replace_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new text").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new text");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn diff_shows_removed_and_added_lines() {
        let d = diff("a\nb\nc\n", "a\nB\nc\n");
        assert!(d.contains("-b\n") && d.contains("+B\n"), "{d}");
    }
}
