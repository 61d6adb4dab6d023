//! Each matching rule of the grader, on a small purpose-built rubric, including
//! the traps: a plan must be read the way a fair examiner reads it.

use planmark::grade::{GradeResult, Grader, Rule};
use planmark::model::parse_rubric;
use std::path::Path;

const RUBRIC: &str = r#"
id = "test"
max-mark = 25

[abbreviations]
S = "Stalin"
T = "Trotsky"
"Z+K" = "Zinoviev and Kamenev"
SIOC = "socialism in one country"
"gen sec" = "General Secretary"

[[factor]]
id = "testament"
label = "Lenin's testament"
side = "for"
weight = 2.0
phrases = ["Lenin's testament", "last letters of Lenin"]
patterns = ['testament\W+(was\W+)?(suppressed|hidden|not published)']
exclude = ["a testament to"]
evidence = ["1924", "rude", "Central Committee"]
hint = "Trotsky did not press for publication in May 1924."

[[factor]]
id = "industrialisation"
label = "Industrialisation"
side = "against"
phrases = ["rapid industrialisation"]

[[factor]]
id = "collectivisation"
label = "Collectivisation"
side = "against"
phrases = ["collectivisation"]

[[factor]]
id = "trotsky"
label = "Trotsky's errors"
side = "for"
phrases = ["Trotsky's errors", "Trotsky miscalculated"]

[[factor]]
id = "zinoviev"
label = "Zinoviev"
side = "against"
phrases = ["Zinoviev"]

[[factor]]
id = "stalin-skill"
label = "Stalin's skill"
side = "against"
phrases = ["Stalin"]

[[factor]]
id = "left"
label = "The Left"
side = "neutral"
phrases = ["left"]

[[factor]]
id = "sioc"
label = "Socialism in one country"
side = "against"
phrases = ["socialism in one country"]

[[factor]]
id = "gensec"
label = "General Secretary"
side = "against"
phrases = ["General Secretary"]

[[factor]]
id = "funeral"
label = "Funeral"
side = "for"
phrases = ["funeral"]

[[factor]]
id = "government"
label = "Government"
side = "neutral"
phrases = ["government because of the war"]

[[band]]
level = 2
marks = [11, 25]
min-factors = 3
judgement = true

[[band]]
level = 1
marks = [1, 10]
min-factors = 1

[[band]]
level = 0
marks = [0, 0]
"#;

fn grader() -> Grader {
    Grader::new(parse_rubric(Path::new("test.toml"), RUBRIC).unwrap()).unwrap()
}

fn grade(plan: &str) -> GradeResult {
    grader().grade("t", plan)
}

fn covered(plan: &str) -> Vec<String> {
    grade(plan)
        .factors
        .into_iter()
        .filter(|f| f.covered)
        .map(|f| f.id)
        .collect()
}

fn first_match(plan: &str, factor: &str) -> Option<(String, Rule)> {
    let r = grade(plan);
    let f = r.factor(factor).unwrap();
    f.matches.first().map(|m| (m.text.clone(), m.rule))
}

#[test]
fn case_accents_curly_quotes_punctuation_and_bullets_do_not_matter() {
    for plan in [
        "LENIN'S TESTAMENT",
        "• Lénin’s  testament!!",
        "- lenin's... testament",
        "1) Lenin’s testament",
    ] {
        assert_eq!(covered(plan), ["testament"], "{plan}");
    }
}

#[test]
fn inflections_and_british_american_spellings_match() {
    assert!(
        covered("Stalin pushed rapid industrialization").contains(&"industrialisation".to_string())
    );
    assert!(covered("farms were collectivised").contains(&"collectivisation".to_string()));
    assert!(covered("collectivized farms").contains(&"collectivisation".to_string()));
    assert_eq!(
        first_match("rapidly industrialising", "industrialisation").map(|m| m.1),
        Some(Rule::Stem)
    );
}

#[test]
fn typos_match_when_the_word_is_long_enough() {
    assert_eq!(
        first_match("Trotksy's errors", "trotsky"),
        Some(("Trotksy's errors".into(), Rule::Fuzzy))
    );
    assert_eq!(
        first_match("Zinoview", "zinoviev").map(|m| m.1),
        Some(Rule::Fuzzy)
    );
    assert!(covered("Lenin's testamant").contains(&"testament".to_string()));
    // Two slips in a long word are forgiven, not in a short one.
    assert!(covered("colectivisaton").contains(&"collectivisation".to_string()));
}

#[test]
fn correctly_spelt_different_words_never_match() {
    assert!(!covered("a stain on his record").contains(&"stalin-skill".to_string()));
    assert!(!covered("the leftist faction").contains(&"left".to_string()));
    assert!(!covered("he was fundamental").contains(&"funeral".to_string()));
}

#[test]
fn rubric_abbreviations_expand_as_whole_tokens() {
    let r = grade("S was gen sec; Z+K backed SIOC");
    let m = &r.factor("stalin-skill").unwrap().matches[0];
    assert_eq!((m.text.as_str(), m.rule), ("S", Rule::Abbreviation));
    assert_eq!(r.factor("gensec").unwrap().matches[0].text, "gen sec");
    assert_eq!(r.factor("zinoviev").unwrap().matches[0].text, "Z+K");
    assert_eq!(r.factor("sioc").unwrap().matches[0].text, "SIOC");
}

#[test]
fn short_keys_never_match_inside_words_or_possessives() {
    // "Lenin's" holds an S, "s" is lower case, "Soviets" starts with S.
    assert!(!covered("Lenin's Soviets s").contains(&"stalin-skill".to_string()));
    // But the abbreviation itself may take a possessive.
    assert!(covered("S's skill").contains(&"stalin-skill".to_string()));
}

#[test]
fn builtin_shorthand_expands() {
    assert!(covered("govt b/c of the war").contains(&"government".to_string()));
    assert!(covered("socialism in 1 country").contains(&"sioc".to_string()));
    let r = grade("Z & K");
    assert!(
        !r.factor("zinoviev").unwrap().covered,
        "Z alone is not an abbreviation here"
    );
}

#[test]
fn phrase_words_may_be_reordered_or_a_few_words_apart() {
    assert_eq!(
        first_match("the testament of Lenin", "testament").map(|m| m.1),
        Some(Rule::Stem)
    );
    assert_eq!(
        first_match("Lenin's final testament", "testament"),
        Some(("Lenin's final testament".into(), Rule::Stem))
    );
    assert_eq!(
        first_match("Lenin's testament", "testament").map(|m| m.1),
        Some(Rule::Phrase)
    );
    // Too far apart, or in another sentence: no match.
    assert!(
        !covered("Lenin died and after many long months of arguing the testament")
            .contains(&"testament".to_string())
    );
    assert!(!covered("Lenin died. A testament was found").contains(&"testament".to_string()));
}

#[test]
fn excluded_and_look_alike_wordings_do_not_count() {
    let r = grade("Lenin's rise was a testament to his skill");
    assert!(!r.factor("testament").unwrap().covered);
    // A real mention in the same plan still counts.
    let r = grade("A testament to his skill. Lenin's testament was hidden.");
    assert!(r.factor("testament").unwrap().covered);
}

#[test]
fn negative_sentences_still_raise_the_factor() {
    assert!(covered("it wasn't really the funeral that mattered").contains(&"funeral".to_string()));
}

#[test]
fn patterns_match_and_report_their_rule() {
    let r = grade("his testament was suppressed");
    let f = r.factor("testament").unwrap();
    assert_eq!(f.matches[0].rule, Rule::Pattern);
    assert_eq!(f.matches[0].text, "testament was suppressed");
}

#[test]
fn evidence_counts_only_beside_the_factor() {
    let r = grade("- Lenin's testament called S rude, 1924\n- the Central Committee met");
    let f = r.factor("testament").unwrap();
    assert_eq!(f.evidence, ["1924", "rude"]);
    // The date also backs the other factor raised in that bullet ("S"), but
    // "Central Committee" in the next bullet backs nothing.
    assert_eq!(r.factor("stalin-skill").unwrap().evidence, ["1924"]);
    assert_eq!(r.evidenced, 2);
}

#[test]
fn spans_point_at_the_original_text() {
    let plan = "Overall: T’s errors mattered";
    let r = grade(plan);
    let m = &r.factor("trotsky").unwrap().matches[0];
    assert_eq!(&plan[m.start..m.end], m.text);
    assert_eq!(m.text, "T’s errors");
    assert_eq!(m.rule, Rule::Abbreviation);
}

#[test]
fn judgement_is_detected_and_quoted() {
    let r = grade("- Lenin's testament\n- To a large extent Stalin won through his own skill");
    assert!(r.judgement.found);
    assert_eq!(
        r.judgement.text.as_deref(),
        Some("To a large extent Stalin won through his own skill")
    );
    assert!(!grade("Lenin's testament").judgement.found);
}

#[test]
fn bands_levels_and_marks() {
    let weak = grade("Lenin's testament");
    assert_eq!(weak.level, 1);
    // "Overall" opens a judgement only when the sentence weighs something:
    // "Overall, Stalin won." alone answers no "to what extent".
    assert!(!grade("Overall, Stalin won.").judgement.found);
    let strong =
        grade("Overall, Stalin won mainly by skill. Lenin's testament. Funeral. SIOC. Zinoviev.");
    assert_eq!(strong.level, 2);
    assert!(strong.mark > 11 && strong.mark <= 25, "{}", strong.mark);
    // More coverage never lowers the mark within a band.
    let stronger = grade(
        "Overall, Stalin won mainly by skill. Lenin's testament. Funeral. SIOC. Zinoviev. Gen sec. Left.",
    );
    assert!(stronger.mark >= strong.mark);
}

#[test]
fn empty_plans_score_zero_with_a_message() {
    for plan in ["", "   \n\t "] {
        let r = grade(plan);
        assert_eq!((r.mark, r.level, r.covered), (0, 0, 0));
        assert!(
            r.feedback[0].contains("The plan is empty"),
            "{:?}",
            r.feedback
        );
    }
}

#[test]
fn feedback_names_missing_factors_with_hints_and_the_next_band() {
    let r = grade("Stalin");
    assert!(r.feedback.iter().any(|l| l.starts_with("To reach Level 2")));
    assert!(
        r.feedback
            .iter()
            .any(|l| l.contains("Lenin's testament") && l.contains("May 1924"))
    );
    assert!(
        r.feedback
            .iter()
            .any(|l| l.starts_with("No judgement found"))
    );
}

#[test]
fn output_is_deterministic() {
    let plan = "Overall S won. T's errors: testament of Lenin, funeral. Z+K. SIOC 1924";
    let a = serde_json::to_string(&grade(plan)).unwrap();
    let b = serde_json::to_string(&grade(plan)).unwrap();
    assert_eq!(a, b);
    let ids: Vec<_> = grade(plan).factors.into_iter().map(|f| f.id).collect();
    assert_eq!(ids[0], "testament", "factors keep rubric order");
}

#[test]
fn key_element_rubric_counts_elements() {
    let rubric = r#"
id = "key-elements"
max-mark = 3
[[factor]]
id = "a"
label = "A"
phrases = ["alpha"]
[[factor]]
id = "b"
label = "B"
phrases = ["bravo"]
[[factor]]
id = "c"
label = "C"
phrases = ["charlie"]
[[factor]]
id = "d"
label = "D"
phrases = ["delta"]
[[band]]
level = 3
marks = [3, 3]
min-factors = 4
[[band]]
level = 2
marks = [2, 2]
min-factors = 3
[[band]]
level = 1
marks = [1, 1]
min-factors = 1
[[band]]
level = 0
marks = [0, 0]
"#;
    let g = Grader::new(parse_rubric(Path::new("k.toml"), rubric).unwrap()).unwrap();
    let mark = |p: &str| g.grade("k", p).mark;
    assert_eq!(mark("alpha bravo charlie delta"), 3);
    assert_eq!(mark("alpha bravo charlie"), 2);
    assert_eq!(mark("alpha bravo"), 1);
    assert_eq!(mark("alpha"), 1);
    assert_eq!(mark("echo"), 0);
}

#[test]
fn long_phrases_keep_their_order_even_when_words_repeat() {
    let rubric = r#"
id = "order"
max-mark = 1
[[factor]]
id = "heir"
label = "Heir"
phrases = ["Stalin as Lenin's heir"]
[[factor]]
id = "zk"
label = "ZK"
phrases = ["Zinoviev and Kamenev underestimated Stalin"]
[[band]]
level = 1
marks = [1, 1]
min-factors = 1
"#;
    let g = Grader::new(parse_rubric(Path::new("o.toml"), rubric).unwrap()).unwrap();
    // The tightest window (Lenin's heir: Stalin) is out of order; a wider one is not.
    let r = g.grade(
        "o",
        "Stalin as Lenin's heir: Stalin built the cult of Lenin",
    );
    assert!(r.factor("heir").unwrap().covered);
    // Same words, other order: someone else underestimated them.
    let r = g.grade("o", "Trotsky underestimated Stalin, Zinoviev and Kamenev");
    assert!(!r.factor("zk").unwrap().covered);
    let r = g.grade("o", "Zinoviev and Kamenev also underestimated Stalin");
    assert!(r.factor("zk").unwrap().covered);
}

#[test]
fn a_plan_of_one_abbreviation_is_not_empty() {
    let r = grade("SIOC");
    assert_eq!(r.words, 1);
    assert!(r.factor("sioc").unwrap().covered);
    assert!(r.mark > 0);
}

#[test]
fn sides_in_any_case_and_zero_weights_are_accepted() {
    let rubric = "id = \"w\"\nmax-mark = 2\n[[factor]]\nid = \"a\"\nlabel = \"A\"\nside = \"For\"\nweight = 0\nphrases = [\"alpha\"]\n\
                  [[factor]]\nid = \"b\"\nlabel = \"B\"\nside = \"AGAINST\"\nphrases = [\"beta\"]\n";
    let g = Grader::new(parse_rubric(Path::new("w.toml"), rubric).unwrap()).unwrap();
    let r = g.grade("w", "alpha");
    assert_eq!(r.factor("a").unwrap().side, planmark::model::Side::For);
    assert!(r.factor("a").unwrap().covered);
    assert_eq!(r.coverage, 0.0, "a zero-weight factor adds no coverage");
    assert_eq!(g.grade("w", "beta").coverage, 1.0);
}
