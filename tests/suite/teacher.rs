//! Teachers' tools through the real binary: `rubric check` (each lint with its
//! message and exit code), `rubric new`, and `rubric test`.

use crate::common::planmark;
use predicates::prelude::*;
use std::path::PathBuf;

const BANDS: &str = "\n[[band]]\nlevel = 2\nmarks = [2, 2]\nmin-factors = 1\njudgement = true\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n[[band]]\nlevel = 0\nmarks = [0, 0]\n";

fn factor(id: &str, extra: &str) -> String {
    format!("\n[[factor]]\nid = \"{id}\"\nlabel = \"{id}\"\n{extra}\n")
}

/// Writes a rubric and runs `rubric check` on it.
fn check(body: &str, args: &[&str]) -> (tempfile::TempDir, assert_cmd::assert::Assert) {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("r.toml");
    std::fs::write(&path, format!("id = \"r\"\nmax-mark = 2\n{body}")).unwrap();
    let assert = planmark()
        .args(["rubric", "check"])
        .args(args)
        .arg(&path)
        .assert();
    (dir, assert)
}

#[test]
fn a_clean_rubric_passes() {
    let body = format!(
        "{}{}{BANDS}",
        factor("alpha", "phrases = [\"Lenin's testament\"]"),
        factor("beta", "phrases = [\"socialism in one country\"]")
    );
    let (_d, a) = check(&body, &["--deny-warnings"]);
    a.code(0).stdout(
        predicate::str::contains("ok ").and(predicate::str::contains("0 errors, 0 warnings")),
    );
}

#[test]
fn errors_exit_2_with_line_column_and_fix() {
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!(
                "{}{}{BANDS}",
                factor("a", "phrases = [\"alpha one\"]"),
                factor("a", "phrases = [\"beta two\"]")
            ),
            "factor id `a` is used twice",
            "r.toml:10:6",
        ),
        (
            format!("{}{BANDS}", factor("a", "patterns = ['(?=x)alpha']")),
            "look-around",
            "r.toml:7:14",
        ),
        (
            format!(
                "{}\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 5\n[[band]]\nlevel = 0\nmarks = [0, 0]\n",
                factor("a", "phrases = [\"alpha one\"]")
            ),
            "band level 1 can never apply: the rubric has only 1 factors",
            "r.toml:12:15",
        ),
        (
            format!(
                "{}\n[[band]]\nlevel = 2\nmarks = [2, 2]\nmin-factors = 1\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\njudgement = true\n",
                factor("a", "phrases = [\"alpha one\"]")
            ),
            "band level 1 can never apply: band level 2 above it asks for no more",
            "r.toml:13:1",
        ),
        (
            format!(
                "{}\n[[band]]\nlevel = 2\nmarks = [1, 2]\nmin-factors = 1\njudgement = true\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
                factor("a", "phrases = [\"alpha one\"]")
            ),
            "band level 1 marks [1, 1] overlap band level 2 above it",
            "r.toml:16:9",
        ),
        (
            format!(
                "card = \"russia-1917-53/nope\"\n{}{BANDS}",
                factor("a", "phrases = [\"alpha one\"]")
            ),
            "card `russia-1917-53/nope` does not exist",
            "r.toml:3:8",
        ),
    ];
    for (body, message, place) in cases {
        let (_d, a) = check(&body, &[]);
        a.code(2)
            .stderr(predicate::str::contains(message).and(predicate::str::contains(place)));
    }
}

#[test]
fn warnings_name_what_will_mis_grade() {
    let cases: Vec<(String, &str)> = vec![
        (
            format!(
                "{}{BANDS}",
                factor("a", "phrases = [\"power\", \"alpha one\"]")
            ),
            "alias `power` of factor `a` is a common English word",
        ),
        (
            format!(
                "{}{BANDS}",
                factor("a", "phrases = [\"NE\", \"alpha one\"]")
            ),
            "alias `NE` of factor `a` is shorter than 3 letters",
        ),
        (
            format!(
                "{}{}{BANDS}",
                factor("a", "phrases = [\"Lenin's testament\"]"),
                factor("b", "phrases = [\"testament of Lenin\"]")
            ),
            "phrase `testament of Lenin` is in factor `a` and factor `b`",
        ),
        (
            format!(
                "{}{BANDS}",
                factor(
                    "a",
                    "phrases = [\"Lenin's testament\"]\nexclude = [\"testament\"]"
                )
            ),
            "exclude `testament` of factor `a` matches wherever its own phrase `Lenin's testament` does",
        ),
        (
            format!(
                "{}{BANDS}",
                factor(
                    "a",
                    "phrases = [\"Lenin's testament\"]\nhint = \"Trotsky kept quiet about Lenin's last letters.\""
                )
            ),
            "factor `a` does not match its own hint",
        ),
        (
            format!(
                "card = \"russia-1917-53/stalin-trotsky\"\n{}{BANDS}",
                factor("a", "side = \"for\"\nphrases = [\"Lenin's testament\"]")
            ),
            "no 'against' factor matches the card's point `Socialism in one country`",
        ),
    ];
    for (body, message) in cases {
        let (_d, a) = check(&body, &[]);
        a.code(0).stderr(predicate::str::contains(message));
        let (_d, a) = check(&body, &["--deny-warnings"]);
        a.code(1);
    }
}

#[test]
fn the_shipped_rubrics_check_clean() {
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

#[test]
fn a_starter_rubric_parses_checks_clean_and_tops_its_model_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("starter.toml");
    planmark()
        .args([
            "rubric",
            "new",
            "--card",
            "russia-1917-53/stalin-trotsky",
            "-o",
        ])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# One [[factor]] per point"),
        "explains its keys"
    );
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .arg(&path)
        .assert()
        .success();
    let lib = planmark::library::Library::builtin();
    let (_, card) = lib.card("russia-1917-53/stalin-trotsky").unwrap();
    let (level, top) = planmark::authoring::starter::model_answer_level(&text, card).unwrap();
    assert_eq!(level, top, "the card's model answer reaches the top band");
    assert_eq!(top, 5);
    // Never overwrites.
    planmark()
        .args(["rubric", "new", "--card", "stalin-trotsky", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("never overwritten"));
}

#[test]
fn rubric_test_reports_agreement_and_gates_ci() {
    planmark()
        .args(["rubric", "test", "stalin-trotsky"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("micro (all factors)")
                .and(predicate::str::contains("quadratic weighted kappa")),
        );
    // A sample that disagrees: the grader's words are shown, and thresholds fail.
    let dir = tempfile::tempdir().unwrap();
    let rubric = dir.path().join("mine.toml");
    std::fs::write(
        &rubric,
        format!(
            "id = \"mine\"\nmax-mark = 2\n{}{}{BANDS}",
            factor("a", "phrases = [\"Lenin's testament\"]"),
            factor("b", "phrases = [\"funeral\"]")
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.samples.toml"),
        "[[sample]]\nid = \"one\"\ntext = \"Lenin's testament and the funeral\"\nfactors = [\"a\", \"b\"]\nmark = 2\n\
         [[sample]]\nid = \"two\"\ntext = \"a testament to his funeral speech\"\nfactors = []\nmark = 0\n\
         [[sample]]\nid = \"three\"\ntext = \"Lenin's will\"\nfactors = [\"a\"]\nmark = 1\n",
    )
    .unwrap();
    planmark()
        .args(["rubric", "test", "--min-f1", "0.9"])
        .arg(&rubric)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("two: credited `b` for “funeral”")
                .and(predicate::str::contains("three: missed `a`")),
        );
}

#[test]
fn every_card_gets_a_starter_rubric_that_tops_its_own_model_answer() {
    let lib = planmark::library::Library::builtin();
    for deck in &lib.decks {
        for card in &deck.item.cards {
            let abbreviations = planmark::authoring::starter::deck_abbreviations(
                &deck.item,
                card,
                &Default::default(),
            );
            let text = planmark::authoring::starter::starter_rubric(
                &deck.item.id,
                card,
                &abbreviations,
                &card.id,
            );
            let (level, top) = planmark::authoring::starter::model_answer_level(&text, card)
                .unwrap_or_else(|| panic!("{}: the starter rubric does not parse", card.id));
            assert_eq!(
                level, top,
                "{}: model answer reaches level {level} of {top}",
                card.id
            );
            let report = planmark::authoring::check::check_rubric(
                std::path::Path::new("starter.toml"),
                &text,
                &planmark::authoring::check::CheckContext {
                    card: Some(card),
                    card_missing: false,
                },
            );
            // Notes (a phrase inside another factor's) say how it will
            // grade; they are not mistakes.
            let problems: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity != planmark::model::Severity::Note)
                .collect();
            assert!(problems.is_empty(), "{}: {:#?}", card.id, problems);
        }
    }
}

#[test]
fn rubric_test_reads_the_examiners_layout_and_picks_the_rubric_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.toml");
    std::fs::write(
        &path,
        "rubric = \"women\"\n\n[[plan]]\nid = \"w1\"\nkind = \"short\"\ncovered = [\"double-burden\"]\njudgement = false\nlevel = 1\nmark = 3\nnotes = \"one factor\"\ntext = \"Women still did the housework and childcare after a full shift.\"\n\n[[plan]]\nid = \"w2\"\nkind = \"off-topic\"\ncovered = []\njudgement = false\nlevel = 0\nmark = 0\nnotes = \"nothing\"\ntext = \"The Tsar abdicated in March 1917.\"\n",
    )
    .unwrap();
    let out = planmark()
        .args(["rubric", "test", "--json", "--samples"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rubrics"][0]["rubric"], "women");
    assert_eq!(v["rubrics"][0]["samples"], 2);
    assert_eq!(v["rubrics"][0]["factors"]["double-burden"]["tp"], 1);
    // A file that does not say its rubric needs one named.
    std::fs::write(&path, "[[sample]]\nid = \"a\"\ntext = \"x\"\nmark = 0\n").unwrap();
    planmark()
        .args(["rubric", "test", "--samples"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add `rubric = \"ID\"`"));
}

/// A small rubric of six factors (three each side) whose top band asks for
/// five factors and a judgement, and plans a teacher marked more generously.
const SIX: &str = r#"# A hand-made rubric for the tests
id = "six"
max-mark = 10

[[factor]]
id = "grain"
label = "Grain requisitioning"
side = "for"
phrases = ["grain requisitioning"]
evidence = ["1918"]

[[factor]]
id = "cheka"
label = "Cheka terror"
side = "for"
phrases = ["Cheka"]
evidence = ["Dzerzhinsky"]

[[factor]]
id = "army"
label = "Red Army discipline"
side = "for"
phrases = ["Red Army discipline"]

[[factor]]
id = "whites"
label = "White divisions"
side = "against"
phrases = ["Whites divided"]

[[factor]]
id = "intervention"
label = "Half-hearted intervention"
side = "against"
phrases = ["foreign intervention"]

[[factor]]
id = "peasants"
label = "Peasant support"
side = "against"
phrases = ["peasants feared the landlords"]

# Levels: the top needs five factors.
[[band]]
level = 2
marks = [6, 10]
min-factors = 5
min-per-side = 1
judgement = true

[[band]]
level = 1
marks = [1, 5]
min-factors = 1

[[band]]
level = 0
marks = [0, 0]
"#;

/// Plans in the examiner's layout: the teacher puts three factors on both
/// sides with a judgement at level 2.
fn six_plans() -> String {
    let plan = |id: &str, covered: &[&str], judgement: bool, level: u32, mark: u32, text: &str| {
        let covered: Vec<String> = covered.iter().map(|c| format!("\"{c}\"")).collect();
        format!(
            "[[plan]]\nid = \"{id}\"\ncovered = [{}]\njudgement = {judgement}\nlevel = {level}\nmark = {mark}\ntext = \"\"\"\n{text}\n\"\"\"\n\n",
            covered.join(", ")
        )
    };
    let mut s = String::from("rubric = \"six\"\n\n");
    s += &plan(
        "p1",
        &["grain", "cheka", "whites"],
        true,
        2,
        7,
        "Overall the Reds won through their own strength.\n- grain requisitioning fed the towns\n- the Cheka crushed dissent\n- Whites divided between generals",
    );
    s += &plan(
        "p2",
        &["army", "intervention", "cheka"],
        true,
        2,
        7,
        "The most important reason was Red Army discipline.\n- foreign intervention was weak\n- the Cheka shot deserters",
    );
    s += &plan(
        "p3",
        &["grain"],
        false,
        1,
        2,
        "- grain requisitioning in 1918",
    );
    s += &plan(
        "p4",
        &["grain", "cheka"],
        false,
        1,
        4,
        "- grain requisitioning\n- the Cheka and Dzerzhinsky",
    );
    s += &plan(
        "p5",
        &["whites", "peasants", "army"],
        true,
        2,
        8,
        "Mainly the Whites lost it.\n- Whites divided\n- peasants feared the landlords coming back\n- Red Army discipline under Trotsky",
    );
    s += &plan(
        "p6",
        &["intervention"],
        true,
        1,
        2,
        "- foreign intervention: this explains it best",
    );
    s += &plan("p7", &[], false, 0, 0, "I have not revised this topic.");
    s += &plan(
        "p8",
        &["cheka", "whites", "grain"],
        true,
        2,
        7,
        "Overall the terror mattered most.\n- Cheka\n- Whites divided\n- grain requisitioning",
    );
    s += &plan(
        "p9",
        &["peasants", "army"],
        true,
        1,
        4,
        "Overall the peasants decided it.\n- peasants feared the landlords\n- Red Army discipline",
    );
    s += &plan(
        "p10",
        &["grain", "army", "whites"],
        false,
        1,
        5,
        "- grain requisitioning\n- Red Army discipline\n- Whites divided",
    );
    s
}

fn six_setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let rubric = dir.path().join("six.toml");
    let plans = dir.path().join("plans.toml");
    std::fs::write(&rubric, SIX).unwrap();
    std::fs::write(&plans, six_plans()).unwrap();
    (dir, rubric, plans)
}

#[test]
fn rubric_test_lists_each_disagreement_with_marks_levels_and_judgement() {
    let (_dir, rubric, plans) = six_setup();
    let out = planmark()
        .args(["rubric", "test"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // p1 has three factors of six and a judgement: the bands give level 1,
    // 1 + 4 × 50% coverage.
    assert!(
        text.contains("p1: grader 3 (level 1), teacher 7 (level 2)\n"),
        "{text}"
    );
    // p6's judgement has no wording the grader knows.
    assert!(text.contains(
        "p6: grader 2 (level 1), teacher 2 (level 1); judgement not found by the grader, found by the teacher"
    ), "{text}");
    // p7 agrees on everything, so it is not listed.
    assert!(!text.contains("p7:"));
    assert!(text.contains("Marks (tuned: the rubric as it stands)"));
    assert!(text.contains("Marks (cross-validated: bands fitted on 4 of 5 folds"));
    assert!(text.contains(
        "Judgement: agrees with the teacher on 9 of 10 plans (90%): 1 missed, 0 found where the teacher saw none"
    ));
    assert!(text.contains("(grader 2.30 lower on average)"), "{text}");

    let out = planmark()
        .args(["rubric", "test", "--json"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["rubrics"][0];
    assert_eq!(r["judgement"]["samples"], 10);
    assert_eq!(r["judgement"]["accuracy"], 0.9);
    assert_eq!(r["judgement"]["missed"], 1);
    assert_eq!(r["marks"]["mean_error"], -2.3);
    assert!(r["marks"]["qwk"].is_number(), "the old keys stay");
    assert_eq!(r["cross_validated"]["folds"], 5);
    assert!(r["cross_validated"]["marks"]["qwk"].is_number());
    let d = r["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["sample"] == "p1")
        .unwrap();
    assert_eq!(d["teacher_level"], 2);
    assert_eq!(d["grader_level"], 1);
    assert_eq!(d["grader_mark"], 3);
    assert_eq!(d["teacher_judgement"], true);
    assert_eq!(d["grader_judgement"], true);
    assert!(v["pooled"]["mean_abs_error"].is_number());
}

#[test]
fn fit_bands_proposes_thresholds_that_agree_better_and_applies_them_on_request() {
    let (dir, rubric, plans) = six_setup();
    let run = |extra: &[&str]| {
        planmark()
            .args(["rubric", "test"])
            .arg(&rubric)
            .arg("--samples")
            .arg(&plans)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--fit-bands", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fit = &v["rubrics"][0]["band_fit"];
    let before = fit["before"]["mean_abs_error"].as_f64().unwrap();
    let tuned = fit["tuned"]["mean_abs_error"].as_f64().unwrap();
    assert!(tuned < before, "fitting lowers the error: {fit}");
    assert!(fit["cross_validated"]["qwk"].is_number());
    // The examiner's caps survive: level 2 still needs a judgement and both sides.
    let top = &fit["bands"][0];
    assert_eq!(top["judgement"], true);
    assert!(top["min-per-side"].as_u64().unwrap() >= 1);
    assert!(top["min-factors"].as_u64().unwrap_or(0) <= 3, "{top}");
    assert!(
        fit["toml"]
            .as_str()
            .unwrap()
            .starts_with("[[band]]\nlevel = 2\n")
    );
    // Printed, the rubric file is untouched.
    let out = run(&["--fit-bands"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("fitted, cross-validated"), "{text}");
    assert!(text.contains("Fitted bands (paste over"));
    assert_eq!(std::fs::read_to_string(&rubric).unwrap(), SIX);
    // Applied: the change is shown, comments stay, and the rubric checks.
    let out = run(&["--apply-bands"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("-min-factors = 5"), "{text}");
    let written = std::fs::read_to_string(&rubric).unwrap();
    assert_ne!(written, SIX);
    assert!(written.contains("# Levels: the top needs five factors."));
    assert!(written.contains("# A hand-made rubric for the tests"));
    planmark()
        .args(["rubric", "check"])
        .arg(&rubric)
        .assert()
        .success();
    let after = run(&["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(
        v["rubrics"][0]["marks"]["mean_abs_error"].as_f64().unwrap(),
        tuned,
        "the written bands score what the fit said"
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 2, "no temporary file left");
}

#[test]
fn built_in_rubrics_are_never_edited() {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("w.toml");
    std::fs::write(
        &plans,
        "rubric = \"women\"\n[[plan]]\nid = \"w1\"\ncovered = [\"double-burden\"]\nmark = 3\ntext = \"Women still did the housework after a full shift.\"\n",
    )
    .unwrap();
    planmark()
        .args(["rubric", "test", "--apply-bands", "--samples"])
        .arg(&plans)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rubric `women` is built in and is never edited",
        ));
}

#[test]
fn pooled_band_fit_needs_the_same_levels_and_gives_one_scheme() {
    let (dir, rubric, plans) = six_setup();
    // A second rubric with the same bands, under another id.
    let twin = dir.path().join("twin.toml");
    std::fs::write(&twin, SIX.replace("id = \"six\"", "id = \"twin\"")).unwrap();
    let twin_plans = dir.path().join("twin-plans.toml");
    std::fs::write(
        &twin_plans,
        six_plans().replace("rubric = \"six\"", "rubric = \"twin\""),
    )
    .unwrap();
    let lib = dir.path().to_str().unwrap().to_string();
    let out = planmark()
        .args([
            "--library",
            &lib,
            "rubric",
            "test",
            "--fit-bands",
            "--pool",
            "--samples",
        ])
        .arg(&plans)
        .arg(&twin_plans)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Band fit for 2 rubrics pooled"), "{text}");
    assert!(text.contains("(20 plans; 5-fold cross-validation)"));
    assert_eq!(text.matches("Fitted bands (paste over").count(), 1);
    // Different levels cannot share one scheme.
    std::fs::write(
        &twin,
        SIX.replace("id = \"six\"", "id = \"twin\"")
            .replace("marks = [6, 10]", "marks = [6, 9]"),
    )
    .unwrap();
    planmark()
        .args([
            "--library",
            &lib,
            "rubric",
            "test",
            "--fit-bands",
            "--pool",
            "--samples",
        ])
        .arg(&plans)
        .arg(&twin_plans)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("need the same levels and marks"));
    let _ = rubric;
}

#[test]
fn rubric_new_takes_its_id_from_the_file_or_id_and_warns_on_a_built_in_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my-women.toml");
    planmark()
        .args(["rubric", "new", "--card", "russia-1917-53/women", "-o"])
        .arg(&path)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("(id `my-women`)")
                .and(predicate::str::contains("warning").not()),
        );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nid = \"my-women\""), "{text}");
    // The card's Five-Year Plans bring their abbreviations, the Russia list's
    // Trotsky and Zinoviev do not.
    assert!(text.contains("\"5YP\" = \"Five-Year Plan\""));
    assert!(!text.contains("\"Z+K\""), "{text}");
    let phrases: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("phrases = "))
        .collect();
    assert_eq!(phrases.len(), 8);
    assert!(
        phrases.iter().all(|l| !l.contains("Most women worked")),
        "{phrases:?}"
    );
    // --id wins; a built-in's id is allowed but warned about.
    planmark()
        .args(["rubric", "new", "--card", "women", "--id", "women"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\nid = \"women\""))
        .stderr(predicate::str::contains(
            "`women` is already the id of a built-in rubric",
        ));
    planmark()
        .args(["rubric", "new", "--card", "women", "--id", "Not An Id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("e.g. `not-an-id`"));
}

#[test]
fn rubric_new_into_a_missing_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/dir/x.toml");
    planmark()
        .args(["rubric", "new", "--card", "women", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing/dir does not exist (create it first",
        ));
    assert!(!path.exists());
}

#[test]
fn rubric_check_reports_every_syntax_error_in_one_run() {
    let (_d, a) = check(
        "[[factor]]\nid = \"a\"\nlabel = \"a\nphrases = [\"alpha one\"]\nweight = 1.0.0\n[[factor]\nid = \"b\"\nlabel = \"b\"\nphrases = [x]\n[[band]]\nlevel = 1\nmarks = [1, 2]\n",
        &[],
    );
    let out = a.code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    for place in ["r.toml:5:11", "r.toml:7:13", "r.toml:8:10", "r.toml:11:12"] {
        assert!(err.contains(place), "{place} missing from:\n{err}");
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("4 errors"), "{stdout}");
}

#[test]
fn rubric_check_warns_on_a_missing_level_and_coverage_going_the_wrong_way() {
    let factors = format!(
        "{}{}",
        factor("a", "side = \"for\"\nphrases = [\"Lenin's testament\"]"),
        factor(
            "b",
            "side = \"against\"\nphrases = [\"socialism in one country\"]"
        )
    );
    let gap = "\n[[band]]\nlevel = 3\nmarks = [11, 15]\nmin-factors = 2\n[[band]]\nlevel = 1\nmarks = [1, 5]\nmin-factors = 1\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    std::fs::write(&path, format!("id = \"r\"\nmax-mark = 15\n{factors}{gap}")).unwrap();
    let a = planmark().args(["rubric", "check"]).arg(&path).assert();
    a.code(0).stderr(
        predicate::str::contains(
            "no band gives 6–10 marks: level 3 starts at 11 and level 1 below it stops at 5",
        )
        .and(predicate::str::contains("r.toml:22:9")),
    );
    let wrong_way = "\n[[band]]\nlevel = 2\nmarks = [2, 2]\nmin-factors = 2\nmin-coverage = 0.3\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-coverage = 0.5\n";
    let (_d, a) = check(&format!("{factors}{wrong_way}"), &["--deny-warnings"]);
    a.code(1).stderr(predicate::str::contains(
        "band level 1 asks for more coverage (0.5) than level 2 above it (0.3)",
    ));
}

#[test]
fn a_bad_side_says_for_or_against_in_any_case() {
    let (_d, a) = check(
        &format!(
            "{}{BANDS}",
            factor("a", "side = \"pro\"\nphrases = [\"alpha one\"]")
        ),
        &[],
    );
    a.code(2).stderr(
        predicate::str::contains("use for or against (any case), or neutral (the default)")
            .and(predicate::str::contains("FOR, For").not()),
    );
    let (_d, a) = check(
        &format!(
            "{}{BANDS}",
            factor("a", "side = \"aGaInSt\"\nphrases = [\"alpha one\"]")
        ),
        &[],
    );
    a.code(0);
}

/// A rubric whose phrases miss how two plans put the double burden, and
/// credit the 1936 Family Code as the 1918 one.
const LOOSE: &str = include_str!("../fixtures/authoring/loose.toml");

const LOOSE_PLANS: &str = include_str!("../fixtures/authoring/loose.samples.toml");

fn loose_setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let rubric = dir.path().join("loose.toml");
    let plans = dir.path().join("plans.toml");
    std::fs::write(&rubric, LOOSE).unwrap();
    std::fs::write(&plans, LOOSE_PLANS).unwrap();
    (dir, rubric, plans)
}

#[test]
fn rubric_suggest_shows_what_went_wrong_and_proposes_measured_changes() {
    let (_dir, rubric, plans) = loose_setup();
    let out = planmark()
        .args(["rubric", "suggest"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("missed (the teacher credited it, the grader did not):"),
        "{text}"
    );
    assert!(
        text.contains("b: “women cooked and cleaned after long shifts”"),
        "{text}"
    );
    assert!(text.contains("g: “the 1936 Family Code banned abortion” (matched “Family Code”)"));
    assert!(text.contains("+ “cooked and cleaned”"), "{text}");
    assert!(text.contains("+ “1936 Family Code”"), "{text}");
    assert!(
        text.contains("0.50 → 1.00"),
        "the factor's F1 before and after: {text}"
    );
    assert_eq!(
        std::fs::read_to_string(&rubric).unwrap(),
        LOOSE,
        "printing changes nothing"
    );

    let out = planmark()
        .args(["rubric", "suggest", "--json"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let proposals = v["proposals"].as_array().unwrap();
    let cooked = proposals
        .iter()
        .find(|p| p["text"] == "cooked and cleaned")
        .unwrap();
    assert_eq!(cooked["kind"], "phrase");
    assert_eq!(cooked["factor"], "burden");
    assert_eq!(cooked["precision"], 1.0);
    assert_eq!(cooked["right"], 2);
    assert_eq!(cooked["before"]["fn_"], 2);
    assert_eq!(cooked["after"]["fn_"], 0);
    let exclude = proposals.iter().find(|p| p["kind"] == "exclude").unwrap();
    assert_eq!(exclude["text"], "1936 Family Code");
    assert_eq!(v["factors"][0]["missed"][0]["sample"], "b");
}

#[test]
fn rubric_suggest_applies_only_what_the_teacher_accepts() {
    let (_dir, rubric, plans) = loose_setup();
    let json = planmark()
        .args(["rubric", "suggest", "--json"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let number = |text: &str| {
        v["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["text"] == text)
            .unwrap()["number"]
            .as_u64()
            .unwrap()
            .to_string()
    };
    let (cooked, code) = (number("cooked and cleaned"), number("1936 Family Code"));
    let out = planmark()
        .args(["rubric", "suggest"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .args(["--apply", &format!("{cooked},{code}")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("+phrases = [\"double burden\", \"cooked and cleaned\"] # the textbook term"),
        "{text}"
    );
    let written = std::fs::read_to_string(&rubric).unwrap();
    assert!(written.starts_with("# Women 1917-41, a first draft\n"));
    assert!(
        written.contains("exclude = [\"1936 Family Code\"]"),
        "{written}"
    );
    planmark()
        .args(["rubric", "check"])
        .arg(&rubric)
        .assert()
        .success();
    let test = planmark()
        .args(["rubric", "test", "--json"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .output()
        .unwrap();
    let t: serde_json::Value = serde_json::from_slice(&test.stdout).unwrap();
    assert_eq!(t["rubrics"][0]["micro"]["f1"], 1.0);

    // --accept asks for each; answers come from standard input.
    std::fs::write(&rubric, LOOSE).unwrap();
    let out = planmark()
        .args(["rubric", "suggest", "--accept", "--no-swaps"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .write_stdin("y\nq\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&rubric).unwrap();
    let r: toml::Table = toml::from_str(&written).unwrap();
    let factors = r["factor"].as_array().unwrap();
    let added = factors
        .iter()
        .map(|f| {
            f.get("phrases")
                .and_then(|p| p.as_array())
                .map_or(0, |a| a.len())
                + f.get("exclude")
                    .and_then(|p| p.as_array())
                    .map_or(0, |a| a.len())
        })
        .sum::<usize>();
    assert_eq!(added, 3, "one proposal accepted, then quit: {written}");

    // Unknown numbers and built-in rubrics are refused, and nothing changes.
    std::fs::write(&rubric, LOOSE).unwrap();
    planmark()
        .args(["rubric", "suggest"])
        .arg(&rubric)
        .arg("--samples")
        .arg(&plans)
        .args(["--apply", "99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no proposal 99"));
    assert_eq!(std::fs::read_to_string(&rubric).unwrap(), LOOSE);
    planmark()
        .args(["rubric", "suggest", "women", "--apply", "1", "--samples"])
        .arg(&plans)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rubric `women` is built in and is never edited",
        ));
}

#[test]
fn rubric_test_cross_validates_the_suggest_loop_on_request() {
    let (dir, rubric, _) = loose_setup();
    // A third plan that cooks and cleans: whichever of the three is held
    // out, the other two teach the phrase.
    let plans = dir.path().join("more.toml");
    std::fs::write(
        &plans,
        format!(
            "{LOOSE_PLANS}[[sample]]\nid = \"d\"\ntext = \"- cooked and cleaned after the factory\"\nfactors = [\"burden\"]\nmark = 3\n"
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = planmark()
            .args(["rubric", "test"])
            .args(extra)
            .arg(&rubric)
            .arg("--samples")
            .arg(&plans)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let v: serde_json::Value =
        serde_json::from_str(&run(&["--json", "--cv-suggest", "--folds", "6"])).unwrap();
    let r = &v["rubrics"][0];
    let cv = &r["cross_validated"]["suggest"];
    // Every plan is scored once, by a rubric tuned without it: all five
    // teacher credits are counted.
    let tp = cv["micro"]["tp"].as_u64().unwrap();
    assert_eq!(tp + cv["micro"]["fn"].as_u64().unwrap(), 5, "{cv}");
    // Held out, c and d are each found by "cooked and cleaned" learnt from
    // b and the other; b is not: c and d share no word with the factor, so
    // neither sentence is taken for a double-burden point to learn from.
    assert_eq!(tp, 4, "{cv}");
    assert!(cv["micro"]["f1"].as_f64().unwrap() > r["micro"]["f1"].as_f64().unwrap());
    assert!(cv["marks"]["qwk"].is_number());
    assert!(run(&["--cv-suggest", "--folds", "6"]).contains(
        "Factors (cross-validated: each factor's best suggestion accepted on 5 of 6 folds"
    ));
}
