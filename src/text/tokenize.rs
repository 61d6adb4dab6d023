//! Plan text → tokens with byte spans of the original, grouped into segments
//! (a sentence, or a bullet / line). Knows nothing about rubrics.

use super::fold::{fold_word, stem, strip_possessive};
use std::ops::Range;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (possibly with digits and apostrophes inside).
    Word,
    /// Digits, possibly with `.` or `,` inside ("1924", "1,000", "2.5").
    Number,
    /// A note-taking symbol: `&`, `+`, `/`, `=`, `@`.
    Symbol,
}

/// One token of the original text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Byte range in the original text.
    pub span: Range<usize>,
    pub kind: TokenKind,
    /// Index of the segment (sentence or bullet) the token belongs to.
    pub segment: usize,
    /// End (byte offset) of the original characters without a trailing
    /// possessive: `text[span.start..raw_end]` is "S" for "S's".
    pub raw_end: usize,
    /// Folded (lower-case, accent-free), possessive removed: "lenin" for "Lenin’s".
    pub base: String,
    /// Whether the original ended with a possessive `'s` or `'`.
    pub possessive: bool,
}

impl Token {
    /// The original characters without a trailing possessive ("S" for "S's").
    pub fn raw_base<'t>(&self, text: &'t str) -> &'t str {
        &text[self.span.start..self.raw_end]
    }

    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_symbol(c: char) -> bool {
    matches!(c, '&' | '+' | '/' | '=' | '@')
}

/// Words that end with a full stop without ending a sentence.
const NO_BREAK_ABBREVIATIONS: &[&str] = &[
    "e.g", "eg", "i.e", "ie", "c", "ca", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mr", "mrs", "dr", "st", "vs", "no", "gen", "sec", "cf",
];

/// Splits text into tokens and segments.
///
/// A segment ends at a blank line, at a line break that does not continue a
/// wrapped sentence, or at `.`, `!`, `?` followed by white space and a capital,
/// digit, bullet or line end (but not after a single letter or a common
/// abbreviation such as "c." or "Jan.").
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut segment = 0usize;
    let mut pending_break = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let mut i = 0usize;
    while i < n {
        let (pos, c) = chars[i];
        if c.is_alphanumeric() {
            let start = pos;
            let mut j = i + 1;
            let numeric_start = c.is_ascii_digit();
            while j < n {
                let cj = chars[j].1;
                if cj.is_alphanumeric() {
                    j += 1;
                } else if (is_apostrophe(cj) || (numeric_start && (cj == '.' || cj == ',')))
                    && j + 1 < n
                    && chars[j + 1].1.is_alphanumeric()
                    && (!numeric_start || chars[j + 1].1.is_ascii_digit() || is_apostrophe(cj))
                {
                    j += 2;
                } else if is_apostrophe(cj)
                    && !numeric_start
                    && chars[j - 1].1.to_lowercase().eq(['s'])
                    && (j + 1 == n || !chars[j + 1].1.is_alphanumeric())
                {
                    // "kulaks'" — a plural possessive.
                    j += 1;
                    break;
                } else {
                    break;
                }
            }
            let end = if j < n { chars[j].0 } else { text.len() };
            let raw = &text[start..end];
            if pending_break && !tokens.is_empty() {
                segment += 1;
            }
            pending_break = false;
            let (base, possessive) = strip_possessive(fold_word(raw));
            let raw_end = if possessive {
                start
                    + raw
                        .trim_end_matches(['s', 'S'])
                        .trim_end_matches(is_apostrophe)
                        .len()
            } else {
                end
            };
            let kind = if base
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            tokens.push(Token {
                span: start..end,
                kind,
                segment,
                raw_end,
                base,
                possessive,
            });
            i = j;
            continue;
        }
        if is_symbol(c) {
            if pending_break && !tokens.is_empty() {
                segment += 1;
            }
            pending_break = false;
            tokens.push(Token {
                span: pos..pos + c.len_utf8(),
                kind: TokenKind::Symbol,
                segment,
                raw_end: pos + c.len_utf8(),
                base: c.to_string(),
                possessive: false,
            });
            i += 1;
            continue;
        }
        let ends = match c {
            '\n' => line_break_ends_segment(&chars, i),
            '.' | '!' | '?' | '\u{2026}' => sentence_ends(&chars, i, &tokens),
            _ => false,
        };
        pending_break |= ends;
        i += 1;
    }
    tokens
}

fn line_break_ends_segment(chars: &[(usize, char)], i: usize) -> bool {
    // Last visible character before the newline.
    let prev = chars[..i]
        .iter()
        .rev()
        .map(|&(_, c)| c)
        .find(|c| !matches!(c, ' ' | '\t' | '\r'));
    let next = chars[i + 1..]
        .iter()
        .map(|&(_, c)| c)
        .find(|c| !matches!(c, ' ' | '\t' | '\r'));
    match (prev, next) {
        (Some(p), Some(nx)) => {
            // A wrapped sentence: the line ends mid-sentence and the next begins
            // in lower case.
            let continues = (p.is_alphabetic() || p == ',') && nx.is_lowercase();
            !continues
        }
        _ => true,
    }
}

fn sentence_ends(chars: &[(usize, char)], i: usize, tokens: &[Token]) -> bool {
    let Some(&(_, next)) = chars.get(i + 1) else {
        return true;
    };
    if !next.is_whitespace() && !matches!(next, '"' | '\u{201D}' | ')') {
        return false;
    }
    let after = chars[i + 1..]
        .iter()
        .map(|&(_, c)| c)
        .find(|c| !c.is_whitespace() || *c == '\n');
    let starts_new = match after {
        None | Some('\n') => true,
        Some(c) => {
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(
                    c,
                    '-' | '*' | '\u{2022}' | '\u{2013}' | '\u{2014}' | '"' | '('
                )
        }
    };
    if !starts_new {
        return false;
    }
    match tokens.last() {
        Some(t) if t.span.end == chars[i].0 => {
            let single_letter = t.is_word() && t.base.chars().count() == 1;
            !single_letter && !NO_BREAK_ABBREVIATIONS.contains(&t.base.as_str())
        }
        _ => true,
    }
}

/// A token ready for matching: its folded form and stem. Expanded
/// abbreviations produce several of these sharing one original span.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub span: Range<usize>,
    pub segment: usize,
    /// Folded surface form without possessive ("lenin").
    pub base: String,
    /// Snowball stem of `base`.
    pub stem: String,
    pub kind: TokenKind,
    /// Whether this term came from expanding an abbreviation or shorthand.
    pub expanded: bool,
    /// Whether the original word carried a possessive ("Stalin's").
    pub possessive: bool,
}

impl Term {
    /// Makes a term of a token, taking its folded text.
    pub fn from_token(t: &mut Token) -> Term {
        Term {
            span: t.span.clone(),
            segment: t.segment,
            stem: stem(&t.base),
            base: std::mem::take(&mut t.base),
            kind: t.kind,
            expanded: false,
            possessive: t.possessive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases(text: &str) -> Vec<(String, usize)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.base, t.segment))
            .collect()
    }

    #[test]
    fn spans_point_into_the_original() {
        let text = "• Trotsky’s errors, 1924";
        let toks = tokenize(text);
        assert_eq!(&text[toks[0].span.clone()], "Trotsky’s");
        assert_eq!(toks[0].base, "trotsky");
        assert!(toks[0].possessive);
        assert_eq!(toks[2].kind, TokenKind::Number);
    }

    #[test]
    fn symbols_are_tokens() {
        let text = "Z+K & S";
        let toks = tokenize(text);
        let raws: Vec<_> = toks.iter().map(|t| t.raw_base(text)).collect();
        assert_eq!(raws, ["Z", "+", "K", "&", "S"]);
    }

    #[test]
    fn possessive_s_is_not_a_token() {
        let toks = tokenize("Lenin’s will");
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[0].raw_base("Lenin’s will"), "Lenin");
    }

    #[test]
    fn sentences_and_bullets_are_segments() {
        let segs = bases("- Stalin won. Trotsky lost\n- Lenin died");
        assert_eq!(segs[0], ("stalin".into(), 0));
        assert_eq!(segs[2], ("trotsky".into(), 1));
        assert_eq!(segs[4], ("lenin".into(), 2));
    }

    #[test]
    fn abbreviations_and_wrapped_lines_do_not_break() {
        let segs = bases("died c. 1924 and T. was\nabsent");
        assert!(segs.iter().all(|(_, s)| *s == 0), "{segs:?}");
    }

    #[test]
    fn numbers_keep_their_punctuation() {
        let toks = tokenize("1,000 died in 1921. 2.5 million");
        assert_eq!(toks[0].base, "1,000");
        assert_eq!(toks[3].base, "1921");
        assert_eq!(toks[4].base, "2.5");
        assert_eq!(toks[4].segment, 1);
    }
}
