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
    text: &'a str,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, format: Format) -> Locator<'a> {
        let root = match format {
            Format::Toml => DeTable::parse(text).ok(),
            Format::Json => None,
        };
        Locator { root, text }
    }
    /// A span inside the string value whose literal (quotes included) sits at
    /// `literal`, for the bytes `inner` of its decoded value: escapes such as
    /// `\\` or `\u00e9` take more room in the file than in the value. Falls
    /// back to the whole literal when the mapping is unclear.
    pub fn span_in_string(
        &self,
        literal: Range<usize>,
        inner: Range<usize>,
    ) -> Option<Range<usize>> {
        let raw = self.text.get(literal.clone())?;
        let whole = Some(literal.clone());
        let quote = ["'''", "\"\"\"", "'", "\""]
            .into_iter()
            .find(|q| raw.len() >= 2 * q.len() && raw.starts_with(q) && raw.ends_with(q))?;
        let body = &raw[quote.len()..raw.len() - quote.len()];
        let body_start = literal.start + quote.len();
        // map[i]: where in `body` the decoded value's byte i came from.
        let mut map: Vec<usize> = Vec::with_capacity(body.len() + 1);
        if quote.starts_with('\'') {
            map.extend(0..body.len());
        } else {
            // Line-ending backslashes and a trimmed first newline change the
            // value in ways not worth mapping: point at the whole string.
            if quote.len() == 3
                && (body.contains("\\\n") || body.contains("\\\r\n") || body.starts_with('\n'))
            {
                return whole;
            }
            let mut chars = body.char_indices();
            while let Some((i, c)) = chars.next() {
                if c != '\\' {
                    map.extend(std::iter::repeat_n(i, c.len_utf8()));
                    continue;
                }
                let Some((_, e)) = chars.next() else {
                    return whole;
                };
                let decoded = match e {
                    'u' | 'U' | 'x' => {
                        let n = match e {
                            'u' => 4,
                            'U' => 8,
                            _ => 2,
                        };
                        let hex: String = chars.by_ref().take(n).map(|(_, h)| h).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) => ch,
                            None => return whole,
                        }
                    }
                    'b' | 't' | 'n' | 'f' | 'r' | 'e' | '"' | '\\' => e,
                    _ => return whole,
                };
                map.extend(std::iter::repeat_n(i, decoded.len_utf8()));
            }
        }
        map.push(body.len());
        let start = *map.get(inner.start)?;
        let end = map
            .get(inner.end)
            .copied()
            .unwrap_or(body.len())
            .max(start + 1)
            .min(body.len());
        let start = start.min(end);
        Some(super::diag::clamp_to_chars(
            self.text,
            body_start + start..body_start + end,
        ))
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

    /// How many items the array at `path` holds, when it is an array.
    pub fn array_len(&self, path: &[Seg]) -> Option<usize> {
        let root = self.root.as_ref()?;
        let (first, rest) = path.split_first()?;
        let Seg::Key(k) = first else { return None };
        let mut current: &toml::Spanned<DeValue> = root.get_ref().get(*k)?;
        for seg in rest {
            current = match seg {
                Seg::Key(k) => current.get_ref().get(*k)?,
                Seg::Index(i) => current.get_ref().get(*i)?,
            };
        }
        match current.get_ref() {
            DeValue::Array(a) => Some(a.len()),
            _ => None,
        }
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
            let message = e.message().trim();
            if e.span().is_none() && message.contains("recursion") {
                return Diagnostic::error("keys or values are nested too deeply")
                    .at(Some(deepest_line(text)))
                    .label("too deep")
                    .help("a deck or rubric needs only a few levels: `[[factor]]` tables with plain keys");
            }
            improve(Diagnostic::error(message.to_string()).at(e.span()))
        }),
        Format::Json => serde_json::from_str::<T>(text).map_err(|e| {
            let full = e.to_string();
            let message = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m)
                .to_string();
            let offset = offset_of(text, e.line(), e.column().max(1));
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            improve(Diagnostic::error(message).at(Some(offset..end)))
        }),
    };
    result.map_err(|d| FileDiagnostics {
        path: path.to_path_buf(),
        text: text.to_string(),
        diagnostics: vec![d],
    })
}

/// The line with the most nesting (dots in keys, brackets, braces), for
/// errors that the parser reports without a place.
fn deepest_line(text: &str) -> Range<usize> {
    let mut best = (0, 0..0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let depth = line
            .bytes()
            .filter(|b| matches!(b, b'.' | b'[' | b'{'))
            .count();
        if depth > best.0 {
            let trimmed = line.trim_end();
            best = (
                depth,
                offset..offset + trimmed.len().clamp(1, 80).min(line.len()),
            );
        }
        offset += line.len();
    }
    super::diag::clamp_to_chars(text, best.1)
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
            let allowed = if expected == super::deck::SIDES {
                "for or against (any case), or neutral (the default)".to_string()
            } else {
                format!("one of: {}", expected.join(", "))
            };
            d.help = Some(
                match did_you_mean(&unknown.to_lowercase(), expected.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? Use {allowed}"),
                    None => format!("use {allowed}"),
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
    fn string_spans_map_through_escapes() {
        let text = "p = [\"\\\\ééé(\", 'a(b', \"\\u00e9(\"]\n";
        let loc = Locator::new(text, Format::Toml);
        let lit = loc.span(&[Seg::Key("p"), Seg::Index(0)]).unwrap();
        // The value is `\ééé(`: its `(` is byte 7 of the value.
        let span = loc.span_in_string(lit, 7..8).unwrap();
        assert_eq!(&text[span.clone()], "(");
        assert_eq!(span.start, text.find('(').unwrap());
        let lit = loc.span(&[Seg::Key("p"), Seg::Index(1)]).unwrap();
        let span = loc.span_in_string(lit, 1..2).unwrap();
        assert_eq!(span.start, text.find("(b").unwrap());
        let lit = loc.span(&[Seg::Key("p"), Seg::Index(2)]).unwrap();
        let span = loc.span_in_string(lit, 2..3).unwrap();
        assert_eq!(span.start, text.rfind('(').unwrap());
    }

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
