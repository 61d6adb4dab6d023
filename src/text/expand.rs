//! Abbreviation and shorthand expansion on the token stream: "Z+K" becomes the
//! terms "zinoviev and kamenev", each pointing back at the span of "Z+K".

use super::tokenize::{Term, Token, TokenKind, tokenize};
use super::word::Word;
use rustc_hash::FxHashMap as HashMap;

/// Note-taking shorthand every student uses, expanded in every plan.
/// Rubric abbreviations take precedence over these.
pub const BUILTIN_SHORTHAND: &[(&str, &str)] = &[
    ("&", "and"),
    ("+", "and"),
    ("w/", "with"),
    ("w/o", "without"),
    ("b/c", "because"),
    ("bc", "because"),
    ("bcos", "because"),
    ("cos", "because"),
    ("govt", "government"),
    ("gov", "government"),
    ("gvt", "government"),
    ("rev", "revolution"),
    ("revs", "revolutions"),
    ("revol", "revolution"),
    ("ppl", "people"),
    ("econ", "economic"),
    ("pol", "political"),
    ("indust", "industrialisation"),
    ("mil", "military"),
    ("imp", "important"),
    ("impt", "important"),
    ("yrs", "years"),
    ("dev", "development"),
    ("natl", "national"),
    ("intl", "international"),
    ("int'l", "international"),
    ("cttee", "committee"),
    ("ctte", "committee"),
    ("cmttee", "committee"),
    ("esp", "especially"),
    ("thru", "through"),
    ("tho", "though"),
    ("vs", "versus"),
    ("opp", "opposition"),
    ("gen", "general"),
    ("perm", "permanent"),
    ("opps", "opponents"),
    ("jan", "january"),
    ("feb", "february"),
    ("apr", "april"),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "september"),
    ("sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
    ("1", "one"),
    ("2", "two"),
    ("3", "three"),
];

/// One compiled abbreviation: the token sequence to find and its expansion.
#[derive(Debug, Clone)]
struct Abbreviation {
    /// The key's tokens: original text and folded form ("Z", "+", "K").
    key: Vec<(String, String)>,
    case_sensitive: bool,
    /// The expansion's words: folded text, stem and kind. Plain strings,
    /// not [`Word`]s, so that an `Expander` may be shared between threads.
    expansion: Vec<(String, String, TokenKind)>,
}

/// A set of abbreviations applied to plans before matching.
#[derive(Debug, Clone, Default)]
pub struct Expander {
    /// Longest keys first, so "w/o" wins over "w/" and "gen sec" over "sec";
    /// rubric keys before built-in ones of the same length.
    abbreviations: Vec<Abbreviation>,
    /// Indices into `abbreviations` by the folded first key token, in order.
    by_first: HashMap<String, Vec<usize>>,
}

impl Expander {
    /// Builds an expander from rubric abbreviations (first, highest priority)
    /// and, if `with_builtin`, the built-in note-taking shorthand.
    ///
    /// Keys of one or two letters match case-sensitively ("S" is Stalin, "s" is
    /// not); longer keys match in any case. Keys always match whole tokens.
    pub fn new<'a>(
        rubric: impl IntoIterator<Item = (&'a str, &'a str)>,
        with_builtin: bool,
    ) -> Expander {
        let mut abbreviations = Vec::new();
        let builtin = if with_builtin { BUILTIN_SHORTHAND } else { &[] };
        for (priority, (key, value)) in rubric
            .into_iter()
            .map(|kv| (0, kv))
            .chain(builtin.iter().map(|&(k, v)| (1, (k, v))))
        {
            let key_tokens: Vec<(String, String)> = tokenize(key)
                .into_iter()
                .map(|t| (t.raw_base(key).to_string(), t.base.to_string()))
                .collect();
            if key_tokens.is_empty() {
                continue;
            }
            let letters = key.chars().filter(|c| c.is_alphanumeric()).count();
            abbreviations.push((
                priority,
                Abbreviation {
                    key: key_tokens,
                    case_sensitive: letters <= 2 && key.chars().any(|c| c.is_alphabetic()),
                    expansion: tokenize(value)
                        .into_iter()
                        .map(|t| (t.base.to_string(), t.stem.to_string(), t.kind))
                        .collect(),
                },
            ));
        }
        abbreviations.sort_by_key(|(priority, a)| (std::cmp::Reverse(a.key.len()), *priority));
        let abbreviations: Vec<Abbreviation> = abbreviations.into_iter().map(|(_, a)| a).collect();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, a) in abbreviations.iter().enumerate() {
            by_first.entry(a.key[0].1.clone()).or_default().push(i);
        }
        Expander {
            abbreviations,
            by_first,
        }
    }

    fn key_matches(a: &Abbreviation, text: &str, window: &[Token]) -> bool {
        if window.len() < a.key.len() {
            return false;
        }
        let segment = window[0].segment;
        a.key
            .iter()
            .zip(window)
            .enumerate()
            .all(|(i, ((raw, base), t))| {
                // A possessive may only stand on the key's last token ("S's").
                (!t.possessive || i + 1 == a.key.len())
                    && t.segment == segment
                    && if a.case_sensitive {
                        t.raw_base(text) == raw
                    } else {
                        t.base == *base
                    }
            })
    }

    /// Turns tokens into matchable terms, expanding abbreviations.
    /// `tokens` must come from `tokenize(text)`.
    pub fn expand(&self, text: &str, tokens: Vec<Token>) -> Vec<Term> {
        let mut terms = Vec::with_capacity(tokens.len() + 8);
        // Each abbreviation's expansion as `Word`s, made on its first use in
        // this text and shared by its later ones.
        let mut words: Vec<Option<Vec<(Word, Word)>>> = Vec::new();
        // The abbreviations each word may open, by the address of its text:
        // every occurrence of a word shares one (see `Word`). The tokens'
        // words were all made before this loop, alive together, so no two
        // tokens with different texts share an address.
        let mut opens: HashMap<usize, &[usize]> = HashMap::default();
        let mut tokens = tokens.into_iter();
        'outer: while let Some(first) = tokens.as_slice().first() {
            let rest = tokens.as_slice();
            let candidates = *opens.entry(first.base.addr()).or_insert_with(|| {
                self.by_first
                    .get(first.base.as_str())
                    .map_or(&[][..], Vec::as_slice)
            });
            for (j, a) in candidates.iter().map(|&j| (j, &self.abbreviations[j])) {
                if !Self::key_matches(a, text, rest) {
                    continue;
                }
                let len = a.key.len();
                let span = rest[0].span.start..rest[len - 1].span.end;
                let segment = rest[0].segment;
                let possessive = rest[len - 1].possessive;
                let heading = rest[0].heading;
                if words.is_empty() {
                    words.resize(self.abbreviations.len(), None);
                }
                let made = words[j].get_or_insert_with(|| {
                    a.expansion
                        .iter()
                        .map(|(base, stem, _)| {
                            (Word::from(base.as_str()), Word::from(stem.as_str()))
                        })
                        .collect()
                });
                for (n, (e, (base, stem))) in a.expansion.iter().zip(made.iter()).enumerate() {
                    terms.push(Term {
                        span: span.clone(),
                        segment,
                        base: base.clone(),
                        stem: stem.clone(),
                        kind: e.2,
                        expanded: true,
                        possessive: possessive && n + 1 == a.expansion.len(),
                        heading,
                    });
                }
                tokens.nth(len - 1);
                continue 'outer;
            }
            if let Some(t) = tokens.next().filter(|t| t.kind != TokenKind::Symbol) {
                terms.push(Term::from_token(t));
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(abbrevs: &[(&str, &str)], text: &str) -> Vec<(String, String)> {
        let e = Expander::new(abbrevs.iter().copied(), true);
        e.expand(text, tokenize(text))
            .into_iter()
            .map(|t| (t.base.to_string(), text[t.span].to_string()))
            .collect()
    }

    #[test]
    fn multi_token_keys_expand_with_their_span() {
        let got = expand(&[("Z+K", "Zinoviev and Kamenev")], "Z+K sided w/ S");
        assert_eq!(got[0], ("zinoviev".into(), "Z+K".into()));
        assert_eq!(got[2], ("kamenev".into(), "Z+K".into()));
        assert_eq!(got[4], ("with".into(), "w/".into()));
    }

    #[test]
    fn short_keys_are_case_sensitive_and_whole_token() {
        let got = expand(&[("S", "Stalin")], "Lenin's s S's");
        let bases: Vec<_> = got.iter().map(|(b, _)| b.as_str()).collect();
        assert_eq!(bases, ["lenin", "s", "stalin"]);
    }

    #[test]
    fn longer_keys_match_in_any_case() {
        let got = expand(&[("gen sec", "General Secretary")], "as Gen Sec he");
        assert_eq!(got[1].0, "general");
        assert_eq!(got[2], ("secretary".into(), "Gen Sec".into()));
    }

    #[test]
    fn rubric_keys_beat_builtin_shorthand() {
        let got = expand(&[("rev", "revisionism")], "rev");
        assert_eq!(got[0].0, "revisionism");
    }
}
