//! Every shipped deck and rubric parses, links to the others, and grades a
//! card's own model answer at the top band (and nonsense at zero).

use planmark::Grader;
use planmark::library::{Library, Origin};

#[test]
fn every_shipped_file_loads() {
    let lib = Library::builtin();
    assert!(
        lib.problems.is_empty(),
        "broken shipped files: {:#?}",
        lib.problems
    );
    assert!(!lib.decks.is_empty() && !lib.rubrics.is_empty());
    for d in &lib.decks {
        assert!(matches!(d.origin, Origin::BuiltIn(_)));
        for c in &d.item.cards {
            assert!(!c.points.is_empty(), "{}/{} has no points", d.item.id, c.id);
            assert!(
                c.points
                    .iter()
                    .all(|p| !p.headline.is_empty() && !p.detail.is_empty())
            );
        }
    }
}

#[test]
fn every_rubric_links_to_an_existing_card_and_every_card_has_a_rubric() {
    let lib = Library::builtin();
    for r in &lib.rubrics {
        let card = r
            .item
            .card
            .as_deref()
            .unwrap_or_else(|| panic!("{} names no card", r.item.id));
        lib.card(card)
            .unwrap_or_else(|e| panic!("{}: {e}", r.item.id));
    }
    for d in &lib.decks {
        for c in &d.item.cards {
            assert!(
                lib.rubric_for_card(&d.item.id, &c.id).is_some(),
                "{}/{} has no rubric",
                d.item.id,
                c.id
            );
        }
    }
}

#[test]
fn model_answers_reach_the_top_band_and_nonsense_scores_zero() {
    let lib = Library::builtin();
    for r in &lib.rubrics {
        let (_, card) = lib.card(r.item.card.as_deref().unwrap()).unwrap();
        let top = r.item.bands.first().unwrap().level;
        let grader = Grader::new(r.item.clone()).unwrap();
        let model = grader.grade("model", &card.model_plan());
        assert_eq!(
            model.level, top,
            "{}: model answer got level {} ({:?})",
            r.item.id, model.level, model.feedback
        );
        // Within the top band: a model answer need not cover every factor of
        // a long rubric (stalin-trotsky has 19), so it may sit below the top mark.
        let [lo, hi] = r.item.bands.first().unwrap().marks;
        assert!(
            (lo..=hi).contains(&model.mark),
            "{}: model answer got {} outside {lo}-{hi}",
            r.item.id,
            model.mark
        );
        for nonsense in [
            "",
            "The weather in Paris is mild in spring and the cafes are busy.",
        ] {
            let g = grader.grade("x", nonsense);
            assert_eq!((g.mark, g.level), (0, 0), "{}: {nonsense:?}", r.item.id);
        }
    }
}

#[test]
fn the_seed_card_keeps_every_point_of_the_original_set() {
    let lib = Library::builtin();
    let (_, card) = lib.card("russia-1917-53/stalin-trotsky").unwrap();
    let seed_headlines = [
        "Overconfidence",
        "triumvirate",
        "testament",
        "funeral",
        "administration",
        "Congress",
        "permanent revolution",
        "United Opposition",
        "Expulsion",
        "General Secretary",
        "Red Army",
        "Socialism in one country",
        "Great Turn",
        "miscalculated",
    ];
    for h in seed_headlines {
        assert!(
            card.points.iter().any(|p| p.headline.contains(h)),
            "seed point {h} is missing"
        );
    }
    let for_count = card
        .points
        .iter()
        .filter(|p| p.side == planmark::model::Side::For)
        .count();
    assert_eq!(for_count, 9, "the seed has nine 'for' points");
}

#[test]
fn the_unit_has_sixteen_exam_style_cards_with_eight_points_each() {
    let lib = Library::builtin();
    let cards: Vec<_> = lib.decks.iter().flat_map(|d| d.item.cards.iter()).collect();
    assert!(cards.len() >= 16, "{} cards", cards.len());
    let stems = [
        "To what extent",
        "How far",
        "How significant",
        "How important",
        "How successful",
        "Assess the validity",
    ];
    for c in cards {
        assert!(
            stems.iter().any(|s| c.question.contains(s)),
            "{}: not an exam stem",
            c.id
        );
        assert!(c.points.len() >= 8, "{}: {} points", c.id, c.points.len());
        for side in [planmark::model::Side::For, planmark::model::Side::Against] {
            assert!(
                c.points.iter().any(|p| p.side == side),
                "{}: no {side} point",
                c.id
            );
        }
        // Precise evidence: most points carry a date or a figure.
        let dated = c
            .points
            .iter()
            .filter(|p| p.detail.chars().any(|ch| ch.is_ascii_digit()))
            .count();
        assert!(
            dated * 2 >= c.points.len(),
            "{}: only {dated} points with dates or figures",
            c.id
        );
    }
}
