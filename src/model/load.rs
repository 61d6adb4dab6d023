//! Parsing decks and rubrics from TOML or JSON into the model, turning serde's
//! errors into diagnostics with spans and "did you mean" help.

use super::diag::{Diagnostic, FileDiagnostics, did_you_mean, offset_of};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The file formats a deck or rubric may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// From a file name: `.json` is JSON, anything else TOML.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// One step of a path into a document: a key or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Finds the byte span of a value in a TOML source by its path
/// (`factor` → 3 → `patterns` → 1). JSON has no spans to offer.
pub struct Locator<'a> {
    root: Option<toml::Spanned<DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, format: Format) -> Locator<'a> {
        let root = match format {
            Format::Toml => DeTable::parse(text).ok(),
            Format::Json => None,
        };
        Locator { root }
    }

    /// The span of the value at `path`, or of the nearest ancestor that exists.
    pub fn span(&self, path: &[Seg]) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let (first, rest) = path.split_first()?;
        let Seg::Key(k) = first else { return None };
        let mut current: &toml::Spanned<DeValue> = root.get_ref().get(*k)?;
        for seg in rest {
            let next = match seg {
                Seg::Key(k) => current.get_ref().get(*k),
                Seg::Index(i) => current.get_ref().get(*i),
            };
            match next {
                Some(n) => current = n,
                None => break,
            }
        }
        Some(current.span())
    }

    /// The span of the key itself (`weight` in `weight = 2`), when the path
    /// ends in a key.
    pub fn key_span(&self, path: &[Seg]) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let (last, parent) = path.split_last()?;
        let Seg::Key(key) = last else { return None };
        let table: &DeTable = if parent.is_empty() {
            root.get_ref()
        } else {
            let mut current: &toml::Spanned<DeValue> = match parent[0] {
                Seg::Key(k) => root.get_ref().get(k)?,
                Seg::Index(_) => return None,
            };
            for seg in &parent[1..] {
                current = match seg {
                    Seg::Key(k) => current.get_ref().get(*k)?,
                    Seg::Index(i) => current.get_ref().get(*i)?,
                };
            }
            match current.get_ref() {
                DeValue::Table(t) => t,
                _ => return None,
            }
        };
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == *key)
            .map(|(k, _)| k.span())
    }
}

/// Deserialises `text`, or explains why it cannot be read.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    format: Format,
) -> Result<T, FileDiagnostics> {
    let result = match format {
        Format::Toml => toml::from_str::<T>(text).map_err(|e| {
            let d = Diagnostic::error(e.message().trim().to_string()).at(e.span());
            improve(d)
        }),
        Format::Json => serde_json::from_str::<T>(text).map_err(|e| {
            let full = e.to_string();
            let message = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m)
                .to_string();
            let offset = offset_of(text, e.line(), e.column().max(1));
            let end = (offset + 1).min(text.len());
            improve(Diagnostic::error(message).at(Some(offset.min(end)..end)))
        }),
    };
    result.map_err(|d| FileDiagnostics {
        path: path.to_path_buf(),
        text: text.to_string(),
        diagnostics: vec![d],
    })
}

/// Adds a label and a fix to serde's messages.
fn improve(mut d: Diagnostic) -> Diagnostic {
    let msg = d.message.clone();
    let names_in_backticks = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = names_in_backticks(rest);
        if let Some((unknown, expected)) = names.split_first() {
            d.message = format!("unknown key `{unknown}`");
            d.label = Some("not a key here".into());
            let list = expected.join(", ");
            d.help = Some(
                match did_you_mean(unknown, expected.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? The keys allowed here are: {list}"),
                    None => format!("the keys allowed here are: {list}"),
                },
            );
        }
    } else if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = names_in_backticks(rest);
        if let Some((unknown, expected)) = names.split_first() {
            d.message = format!("`{unknown}` is not an allowed value");
            d.label = Some("not allowed here".into());
            let list = expected.join(", ");
            d.help = Some(
                match did_you_mean(unknown, expected.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? Use one of: {list}"),
                    None => format!("use one of: {list}"),
                },
            );
        }
    } else if let Some(rest) = msg.strip_prefix("missing field ") {
        let names = names_in_backticks(rest);
        if let Some(name) = names.first() {
            d.message = format!("missing key `{name}`");
            d.label = Some(format!("this table needs `{name}`"));
            d.help = Some(format!("add `{name} = ...` to this table"));
        }
    } else if msg.starts_with("invalid type") {
        d.label = Some("wrong type of value".into());
        d.help = Some(
            "strings need quotes (\"...\"), lists need brackets ([...]), numbers have none".into(),
        );
    } else if d.label.is_none() {
        d.label = Some("here".into());
        d.help = Some(
            "check the syntax near this point (quotes, brackets, `=` between key and value)".into(),
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_by_path() {
        let text = "id = 'x'\n[[factor]]\nid = 'a'\n[[factor]]\nid = 'b'\npatterns = ['(', 'ok']\n";
        let loc = Locator::new(text, Format::Toml);
        let span = loc
            .span(&[
                Seg::Key("factor"),
                Seg::Index(1),
                Seg::Key("patterns"),
                Seg::Index(0),
            ])
            .unwrap();
        assert_eq!(&text[span], "'('");
        let key = loc
            .key_span(&[Seg::Key("factor"), Seg::Index(1), Seg::Key("patterns")])
            .unwrap();
        assert_eq!(&text[key], "patterns");
    }
}
