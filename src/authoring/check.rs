//! `rubric check`: everything that makes a rubric wrong (errors) or likely to
//! mis-grade (warnings), each pinned to the line in the file.

use crate::grade::Grader;
use crate::grade::phrase::is_stopword;
use crate::model::load::{self, Format, Locator, Seg};
use crate::model::{Band, Card, Diagnostic, FileDiagnostics, Rubric, Side, validate};
use crate::text::fold::stem;
use crate::text::{Expander, tokenize};
use std::collections::BTreeMap;
use std::path::Path;

/// Everyday words that match far too much on their own as an alias.
const COMMON_WORDS: &[&str] = &[
    "about",
    "after",
    "again",
    "all",
    "also",
    "always",
    "and",
    "any",
    "are",
    "back",
    "bad",
    "because",
    "been",
    "before",
    "being",
    "best",
    "better",
    "big",
    "both",
    "but",
    "came",
    "can",
    "change",
    "come",
    "could",
    "country",
    "day",
    "did",
    "different",
    "does",
    "done",
    "down",
    "each",
    "early",
    "end",
    "even",
    "every",
    "fact",
    "far",
    "few",
    "find",
    "first",
    "for",
    "form",
    "from",
    "get",
    "give",
    "good",
    "got",
    "great",
    "group",
    "had",
    "has",
    "have",
    "help",
    "her",
    "here",
    "high",
    "him",
    "his",
    "how",
    "important",
    "into",
    "its",
    "just",
    "keep",
    "kind",
    "know",
    "large",
    "last",
    "late",
    "later",
    "lead",
    "leader",
    "led",
    "less",
    "life",
    "like",
    "little",
    "long",
    "look",
    "made",
    "main",
    "make",
    "man",
    "many",
    "may",
    "more",
    "most",
    "much",
    "must",
    "need",
    "never",
    "new",
    "next",
    "not",
    "now",
    "number",
    "off",
    "old",
    "one",
    "only",
    "other",
    "our",
    "out",
    "over",
    "own",
    "part",
    "party",
    "people",
    "place",
    "point",
    "policy",
    "policies",
    "political",
    "power",
    "problem",
    "put",
    "rather",
    "reason",
    "right",
    "said",
    "same",
    "saw",
    "say",
    "see",
    "seen",
    "should",
    "show",
    "side",
    "since",
    "small",
    "some",
    "state",
    "still",
    "such",
    "support",
    "take",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "think",
    "this",
    "those",
    "through",
    "time",
    "too",
    "took",
    "under",
    "until",
    "use",
    "used",
    "very",
    "want",
    "war",
    "was",
    "way",
    "well",
    "went",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "work",
    "world",
    "would",
    "year",
    "years",
    "yet",
    "you",
];

/// Whether a one-word alias is too loose to use alone: a stopword or a
/// common English word, compared by stem ("generals" is as loose as "general").
pub fn is_loose_word(word: &str) -> bool {
    let word = word.to_lowercase();
    if is_stopword(&word) {
        return true;
    }
    let word_stem = stem(&word);
    COMMON_WORDS
        .iter()
        .any(|c| *c == word || stem(c) == word_stem)
}

/// What the checks may consult beyond the rubric itself.
#[derive(Default)]
pub struct CheckContext<'a> {
    /// The card the rubric names, if it exists.
    pub card: Option<&'a Card>,
    /// Whether a `card = ...` reference was looked up and not found.
    pub card_missing: bool,
}

/// Parses and checks a rubric file: errors and warnings, with spans.
pub fn check_rubric(path: &Path, text: &str, ctx: &CheckContext) -> FileDiagnostics {
    let format = Format::from_path(path);
    let mut out = FileDiagnostics {
        path: path.to_path_buf(),
        text: text.to_string(),
        diagnostics: Vec::new(),
    };
    let rubric: Rubric = match load::parse(path, text, format) {
        Ok(r) => r,
        Err(mut d) => {
            if format == Format::Toml {
                d.diagnostics.extend(later_syntax_errors(path, text));
                let start = |d: &Diagnostic| d.span.as_ref().map_or(0, |s| s.start);
                d.diagnostics.sort_by_key(start);
                d.diagnostics.dedup_by_key(|d| start(d));
            }
            return d;
        }
    };
    let loc = Locator::new(text, format);
    out.diagnostics
        .extend(validate::rubric_errors(&rubric, &loc));
    out.diagnostics.extend(band_errors(&rubric, &loc));
    if ctx.card_missing {
        let card = rubric.card.as_deref().unwrap_or_default();
        out.diagnostics.push(
            Diagnostic::error(format!("card `{card}` does not exist"))
                .at(loc.span(&[Seg::Key("card")]))
                .label("no such card")
                .help("write it as DECK/CARD (see `planmark decks` and `planmark show`), or remove `card`"),
        );
    }
    if out.has_errors() {
        return out;
    }
    out.diagnostics.extend(warnings(&rubric, &loc, ctx));
    out
}

/// Most syntax errors a TOML file has beyond the first, so one run reports
/// them all: the line of each error is commented out (same length, so every
/// position stays put) and the file is read again. Once a table header has
/// been commented out, its keys join the table above, so "duplicate key"
/// errors after that are the masking's doing and are left out.
fn later_syntax_errors(path: &Path, text: &str) -> Vec<Diagnostic> {
    const MAX: usize = 50;
    let mut masked = text.to_string();
    let mut out = Vec::new();
    let mut masked_lines: Vec<usize> = Vec::new();
    let mut masked_header = false;
    while out.len() < MAX {
        // A syntax error is one the TOML reader itself raises.
        let Err(e) = masked.parse::<toml::Table>() else {
            break;
        };
        let Some(span) = e.span() else { break };
        let line_start = masked[..span.start.min(masked.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if masked_lines.contains(&line_start) {
            break;
        }
        let dup = e.message().contains("duplicate key");
        if !(masked_header && dup)
            && let Err(d) = load::parse::<toml::Table>(path, &masked, Format::Toml)
        {
            out.extend(d.diagnostics);
        }
        masked_lines.push(line_start);
        let line_end = masked[line_start..]
            .find('\n')
            .map_or(masked.len(), |i| line_start + i);
        let line = &masked[line_start..line_end];
        let Some(first) = line.find(|c: char| !c.is_whitespace()) else {
            break;
        };
        masked_header |= line[first..].starts_with('[');
        // Comment the line out: `#` over its first character, the rest kept.
        let at = line_start + first;
        let width = masked[at..].chars().next().map_or(1, char::len_utf8);
        masked.replace_range(at..at + width, &"#".repeat(width));
    }
    out
}

fn band_errors(r: &Rubric, loc: &Locator) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at =
        |i: usize, key: &'static str| loc.span(&[Seg::Key("band"), Seg::Index(i), Seg::Key(key)]);
    let whole = |i: usize| loc.span(&[Seg::Key("band"), Seg::Index(i)]);
    let n_factors = r.factors.len() as u32;
    let per_side = |side: Side| r.factors.iter().filter(|f| f.side == side).count() as u32;
    let with_evidence = r.factors.iter().filter(|f| !f.evidence.is_empty()).count() as u32;
    for (i, b) in r.bands.iter().enumerate() {
        let impossible = if b.min_factors.is_some_and(|n| n > n_factors) {
            Some((
                "min-factors",
                format!("the rubric has only {n_factors} factors"),
            ))
        } else if b
            .min_per_side
            .is_some_and(|n| n > per_side(Side::For).min(per_side(Side::Against)))
        {
            Some((
                "min-per-side",
                format!(
                    "the rubric has {} 'for' and {} 'against' factors",
                    per_side(Side::For),
                    per_side(Side::Against)
                ),
            ))
        } else if b.min_evidence.is_some_and(|n| n > with_evidence) {
            Some((
                "min-evidence",
                format!("only {with_evidence} factors list `evidence`"),
            ))
        } else {
            None
        };
        if let Some((key, why)) = impossible {
            out.push(
                Diagnostic::error(format!("band level {} can never apply: {why}", b.level))
                    .at(at(i, key))
                    .label("cannot be reached")
                    .help("lower this condition, or add the factors it needs"),
            );
            continue;
        }
        for earlier in r.bands.iter().take(i) {
            if implies(b, earlier) {
                out.push(
                    Diagnostic::error(format!(
                        "band level {} can never apply: band level {} above it asks for no more, so it always applies first",
                        b.level, earlier.level
                    ))
                    .at(whole(i))
                    .label("unreachable")
                    .help(format!(
                        "bands are tried top to bottom; give level {} stricter conditions than level {}, or reorder them",
                        earlier.level, b.level
                    )),
                );
                break;
            }
        }
        if let Some(prev) = i.checked_sub(1).map(|j| &r.bands[j]) {
            if b.marks[1] >= prev.marks[0]
                && b.marks[0] <= prev.marks[1]
                && !(b.marks == [0, 0] && prev.marks == [0, 0])
            {
                out.push(
                    Diagnostic::error(format!(
                        "band level {} marks {:?} overlap band level {} above it ({:?})",
                        b.level, b.marks, prev.level, prev.marks
                    ))
                    .at(at(i, "marks"))
                    .label("overlapping marks")
                    .help("each band's marks should sit below the band above, e.g. L5 21–25, L4 16–20"),
                );
            } else if b.marks[0] > prev.marks[1] {
                out.push(
                    Diagnostic::error(format!(
                        "band level {} (marks {:?}) is listed below band level {} (marks {:?}) but gives more marks",
                        b.level, b.marks, prev.level, prev.marks
                    ))
                    .at(at(i, "marks"))
                    .label("out of order")
                    .help("list bands from the highest marks to the lowest; the first that applies is used"),
                );
            }
        }
    }
    out
}

/// Whether meeting `later`'s conditions always meets `earlier`'s too.
fn implies(later: &Band, earlier: &Band) -> bool {
    let le = |e: Option<u32>, l: Option<u32>| e.unwrap_or(0) <= l.unwrap_or(0);
    le(earlier.min_factors, later.min_factors)
        && earlier.min_coverage.unwrap_or(0.0) <= later.min_coverage.unwrap_or(0.0)
        && le(earlier.min_per_side, later.min_per_side)
        && le(earlier.min_evidence, later.min_evidence)
        && (earlier.judgement != Some(true) || later.judgement == Some(true))
}

/// Bands that leave marks or levels out, or whose coverage thresholds rise
/// going down: allowed, but almost always a slip.
fn band_warnings(r: &Rubric, loc: &Locator) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at =
        |i: usize, key: &'static str| loc.span(&[Seg::Key("band"), Seg::Index(i), Seg::Key(key)]);
    let range = |lo: u32, hi: u32| {
        if lo == hi {
            format!("{lo} mark{}", if lo == 1 { "" } else { "s" })
        } else {
            format!("{lo}–{hi} marks")
        }
    };
    for (i, pair) in r.bands.windows(2).enumerate() {
        let (upper, lower) = (&pair[0], &pair[1]);
        if lower.marks[1] + 1 < upper.marks[0] {
            let missing = range(lower.marks[1] + 1, upper.marks[0] - 1);
            out.push(
                Diagnostic::warning(format!(
                    "no band gives {missing}: level {} starts at {} and level {} below it stops at {}",
                    upper.level, upper.marks[0], lower.level, lower.marks[1]
                ))
                .at(at(i + 1, "marks"))
                .label("a level is missing above this band")
                .help(format!(
                    "add a band for {missing} between them, or widen one of them to meet the other"
                )),
            );
        } else if upper.level > lower.level + 1 {
            out.push(
                Diagnostic::warning(format!(
                    "no band has level {}: level {} is followed by level {}",
                    lower.level + 1,
                    upper.level,
                    lower.level
                ))
                .at(at(i + 1, "level"))
                .label("the level above this is missing")
                .help("number the levels without gaps, e.g. AQA's 5, 4, 3, 2, 1"),
            );
        }
        if let (Some(up), Some(down)) = (upper.min_coverage, lower.min_coverage)
            && down > up
        {
            out.push(
                Diagnostic::warning(format!(
                    "band level {} asks for more coverage ({down}) than level {} above it ({up})",
                    lower.level, upper.level
                ))
                .at(at(i + 1, "min-coverage"))
                .label("higher than the band above")
                .help(format!(
                    "`min-coverage` should fall going down the levels: give level {} less than {up}, or level {} more",
                    lower.level, upper.level
                )),
            );
        }
    }
    if let (Some(top), Some(max)) = (r.bands.first(), r.max_mark)
        && top.marks[1] < max
    {
        out.push(
            Diagnostic::warning(format!(
                "no band gives {}: `max-mark = {max}` but the top band stops at {}",
                range(top.marks[1] + 1, max),
                top.marks[1]
            ))
            .at(at(0, "marks"))
            .label("below max-mark")
            .help("raise this band's top mark to max-mark, or lower max-mark"),
        );
    }
    if let Some(bottom) = r.bands.last()
        && bottom.marks[0] > 1
    {
        out.push(
            Diagnostic::warning(format!(
                "no band gives {}: the lowest band, level {}, starts at {}",
                range(1, bottom.marks[0] - 1),
                bottom.level,
                bottom.marks[0]
            ))
            .at(at(r.bands.len() - 1, "marks"))
            .label("nothing below this band")
            .help("add a band for the weakest plans that still earn something, e.g. level 1 with marks [1, 5]"),
        );
    }
    out
}

fn words_of(text: &str, expander: &Expander) -> Vec<String> {
    expander
        .expand(text, tokenize(text))
        .into_iter()
        .map(|t| t.stem.to_string())
        .collect()
}

/// Content-word stems of a wording, in order, without stopwords.
fn content_stems(text: &str, expander: &Expander) -> Vec<String> {
    words_of(text, expander)
        .into_iter()
        .filter(|w| !is_stopword(w))
        .collect()
}

/// Whether `small` occurs in `big` as a run of consecutive words.
fn contains_run(big: &[String], small: &[String]) -> bool {
    !small.is_empty() && big.windows(small.len()).any(|w| w == small)
}

/// What `with`, `not` and phrases inside other factors' phrases will do.
fn sense_warnings(r: &Rubric, loc: &Locator, expander: &Expander) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let path = |i: usize, key: &'static str, j: usize| {
        loc.span(&[
            Seg::Key("factor"),
            Seg::Index(i),
            Seg::Key(key),
            Seg::Index(j),
        ])
    };
    // Each phrase's content stems, by factor.
    let stems: Vec<Vec<Vec<String>>> = r
        .factors
        .iter()
        .map(|f| {
            f.phrases
                .iter()
                .map(|p| content_stems(&p.text, expander))
                .collect()
        })
        .collect();
    for (i, f) in r.factors.iter().enumerate() {
        for (j, p) in f.phrases.iter().enumerate() {
            let own = &stems[i][j];
            // A companion inside the phrase itself is always there.
            for w in p.companions(f) {
                let ws = content_stems(w, expander);
                if contains_run(own, &ws) {
                    let at = match p.with {
                        Some(_) => loc.span(&[
                            Seg::Key("factor"),
                            Seg::Index(i),
                            Seg::Key("phrases"),
                            Seg::Index(j),
                        ]),
                        None => loc.span(&[Seg::Key("factor"), Seg::Index(i), Seg::Key("with")]),
                    };
                    out.push(
                        Diagnostic::warning(format!(
                            "`with` wording `{w}` is part of phrase `{}` of factor `{}`, so the condition always holds",
                            p.text, f.id
                        ))
                        .at(at)
                        .label("always satisfied")
                        .help("a companion should be a different word that shows the right sense, e.g. `with = [\"1918\", \"divorce\"]` for \"Family Code\""),
                    );
                }
            }
            // Another factor's longer phrase holding this one wins where both match.
            for (k, g) in r.factors.iter().enumerate() {
                if k == i {
                    continue;
                }
                for (l, q) in g.phrases.iter().enumerate() {
                    let theirs = &stems[k][l];
                    if theirs.len() > own.len() && contains_run(theirs, own) {
                        out.push(
                            Diagnostic::note(format!(
                                "phrase `{}` of factor `{}` is part of phrase `{}` of factor `{}`",
                                p.text, f.id, q.text, g.id
                            ))
                            .at(path(i, "phrases", j))
                            .label(format!("inside `{}`", q.text))
                            .help(format!(
                                "where a plan writes \"{}\", only `{}` is credited and the match for `{}` is reported as not credited; reword one of them if both should count",
                                q.text, g.id, f.id
                            )),
                        );
                    }
                }
            }
        }
        // A `not` wording inside one of the factor's own phrases rejects every match of it.
        for (j, n) in f.not.iter().enumerate() {
            let ns = content_stems(n, expander);
            if let Some(p) = f
                .phrases
                .iter()
                .zip(&stems[i])
                .find(|(_, own)| contains_run(own, &ns))
                .map(|(p, _)| p)
            {
                out.push(
                    Diagnostic::warning(format!(
                        "`not` wording `{n}` of factor `{}` is part of its own phrase `{}`: that phrase can never count",
                        f.id, p.text
                    ))
                    .at(path(i, "not", j))
                    .label("rejects the factor's own phrase")
                    .help("`not` lists wordings of a wrong sense that appear beside a phrase, e.g. `not = [\"1936\"]` for \"Family Code\""),
                );
            }
        }
    }
    out
}

fn warnings(r: &Rubric, loc: &Locator, ctx: &CheckContext) -> Vec<Diagnostic> {
    let mut out = band_warnings(r, loc);
    let expander = Expander::new(
        r.abbreviations
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
        r.shorthand,
    );
    let phrase_at = |i: usize, key: &'static str, j: usize| {
        loc.span(&[
            Seg::Key("factor"),
            Seg::Index(i),
            Seg::Key(key),
            Seg::Index(j),
        ])
    };
    // Who owns each phrase (by its stemmed content words).
    let mut owners: BTreeMap<Vec<String>, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, f) in r.factors.iter().enumerate() {
        for (j, p) in f.phrases.iter().enumerate() {
            let p = p.text.as_str();
            let tokens = tokenize(p);
            let is_abbreviation = r.abbreviations.contains_key(p.trim());
            if tokens.len() == 1 && !is_abbreviation {
                let word = tokens[0].base.as_str();
                if word.chars().count() < 3 {
                    out.push(
                        Diagnostic::warning(format!("alias `{p}` of factor `{}` is shorter than 3 letters", f.id))
                            .at(phrase_at(i, "phrases", j))
                            .label("matches too much")
                            .help(format!(
                                "if it is an abbreviation, declare it under [abbreviations] (e.g. {p} = \"{}\") and use the full words here",
                                f.label
                            )),
                    );
                } else if is_loose_word(word) {
                    out.push(
                        Diagnostic::warning(format!("alias `{p}` of factor `{}` is a common English word", f.id))
                            .at(phrase_at(i, "phrases", j))
                            .label("will match plans that are not about this factor")
                            .help("use a longer wording students write for this factor, e.g. two or three words"),
                    );
                }
            }
            let mut key: Vec<String> = words_of(p, &expander)
                .into_iter()
                .filter(|w| !is_stopword(w))
                .collect();
            key.sort();
            owners.entry(key).or_default().push((i, j));
        }
        for (j, e) in f.exclude.iter().enumerate() {
            // An exclude whose every word is in a phrase matches wherever that
            // phrase does, so the phrase can never count.
            let ex: Vec<String> = words_of(e, &expander);
            for p in f.phrases.iter().map(|p| p.text.as_str()) {
                let own: Vec<String> = words_of(p, &expander);
                if !ex.is_empty() && ex.iter().all(|w| own.contains(w)) {
                    out.push(
                        Diagnostic::warning(format!(
                            "exclude `{e}` of factor `{}` matches wherever its own phrase `{p}` does: that phrase can never count",
                            f.id
                        ))
                        .at(phrase_at(i, "exclude", j))
                        .label("blocks the factor's own phrase")
                        .help("an exclude should be a longer wording that only looks alike, e.g. \"a testament to\" for \"testament\""),
                    );
                }
            }
        }
    }
    out.extend(sense_warnings(r, loc, &expander));
    for (key, places) in &owners {
        let factors: Vec<usize> = {
            let mut f: Vec<usize> = places.iter().map(|&(i, _)| i).collect();
            f.dedup();
            f
        };
        if factors.len() > 1 && !key.is_empty() {
            let (i, j) = places[1];
            let first = &r.factors[places[0].0];
            out.push(
                Diagnostic::warning(format!(
                    "phrase `{}` is in factor `{}` and factor `{}`",
                    r.factors[i].phrases[j].text, first.id, r.factors[i].id
                ))
                .at(phrase_at(i, "phrases", j))
                .label("also in another factor")
                .help("a plan that writes it will be credited with both; keep it in the factor it belongs to"),
            );
        }
    }
    // Each factor should match its own hint and its card point.
    if let Ok(grader) = Grader::new(r.clone()) {
        for (i, f) in r.factors.iter().enumerate() {
            if let Some(hint) = &f.hint {
                let g = grader.grade("hint", hint);
                if !g.factor(&f.id).is_some_and(|x| x.covered) {
                    out.push(
                        Diagnostic::warning(format!("factor `{}` does not match its own hint", f.id))
                            .at(loc.span(&[Seg::Key("factor"), Seg::Index(i), Seg::Key("hint")]))
                            .label("no phrase or pattern matches this text")
                            .help("a student who writes the hint would get no credit: add a phrase from it to `phrases`"),
                    );
                }
            }
        }
        if let Some(card) = ctx.card {
            for p in &card.points {
                let text = format!("{}: {}", p.headline, p.detail);
                let g = grader.grade("point", &text);
                let side_match = g
                    .factors
                    .iter()
                    .any(|f| f.covered && (f.side == p.side || f.side == Side::Neutral));
                if !side_match {
                    out.push(
                        Diagnostic::warning(format!(
                            "no '{}' factor matches the card's point `{}`",
                            p.side, p.headline
                        ))
                        .at(loc.span(&[Seg::Key("card")]))
                        .label("the model answer's point gets no credit")
                        .help("add a factor for it, or an alias from its wording to the factor it belongs to"),
                    );
                }
            }
        }
    }
    out
}
