//! Property tests (stable, in `cargo test`, fixed case budgets): grading
//! never panics and is deterministic for arbitrary plans, rubric mutations
//! load or are refused without a panic, and Anki and Quizlet round trips
//! keep every card and point. The fuzz targets in `fuzz/` go further.

use planmark::Grader;
use planmark::interchange::{anki, knowt, termdef};
use planmark::library::Library;
use planmark::model::{Card, Deck, Point, Side, parse_rubric};
use proptest::prelude::*;
use std::sync::OnceLock;

fn graders() -> &'static Vec<Grader> {
    static G: OnceLock<Vec<Grader>> = OnceLock::new();
    G.get_or_init(|| {
        Library::builtin()
            .rubrics
            .into_iter()
            .map(|e| Grader::new(e.item).unwrap())
            .collect()
    })
}

/// Plan-like text: rubric words, shorthand, punctuation, bullets, odd
/// whitespace and any Unicode.
fn plan() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("Stalin".to_string()),
        Just("T".to_string()),
        Just("gen sec".to_string()),
        Just("Lenin's testament".to_string()),
        Just("SIOC".to_string()),
        Just("Z+K".to_string()),
        Just("overall".to_string()),
        Just("1924".to_string()),
        Just("-".to_string()),
        Just("\n- ".to_string()),
        Just("\r".to_string()),
        Just(".".to_string()),
        "[a-z]{1,12}",
        any::<String>(),
    ];
    prop::collection::vec(word, 0..80).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn grading_any_plan_is_safe_and_deterministic(pick in 0usize..64, text in plan()) {
        let gs = graders();
        let g = &gs[pick % gs.len()];
        let a = g.grade("p", &text);
        let b = g.grade("p", &text);
        prop_assert_eq!(&a, &b);
        prop_assert!(a.coverage.is_finite() && (0.0..=1.0).contains(&a.coverage));
        prop_assert!(a.mark <= a.max_mark);
        for f in &a.factors {
            for m in f.matches.iter().chain(&f.evidence_matches) {
                prop_assert!(m.start <= m.end && m.end <= text.len());
                prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            }
        }
    }

}

proptest! {
    // Each case parses and compiles a whole shipped rubric: a smaller budget.
    #![proptest_config(ProptestConfig { cases: 20, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_rubric_loads_or_is_refused_without_a_panic(
        cut in 0usize..4000,
        insert in prop_oneof![
            Just("\"".to_string()), Just("é".to_string()), Just("[[".to_string()),
            Just("\\\\".to_string()), Just("= 4294967295".to_string()), Just("\n[[band]]\n".to_string()),
            Just("weight = 1e308\n".to_string()), Just("patterns = ['.*']\n".to_string()),
            any::<String>(),
        ],
        json in any::<bool>(),
    ) {
        let lib = Library::builtin();
        let entry = lib.rubric("stalin-trotsky").unwrap();
        let base = if json {
            serde_json::to_string_pretty(&entry.item).unwrap()
        } else {
            entry.text.clone()
        };
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{insert}{}", &base[..at], &base[at..]);
        let path = if json { "r.json" } else { "r.toml" };
        match parse_rubric(std::path::Path::new(path), &text) {
            Ok(r) => {
                let g = Grader::new(r);
                if let Ok(g) = g {
                    let res = g.grade("p", "Overall T arrogant, gen sec appointments, Lenin's testament 1924");
                    prop_assert!(res.coverage.is_finite());
                }
            }
            Err(fd) => {
                for d in &fd.diagnostics {
                    if let Some(span) = &d.span {
                        let s = planmark::model::diag::clamp_to_chars(&fd.text, span.clone());
                        prop_assert!(fd.text.is_char_boundary(s.start) && fd.text.is_char_boundary(s.end));
                    }
                }
            }
        }
    }
}

/// Deck text as people write it: no separators of the formats inside.
fn field() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ,.'()?–-]{0,40}[A-Za-z0-9.?)]".prop_map(|s| s.to_string())
}

/// One to three fields on their own lines, as a detail or judgement written
/// over several lines in a deck file.
fn lines() -> impl Strategy<Value = String> {
    prop::collection::vec(field(), 1..4).prop_map(|l| l.join("\n"))
}

/// Decks for a format: `rich` ones (for Anki) also have multi-line
/// judgements and details, and questions that start with `#` or like a
/// point note (`For: `), which Quizlet text has no way to hold.
fn deck_for(rich: bool) -> impl Strategy<Value = Deck> {
    let text = move || {
        if rich {
            lines().boxed()
        } else {
            field().boxed()
        }
    };
    let point = (
        prop_oneof![Just(Side::For), Just(Side::Against), Just(Side::Neutral)],
        field(),
        text(),
    )
        .prop_map(|(side, headline, detail)| Point {
            side,
            headline,
            detail,
        });
    // Ids chosen by hand, not made from the question, as the shipped decks'
    // are: a round trip must keep them too.
    let card = (
        field(),
        prop::sample::select(vec!["", "#", "For: ", "Against: "]),
        text(),
        prop::collection::vec(point, 0..6),
        "[a-z][a-z0-9-]{0,20}",
    )
        .prop_map(move |(q, start, j, points, id)| Card {
            id,
            question: if rich {
                format!("{start}{q}?")
            } else {
                format!("{q}?")
            },
            judgement: j,
            tags: Vec::new(),
            points,
        });
    prop::collection::vec(card, 1..6).prop_map(|cards| {
        let mut seen = std::collections::HashSet::new();
        let cards = cards
            .into_iter()
            .filter(|c| seen.insert(c.id.clone()))
            .collect();
        Deck {
            id: "d".into(),
            title: "D".into(),
            description: None,
            cards,
        }
    })
}

fn same_content(a: &Deck, b: &Deck) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.cards.len(), b.cards.len());
    for (x, y) in a.cards.iter().zip(&b.cards) {
        prop_assert_eq!(&x.question, &y.question);
        prop_assert_eq!(&x.judgement, &y.judgement);
        prop_assert_eq!(&x.points, &y.points);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn anki_round_trips_keep_every_card_point_and_id(d in deck_for(true)) {
        let back = anki::import(&anki::export(&d), "d").deck;
        same_content(&d, &back)?;
        let ids: Vec<&str> = d.cards.iter().map(|c| c.id.as_str()).collect();
        let back_ids: Vec<&str> = back.cards.iter().map(|c| c.id.as_str()).collect();
        prop_assert_eq!(ids, back_ids);
    }

    #[test]
    fn quizlet_round_trips_keep_every_card_point_and_id(d in deck_for(false)) {
        for (t, c) in [("\t", "\n"), ("\t", ";"), (" :: ", "\n")] {
            let back = termdef::import(&termdef::export(&d, t, c), "d", "D", t, c).deck;
            same_content(&d, &back)?;
            let ids: Vec<&str> = d.cards.iter().map(|c| c.id.as_str()).collect();
            let back_ids: Vec<&str> = back.cards.iter().map(|c| c.id.as_str()).collect();
            prop_assert_eq!(ids, back_ids);
        }
    }

    #[test]
    fn page_round_trips_keep_every_card_point_and_id(d in deck_for(false)) {
        let text = knowt::export(&d);
        let imported = knowt::import(&text, "d");
        prop_assert!(imported.problems.is_empty(), "{:?}\n{}", imported.problems, text);
        let back = imported.deck;
        // A page has one line per bullet, spaces collapsed.
        let line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(&back.title, &d.title);
        prop_assert_eq!(back.cards.len(), d.cards.len());
        for (b, c) in back.cards.iter().zip(&d.cards) {
            prop_assert_eq!(&b.id, &c.id);
            prop_assert_eq!(&b.question, &line(&c.question));
            prop_assert_eq!(&b.judgement, &line(&c.judgement));
            prop_assert_eq!(b.points.len(), c.points.len(), "{}", text);
            for (p, q) in b.points.iter().zip(&c.points) {
                prop_assert_eq!(p.side, q.side);
                prop_assert_eq!(&p.headline, &line(&q.headline), "{}", text);
                prop_assert_eq!(&p.detail, &line(&q.detail), "{}", text);
            }
        }
    }
}
