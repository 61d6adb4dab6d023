//! Plan text → tokens with byte spans of the original, grouped into segments
//! (a sentence, or a bullet / line), with contractions split ("wasn't" →
//! "was" + "not") and heading labels marked. Knows nothing about rubrics.

use super::fold::{fold_word, stem, strip_possessive};
use super::word::Word;
use rustc_hash::FxHashMap as HashMap;
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
    /// Every token of one text with the same folded text shares one [`Word`].
    pub base: Word,
    /// Snowball stem of `base` ([`stem`]), shared the same way.
    pub stem: Word,
    /// Whether the original ended with a possessive `'s` or `'`.
    pub possessive: bool,
    /// Whether the token is part of a heading's label ("Land" in "3. Land",
    /// "Propaganda" in "Propaganda: posters").
    pub heading: bool,
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
    "etc", "esp", "govt", "gov", "rev", "dept", "incl", "fig", "vol", "cent", "corp", "pres",
];

/// Function words a wrapped line may end on: a line ending "… because" or
/// "… the" plainly goes on in the next.
const CONNECTIVES: &[&str] = &[
    "and",
    "or",
    "but",
    "because",
    "so",
    "which",
    "who",
    "whom",
    "whose",
    "that",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "as",
    "than",
    "into",
    "onto",
    "its",
    "his",
    "her",
    "their",
    "our",
    "was",
    "were",
    "is",
    "are",
    "be",
    "been",
    "had",
    "has",
    "have",
    "not",
    "nor",
    "while",
    "although",
    "though",
    "when",
    "where",
    "whereas",
    "since",
    "after",
    "before",
    "until",
    "under",
    "over",
    "between",
    "through",
    "during",
    "against",
    "about",
    "would",
    "could",
    "should",
    "will",
    "can",
    "this",
    "these",
    "those",
    "such",
    "very",
    "both",
    "either",
    "neither",
    "if",
    "unless",
    "whether",
    "also",
    "thus",
    "therefore",
];

/// A line shorter than this many characters is never read as soft-wrapped.
const SOFT_WRAP_MIN: usize = 40;
/// Nor is one in a block whose longest line is shorter than this.
const SOFT_WRAP_WIDTH_MIN: usize = 50;

/// The most words a heading's label may have ("3. Land", "- War",
/// "Propaganda:", "The Kornilov Affair - …").
pub const HEADING_MAX_WORDS: usize = 5;

/// Characters that open a bullet when followed by white space.
fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '-' | '*'
            | '+'
            | '>'
            | '\u{2022}'
            | '\u{2023}'
            | '\u{2043}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2192}'
            | '\u{25AA}'
            | '\u{25CF}'
            | '\u{25E6}'
            | '\u{25CB}'
            | '\u{25A0}'
            | '\u{25A1}'
            | '\u{00B7}'
            | '\u{27A2}'
    )
}

/// The length in bytes of a bullet or list number that opens `line` (after
/// any indent), with the white space after it: "- ", "• ", "3. ", "(b) ",
/// "iv) ", "## ". A year opening a line ("1917. The Tsar…") is not a number
/// of a list, and "--" or "**bold**" are not bullets.
pub fn line_marker(line: &str) -> Option<usize> {
    // Most lines open with a word. A marker opening with a letter or digit
    // has at most four of them before its `)` or `.` ("iii)", "12."), so a
    // scan of five bytes rules out nearly every line (a plan may have half a
    // million). A test checks this agrees with the full reading.
    if line
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        let body = line
            .bytes()
            .take(5)
            .position(|b| !b.is_ascii_alphanumeric());
        if !body.is_some_and(|k| matches!(line.as_bytes()[k], b')' | b'.')) {
            return None;
        }
    }
    read_marker(line)
}

/// [`line_marker`] without the quick test that rules most lines out.
fn read_marker(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let c0 = rest.chars().next()?;
    let marker_end = if is_bullet(c0) || c0 == '#' {
        let run = rest.chars().take_while(|&c| c == c0).count();
        if c0 == '#' {
            if run > 6 {
                return None;
            }
            run
        } else if run == 1 {
            c0.len_utf8()
        } else {
            return None;
        }
    } else {
        // "3.", "12)", "(3)", "b)", "(b)", "iv."
        let open = usize::from(c0 == '(');
        let after_open = &rest[open..];
        let body = &after_open[..after_open
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after_open.len())];
        let numeric =
            !body.is_empty() && body.len() <= 2 && body.chars().all(|c| c.is_ascii_digit());
        let letter = body.len() == 1 && body.chars().all(|c| c.is_ascii_lowercase());
        let roman = matches!(
            body,
            "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
        );
        if !(numeric || letter || roman) {
            return None;
        }
        let after = open + body.len();
        let close = rest[after..].chars().next()?;
        let ok = if open == 1 {
            close == ')'
        } else {
            close == ')' || (close == '.' && (numeric || roman))
        };
        if !ok {
            return None;
        }
        after + 1
    };
    let tail = &rest[marker_end..];
    let space = tail.len() - tail.trim_start_matches([' ', '\t', '\u{a0}']).len();
    if space == 0 && !tail.is_empty() {
        return None;
    }
    Some(indent + marker_end + space)
}

/// Where the label of a "Label: text" or "Label - text" line ends (the byte
/// offset of the colon or dash), if it has one.
fn label_end(line: &str) -> Option<usize> {
    let colon = line
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| line[i + 1..].chars().next().is_none_or(char::is_whitespace));
    // The first " - ", " – ", " — " or " -- ": every one starts with a space,
    // so one pass over the spaces finds the earliest.
    let dash = line.match_indices(' ').map(|(i, _)| i + 1).find(|&i| {
        let rest = &line[i..];
        ["- ", "\u{2013} ", "\u{2014} ", "-- "]
            .iter()
            .any(|d| rest.starts_with(d))
    });
    match (colon, dash) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A line of the text: its byte range without the line break.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

/// Lines, broken at `\n`, `\r\n`, a lone `\r` (old Mac files), vertical tab,
/// form feed, NEL and the Unicode line and paragraph separators.
fn lines(text: &str) -> Vec<Line> {
    // Sized once (nearly every break is a `\n`): growing a vector of a
    // hundred thousand lines would copy it into fresh memory again and again.
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut start = 0;
    // Every break opens with one of these bytes: `\n`, `\r`, vertical tab,
    // form feed, or the first byte of NEL (C2 85) or of U+2028/U+2029
    // (E2 80 A8/A9). Other bytes need no decoding.
    for (i, &b) in bytes.iter().enumerate() {
        let width = match b {
            b'\n' if i > 0 && bytes[i - 1] == b'\r' => {
                // The `\n` of `\r\n`: the `\r` already ended the line.
                start = i + 1;
                continue;
            }
            b'\n' | b'\r' | 0x0b | 0x0c => 1,
            0xc2 if bytes.get(i + 1) == Some(&0x85) => 2,
            0xe2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) =>
            {
                3
            }
            _ => continue,
        };
        out.push(Line { start, end: i });
        start = i + width;
    }
    out.push(Line {
        start,
        end: text.len(),
    });
    out
}

/// Whether `next` plainly continues `prev` as one wrapped sentence: `prev`
/// ends on a comma, dash, `&`, `+` or connective ("… because", "… the"), or
/// it is a nearly full line of a hard-wrapped paragraph (the next line's
/// first word would not have fitted on it, the block is at least
/// [`SOFT_WRAP_WIDTH_MIN`] wide) that stops mid-word-flow and `next` goes on
/// in lower case. A line opening with a bullet or number never continues.
/// `next_marked`: whether `next` has a bullet or number ([`line_marker`]).
fn continues(prev: &str, next: &str, next_marked: bool, block_width: usize) -> bool {
    let prev = prev.trim_end();
    let next = next.trim_start();
    if prev.is_empty() || next.is_empty() || next_marked {
        return false;
    }
    let Some(last) = prev.chars().next_back() else {
        return false;
    };
    if matches!(last, '.' | '!' | '?' | ':' | ';' | '\u{2026}') {
        return false;
    }
    let word_start = prev
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(prev.len(), |(i, _)| i);
    let connective = is_connective(&prev[word_start..]);
    if matches!(
        last,
        ',' | '&' | '+' | '(' | '/' | '-' | '\u{2013}' | '\u{2014}'
    ) || connective
    {
        return true;
    }
    let first = next.chars().next().unwrap_or(' ');
    if !(first.is_lowercase() && last.is_alphanumeric() && block_width >= SOFT_WRAP_WIDTH_MIN) {
        return false;
    }
    let first_word = next.split_whitespace().next().unwrap_or("").chars().count();
    let len = prev.chars().count();
    len >= SOFT_WRAP_MIN && len + 1 + first_word > block_width
}

/// Whether `word`, in any case, is one of [`CONNECTIVES`]: every one is
/// lower-case ASCII, and no other letter lower-cases into one of theirs.
fn is_connective(word: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static [u8]>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| CONNECTIVES.iter().map(|c| c.as_bytes()).collect());
    let mut buf = [0u8; 16];
    if !word.is_ascii() || word.len() > buf.len() {
        return false;
    }
    let lower = &mut buf[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    set.contains(&*lower)
}

/// A negative contraction typed without its apostrophe ("didnt", "cant"),
/// or "cannot": where "not" starts and the word before it.
fn bare_contraction(folded: &str) -> Option<(usize, &'static str)> {
    const BARE: &[(&str, &str)] = &[
        ("didnt", "did"),
        ("doesnt", "does"),
        ("dont", "do"),
        ("isnt", "is"),
        ("wasnt", "was"),
        ("werent", "were"),
        ("arent", "are"),
        ("hasnt", "has"),
        ("havent", "have"),
        ("hadnt", "had"),
        ("couldnt", "could"),
        ("wouldnt", "would"),
        ("shouldnt", "should"),
        ("mustnt", "must"),
        ("neednt", "need"),
        ("cant", "can"),
        ("wont", "will"),
        ("cannot", "can"),
    ];
    // Every one but "cannot" ends in "nt": most words need no search.
    if !folded.ends_with("nt") && folded != "cannot" {
        return None;
    }
    let &(word, first) = BARE.iter().find(|(w, _)| *w == folded)?;
    let cut = if word == "cannot" { 3 } else { word.len() - 2 };
    Some((cut, first))
}

/// Where the "n't" of a contraction starts in `raw`, and the word before it
/// ("wasn't" → (3, "was"), "won't" → (2, "will"), "can't" → (2, "can")).
fn negative_contraction(raw: &str, folded: &str) -> Option<(usize, String)> {
    if let Some(stem) = folded.strip_suffix("n't").filter(|s| !s.is_empty()) {
        let first = match stem {
            "wo" => "will",
            "ca" => "can",
            "sha" => "shall",
            "ai" => "is",
            other => other,
        };
        // The byte offset of the "n" of "n't" in the original.
        let cut = raw
            .char_indices()
            .filter(|(_, c)| matches!(c, 'n' | 'N'))
            .map(|(k, _)| k)
            .next_back()?;
        return Some((cut, first.to_string()));
    }
    // Only ASCII words, so byte offsets are character offsets.
    bare_contraction(folded)
        .filter(|_| raw.is_ascii())
        .map(|(cut, first)| (cut, first.to_string()))
}

/// Splits text into tokens and segments.
///
/// Every line is its own segment unless it plainly continues the line above
/// (see [`continues`]); a blank line always ends one. Within a line a
/// segment ends at `.`, `!`, `?` followed by white space and a capital,
/// digit, bullet or line end (but not after a single letter or a common
/// abbreviation such as "c." or "Jan."). A bullet or list number opening a
/// line is not a token. "n't" and "cannot" give a separate "not". The label
/// of a short heading line ("3. Land", "- War", "Propaganda: …", at most
/// [`HEADING_MAX_WORDS`] words and one sentence, not a question) is marked
/// [`Token::heading`].
pub fn tokenize(text: &str) -> Vec<Token> {
    WordTable::with(|table| tokenize_with(text, table))
}

fn tokenize_with(text: &str, table: &mut WordTable) -> Vec<Token> {
    // A token takes at least one character and a separator, so this is
    // rarely outgrown; memory reserved and never written costs nothing.
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 2 + 1);
    let mut segment = 0usize;
    let mut pending_break = false;
    let all = lines(text);
    let line_text = |l: &Line| &text[l.start..l.end];
    // The longest line of the block of non-blank lines the current line is
    // in, for soft wraps (0 on a blank line), worked out on entering each
    // block; and each line's marker, worked out once as the next line's.
    // Nothing is kept per line: a plan may have half a million.
    let (mut block_width, mut block_end) = (0usize, 0usize);
    let mut marker = all.first().and_then(|l| line_marker(line_text(l)));
    // Each line's characters, in one buffer for all lines.
    let mut chars: Vec<(usize, char)> = Vec::new();
    for (li, line) in all.iter().enumerate() {
        if li >= block_end {
            let blank = |l: &Line| line_text(l).trim().is_empty();
            let end = all[li..]
                .iter()
                .position(blank)
                .map_or(all.len(), |k| li + k);
            block_width = all[li..end]
                .iter()
                .map(|l| line_text(l).trim_end().chars().count())
                .max()
                .unwrap_or(0);
            block_end = end.max(li + 1);
        }
        let next_marker = all.get(li + 1).and_then(|n| line_marker(line_text(n)));
        let body_start = line.start + marker.unwrap_or(0);
        let label = label_end(&text[body_start..line.end]).map(|e| body_start + e);
        let first_token = tokens.len();
        let first_segment = segment + usize::from(pending_break && !tokens.is_empty());
        tokenize_line(
            text,
            body_start..line.end,
            &mut tokens,
            &mut segment,
            &mut pending_break,
            &mut chars,
            table,
        );
        if marker.is_some() || label.is_some() {
            let label_to = label.unwrap_or(line.end);
            let label_tokens = || {
                tokens[first_token..]
                    .iter()
                    .filter(|t| t.span.end <= label_to)
            };
            let words = label_tokens().filter(|t| t.is_word()).count();
            let one_sentence = label_tokens().all(|t| t.segment == first_segment);
            let question = text[body_start..label_to].trim_end().ends_with('?');
            if (1..=HEADING_MAX_WORDS).contains(&words) && one_sentence && !question {
                for t in tokens[first_token..]
                    .iter_mut()
                    .filter(|t| t.span.end <= label_to)
                {
                    t.heading = true;
                }
            }
        }
        let wrapped = all.get(li + 1).is_some_and(|next| {
            continues(
                line_text(line),
                line_text(next),
                next_marker.is_some(),
                block_width,
            )
        });
        if !wrapped {
            pending_break = true;
        }
        marker = next_marker;
    }
    tokens
}

/// What a raw word reads as.
#[derive(Debug, Clone)]
enum Folded {
    /// One token: its folded text and stem, whether a possessive came off,
    /// how many bytes of the raw word are left without it, and its kind.
    Plain {
        base: Word,
        stem: Word,
        possessive: bool,
        raw_len: usize,
        kind: TokenKind,
    },
    /// A negative contraction ("wasn't", "cannot"): the word before the
    /// "not" ("was"), its stem, the byte offset in the raw word where the
    /// "not" starts, and the "not".
    Contraction {
        cut: usize,
        first: Word,
        stem: Word,
        not: Word,
    },
}

impl Folded {
    /// The (first) word's folded text and stem.
    fn words(self) -> (Word, Word) {
        match self {
            Folded::Plain { base, stem, .. } => (base, stem),
            Folded::Contraction { first, stem, .. } => (first, stem),
        }
    }
}

/// How many raw words each thread remembers: [`read_word`] is the costliest
/// step of tokenizing, a plan of half a million words may use a few hundred
/// distinct ones, and a class's plans share most of theirs.
const WORDS_REMEMBERED: usize = 50_000;

/// The tokens' words, read once per distinct raw word: every occurrence of a
/// word gets clones of the same [`Word`]s, which later steps may look up by
/// address. The memory is per thread, as [`Word`]s may not cross threads;
/// it starts over when it reaches [`WORDS_REMEMBERED`] words.
struct WordTable {
    /// Raw words ("Stalin's") as read.
    folded: HashMap<Box<str>, Folded>,
    /// Folded words ("stalin") and their stems, so that "Stalin" and
    /// "STALIN" share one `Word`.
    words: HashMap<Box<str>, (Word, Word)>,
}

impl WordTable {
    /// Runs `f` with this thread's table.
    fn with<R>(f: impl FnOnce(&mut WordTable) -> R) -> R {
        thread_local! {
            static TABLE: std::cell::RefCell<WordTable> = std::cell::RefCell::new(WordTable {
                folded: HashMap::default(),
                words: HashMap::default(),
            });
        }
        TABLE.with(|t| f(&mut t.borrow_mut()))
    }

    /// `raw` read as a word ([`read_word`]), or as a symbol.
    fn get(&mut self, raw: &str, kind: TokenKind) -> Folded {
        // A clone is a few counts: cheaper than looking `raw` up twice.
        if let Some(folded) = self.folded.get(raw) {
            return folded.clone();
        }
        if self.folded.len() >= WORDS_REMEMBERED {
            self.folded.clear();
            self.words.clear();
        }
        let words = &mut self.words;
        let mut words = |base: String| -> (Word, Word) {
            if let Some(w) = words.get(base.as_str()) {
                return w.clone();
            }
            let stemmed = stem(&base);
            let base = Word::from(base);
            // Most short words are their own stem: one text for both.
            let stemmed = if base == stemmed {
                base.clone()
            } else {
                Word::from(stemmed)
            };
            words.insert(base.as_str().into(), (base.clone(), stemmed.clone()));
            (base, stemmed)
        };
        let folded = if kind == TokenKind::Symbol {
            let (base, stem) = words(raw.to_string());
            Folded::Plain {
                base,
                stem,
                possessive: false,
                raw_len: raw.len(),
                kind,
            }
        } else {
            read_word(raw, words)
        };
        self.folded.insert(raw.into(), folded.clone());
        folded
    }
}

/// How one raw word reads: folded, with a contraction split or a
/// possessive taken off. `words` gives a folded word's [`Word`]s.
fn read_word(raw: &str, mut words: impl FnMut(String) -> (Word, Word)) -> Folded {
    let folded = fold_word(raw);
    // "wasn't" → "was" + "not"; "cannot" → "can" + "not".
    if let Some((cut, first)) = negative_contraction(raw, &folded).filter(|(cut, _)| *cut > 0) {
        let (first, stem) = words(first);
        return Folded::Contraction {
            cut,
            first,
            stem,
            not: words("not".to_string()).0,
        };
    }
    let (base, possessive) = strip_possessive(folded);
    let raw_len = if possessive {
        raw.trim_end_matches(['s', 'S'])
            .trim_end_matches(is_apostrophe)
            .len()
    } else {
        raw.len()
    };
    let kind = if base
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    let (base, stem) = words(base);
    Folded::Plain {
        base,
        stem,
        possessive,
        raw_len,
        kind,
    }
}

/// The tokens of one line (without its bullet), with sentence breaks.
fn tokenize_line(
    text: &str,
    range: Range<usize>,
    tokens: &mut Vec<Token>,
    segment: &mut usize,
    pending_break: &mut bool,
    chars: &mut Vec<(usize, char)>,
    table: &mut WordTable,
) {
    chars.clear();
    // A line has at most as many characters as bytes: reserved at once, a
    // 1 MiB line is not copied into a buffer twice the size twenty times.
    chars.reserve(range.len());
    chars.extend(
        text[range.clone()]
            .char_indices()
            .map(|(i, c)| (i + range.start, c)),
    );
    let chars = &chars[..];
    let n = chars.len();
    let mut push = |tokens: &mut Vec<Token>, pending_break: &mut bool, t: Token| {
        if *pending_break && !tokens.is_empty() {
            *segment += 1;
        }
        *pending_break = false;
        tokens.push(Token {
            segment: *segment,
            ..t
        });
    };
    let word = |span: Range<usize>, base: Word, stem: Word, kind: TokenKind| Token {
        raw_end: span.end,
        span,
        kind,
        segment: 0,
        base,
        stem,
        possessive: false,
        heading: false,
    };
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
            let end = if j < n { chars[j].0 } else { range.end };
            let raw = &text[start..end];
            let t = match table.get(raw, TokenKind::Word) {
                Folded::Contraction {
                    cut,
                    first,
                    stem,
                    not,
                } => {
                    let t = word(start..start + cut, first, stem, TokenKind::Word);
                    push(tokens, pending_break, t);
                    word(start + cut..end, not.clone(), not, TokenKind::Word)
                }
                Folded::Plain {
                    base,
                    stem,
                    possessive,
                    raw_len,
                    kind,
                } => Token {
                    raw_end: start + raw_len,
                    possessive,
                    ..word(start..end, base, stem, kind)
                },
            };
            push(tokens, pending_break, t);
            i = j;
            continue;
        }
        if is_symbol(c) {
            let span = pos..pos + c.len_utf8();
            let (base, stem) = table.get(&text[span.clone()], TokenKind::Symbol).words();
            let t = word(span, base, stem, TokenKind::Symbol);
            push(tokens, pending_break, t);
            i += 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | '\u{2026}') && sentence_ends(chars, i, tokens) {
            *pending_break = true;
        }
        i += 1;
    }
}

fn sentence_ends(chars: &[(usize, char)], i: usize, tokens: &[Token]) -> bool {
    let Some(&(_, next)) = chars.get(i + 1) else {
        return true;
    };
    if !next.is_whitespace() && !matches!(next, '"' | '\u{201D}' | ')') {
        return false;
    }
    // `chars` is one line: nothing after the stop ends the sentence.
    let after = chars[i + 1..]
        .iter()
        .map(|&(_, c)| c)
        .find(|c| !c.is_whitespace());
    let before = tokens.last().filter(|t| t.span.end == chars[i].0);
    let abbreviation = before.is_some_and(|t| {
        (t.is_word() && t.base.chars().count() == 1)
            || NO_BREAK_ABBREVIATIONS.contains(&t.base.as_str())
    });
    if abbreviation {
        return false;
    }
    match after {
        None => true,
        Some(c) => {
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(
                    c,
                    '-' | '*' | '\u{2022}' | '\u{2013}' | '\u{2014}' | '"' | '('
                )
                // Writers who never capitalise still end sentences: a full
                // stop after a word of three or more letters (not an
                // abbreviation) ends one before a lower-case word too.
                || (c.is_lowercase()
                    && chars[i].1 != '\u{2026}'
                    && before.is_some_and(|t| t.is_word() && t.base.chars().count() >= 3))
        }
    }
}

/// A token ready for matching: its folded form and stem. Expanded
/// abbreviations produce several of these sharing one original span.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub span: Range<usize>,
    pub segment: usize,
    /// Folded surface form without possessive ("lenin").
    pub base: Word,
    /// Snowball stem of `base`.
    pub stem: Word,
    pub kind: TokenKind,
    /// Whether this term came from expanding an abbreviation or shorthand.
    pub expanded: bool,
    /// Whether the original word carried a possessive ("Stalin's").
    pub possessive: bool,
    /// Whether the word is part of a heading's label ([`Token::heading`]).
    pub heading: bool,
}

impl Term {
    /// Makes a term of a token, with its folded text and stem.
    pub fn from_token(t: Token) -> Term {
        Term {
            span: t.span,
            segment: t.segment,
            stem: t.stem,
            base: t.base,
            kind: t.kind,
            expanded: false,
            possessive: t.possessive,
            heading: t.heading,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases(text: &str) -> Vec<(String, usize)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.base.into(), t.segment))
            .collect()
    }

    /// `lines`, read character by character: what the byte scan must match.
    fn lines_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = text.as_bytes();
        for (i, c) in text.char_indices() {
            let width = match c {
                '\n' if i > 0 && bytes[i - 1] == b'\r' => {
                    start = i + 1;
                    continue;
                }
                '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                    c.len_utf8()
                }
                _ => continue,
            };
            out.push((start, i));
            start = i + width;
        }
        out.push((start, text.len()));
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn lines_break_where_a_character_by_character_reading_does(
            text in "([a\u{e9}\u{2027}\u{2026}\u{c5}\u{85}\u{2028}\u{2029} \r\n\u{b}\u{c}]){0,16}"
        ) {
            let got: Vec<(usize, usize)> = lines(&text).iter().map(|l| (l.start, l.end)).collect();
            proptest::prop_assert_eq!(got, lines_by_chars(&text));
        }

        /// A word read from the thread's table reads as it did when it was
        /// first met: tokenizing with a full table, and again with an empty
        /// one, gives the same tokens, each with its base's stem.
        #[test]
        fn remembered_words_read_as_fresh_ones(
            text in "([aSsnN't\u{2019}`\u{e9}\u{c9}0-9.,&+/ \\n]|wasn't|cannot|dont|Lenin's|kulaks'|\u{2019}s){0,24}"
        ) {
            let remembered = tokenize(&text);
            WordTable::with(|t| {
                t.folded.clear();
                t.words.clear();
            });
            let fresh = tokenize(&text);
            proptest::prop_assert_eq!(&remembered, &fresh);
            for t in &fresh {
                let expected = stem(&t.base);
                proptest::prop_assert_eq!(&*t.stem, expected.as_str());
            }
        }
    }

    #[test]
    fn every_occurrence_of_a_word_shares_one_word() {
        let text =
            "Stalin's rise: Stalin, STALIN and stalin. Trotsky wasn't ready; Bukharin wasn't.";
        let toks = tokenize(text);
        let addrs = |base: &str| -> Vec<usize> {
            toks.iter()
                .filter(|t| t.base == base)
                .map(|t| t.base.addr())
                .collect()
        };
        for (word, n) in [("stalin", 4), ("was", 2), ("not", 2)] {
            let a = addrs(word);
            assert_eq!(a.len(), n, "{word}");
            assert!(a.iter().all(|&x| x == a[0]), "{word}: {a:?}");
        }
        // "rise" stems to itself and shares its text with its stem.
        let rise = toks.iter().find(|t| t.base == "rise").expect("rise");
        assert_eq!(rise.stem.addr(), rise.base.addr());
        assert!(toks[0].possessive);
        assert_eq!(toks[0].raw_base(text), "Stalin");
    }

    #[test]
    fn connectives_are_found_in_any_case_and_nothing_else_is() {
        for c in CONNECTIVES {
            assert!(
                c.len() <= 16 && c.bytes().all(|b| b.is_ascii_lowercase()),
                "{c}"
            );
            assert!(is_connective(c) && is_connective(&c.to_uppercase()), "{c}");
        }
        for w in ["", "i", "stalin", "becausee", "thé", "\u{212A}", "andand"] {
            assert!(!is_connective(w), "{w}");
        }
        // A wrapped line ending on a connective goes on; one ending on a
        // noun in a short block does not.
        assert_eq!(bases("Stalin won BECAUSE\nthe party backed him")[3].1, 0);
        assert_eq!(bases("Stalin won\nthe party backed him")[2].1, 1);
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

    fn segments(text: &str) -> Vec<String> {
        let toks = tokenize(text);
        let mut out: Vec<String> = Vec::new();
        for t in &toks {
            if out.len() <= t.segment {
                out.resize(t.segment + 1, String::new());
            } else {
                out[t.segment].push(' ');
            }
            out[t.segment].push_str(&t.base);
        }
        out
    }

    #[test]
    fn every_line_is_a_segment_unless_plainly_wrapped() {
        assert_eq!(
            segments("Stalin wanted more grain\nthe state was brutal\n"),
            ["stalin wanted more grain", "the state was brutal"]
        );
        // A line ending on a comma or connective goes on.
        assert_eq!(
            segments("Stalin wanted grain because\nthe towns starved\n"),
            ["stalin wanted grain because the towns starved"]
        );
        assert_eq!(
            segments("grain, steel,\nand coal"),
            ["grain steel and coal"]
        );
        // A hard-wrapped paragraph: the next word would not have fitted.
        let para = "Collectivisation was meant to provide grain for the cities and\n\
                    exports while bringing the peasants under the control of the\n\
                    party, but it caused a famine in which millions died across\n\
                    the Ukraine and Kazakhstan.\n";
        assert_eq!(segments(para).len(), 1, "{:?}", segments(para));
        // A bullet never continues the line above, whatever it ends with.
        assert_eq!(segments("- grain and\n- steel").len(), 2);
        // Short note lines in lower case stay apart.
        assert_eq!(
            segments("kulaks deported\nfamine 1932\nmillions died").len(),
            3
        );
    }

    #[test]
    fn carriage_returns_and_unicode_separators_break_lines() {
        assert_eq!(segments("grain procurements\rthe state").len(), 2);
        assert_eq!(segments("grain procurements\r\nthe state").len(), 2);
        assert_eq!(segments("grain\u{2028}state\u{2029}rose").len(), 3);
        let toks = tokenize("a\r\nbc");
        assert_eq!(toks[1].span, 3..5);
    }

    #[test]
    fn negative_contractions_give_a_separate_not() {
        let text = "wasn’t elected, won't go, can't, cannot, didnt";
        let toks = tokenize(text);
        let got: Vec<(&str, &str)> = toks
            .iter()
            .map(|t| (t.base.as_str(), &text[t.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                ("was", "was"),
                ("not", "n’t"),
                ("elected", "elected"),
                ("will", "wo"),
                ("not", "n't"),
                ("go", "go"),
                ("can", "ca"),
                ("not", "n't"),
                ("can", "can"),
                ("not", "not"),
                ("did", "did"),
                ("not", "nt"),
            ]
        );
        // Possessives and other apostrophes are untouched.
        assert_eq!(tokenize("Lenin's don")[1].base, "don");
    }

    /// The five-byte test in `line_marker` rules out only lines the full
    /// reading rules out too.
    #[test]
    fn the_quick_marker_test_agrees_with_the_full_reading() {
        let bodies = [
            "1", "12", "123", "1917", "i", "ii", "iii", "iv", "viii", "ix", "x", "xi", "b", "B",
            "bb", "word", "Stalin", "(b", "(12", "(iv",
        ];
        let tails = ["", ")", ".", ") x", ". x", ".x", ")x", ": x", " x", "-"];
        let (mut lines, mut markers) = (0, 0);
        for body in bodies {
            for tail in tails {
                for indent in ["", "  ", "\t"] {
                    let line = format!("{indent}{body}{tail}");
                    assert_eq!(line_marker(&line), read_marker(&line), "{line:?}");
                    lines += 1;
                    markers += usize::from(read_marker(&line).is_some());
                }
            }
        }
        // The lines hold both markers and non-markers, so the test compares
        // the two readings on both answers.
        assert!(markers > 0 && markers < lines, "{markers} of {lines}");
        // Both readings do find markers among these lines.
        assert_eq!(line_marker("iv) Land"), Some(4));
        assert_eq!(line_marker("12. Land"), Some(4));
    }

    #[test]
    fn bullets_and_list_numbers_are_not_words() {
        let bases: Vec<String> = tokenize("3. Land\n(b) War\n• Terror\n## Ideas\n1917. Tsar")
            .into_iter()
            .map(|t| t.base.into())
            .collect();
        assert_eq!(bases, ["land", "war", "terror", "ideas", "1917", "tsar"]);
    }

    #[test]
    fn short_bulleted_numbered_or_colon_lines_are_headings() {
        let heading = |text: &str| -> Vec<String> {
            tokenize(text)
                .into_iter()
                .filter(|t| t.heading)
                .map(|t| t.base.into())
                .collect()
        };
        assert_eq!(heading("3. Land"), ["land"]);
        assert_eq!(heading("- War"), ["war"]);
        assert_eq!(heading("Propaganda: posters and films"), ["propaganda"]);
        assert_eq!(
            heading("- The Kornilov Affair - Aug 1917, Red Guards armed"),
            ["the", "kornilov", "affair"]
        );
        // Too long, a question, a plain sentence or two sentences: no heading.
        assert!(heading("- T relied on his reputation from the civil war").is_empty());
        assert!(heading("- Was it the war?").is_empty());
        assert!(heading("Land was the key issue").is_empty());
        assert!(heading("- Lenin died. Stalin rose").is_empty());
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
