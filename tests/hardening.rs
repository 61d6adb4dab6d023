//! Hostile and odd inputs (issue 9): no panic, bounded work, no silent loss,
//! no injection. Each test is named after the behaviour it guards.

mod common;

use common::planmark;
use predicates::prelude::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A small valid rubric to build hostile variants from.
fn rubric(extra_factor: &str, bands: &str) -> String {
    format!(
        "id = \"tiny\"\n[[factor]]\nid = \"a\"\nlabel = \"Alpha\"\nphrases = [\"alpha\"]\n{extra_factor}\n{bands}"
    )
}

const BAND: &str = "[[band]]\nlevel = 1\nmarks = [1, 5]\nmin-factors = 1\n";

#[test]
fn json_syntax_error_next_to_a_multibyte_character_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.json", "{\"id\": é}\n");
    planmark()
        .args(["rubric", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad.json").and(predicate::str::contains("panicked").not()),
        );
    // The same file in a library folder must not crash listing or grading.
    write(
        dir.path(),
        "bad2.json",
        "{\"id\": \"x\", \"factor\": [é]}\n",
    );
    for args in [vec!["rubrics"], vec!["decks"]] {
        planmark()
            .arg("--library")
            .arg(dir.path())
            .args(&args)
            .assert()
            .success()
            .stderr(predicate::str::contains("panicked").not());
    }
    planmark()
        .arg("--library")
        .arg(dir.path())
        .args(["grade", "-r", "stalin-trotsky"])
        .write_stdin("T arrogant")
        .assert()
        .success();
}

#[test]
fn pattern_error_after_escapes_and_accents_points_into_the_string() {
    let dir = tempfile::tempdir().unwrap();
    let text = rubric("patterns = [\"\\\\ééé\"]", BAND);
    let bad = write(dir.path(), "r.toml", &text);
    planmark()
        .args(["rubric", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("not a valid regex")
                .and(predicate::str::contains("panicked").not()),
        );
}

fn check(text: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "r.toml", text);
    planmark().args(["rubric", "check"]).arg(&p).assert()
}

#[test]
fn a_huge_band_level_is_refused_with_the_bound() {
    check(&rubric(
        "",
        "[[band]]\nlevel = 4294967295\nmarks = [1, 5]\n",
    ))
    .code(2)
    .stderr(predicate::str::contains("level").and(predicate::str::contains("20")));
}

#[test]
fn a_huge_max_mark_is_refused_before_any_grading() {
    let text =
        rubric("", BAND).replace("id = \"tiny\"\n", "id = \"tiny\"\nmax-mark = 4294967295\n");
    check(&text)
        .code(2)
        .stderr(predicate::str::contains("max-mark").and(predicate::str::contains("1000")));
    // A band reaching past the bound without max-mark is refused too.
    check(&rubric("", "[[band]]\nlevel = 1\nmarks = [1, 100000]\n"))
        .code(2)
        .stderr(predicate::str::contains("1000"));
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "r.toml", &text);
    planmark()
        .args(["grade", "-r"])
        .arg(&p)
        .write_stdin("alpha")
        .assert()
        .code(2);
}

#[test]
fn weights_that_overflow_or_are_not_numbers_are_refused_and_nan_is_never_printed() {
    let two_huge = rubric(
        "weight = 1e308\n[[factor]]\nid = \"b\"\nlabel = \"B\"\nphrases = [\"beta\"]\nweight = 1e308",
        BAND,
    );
    check(&two_huge)
        .code(2)
        .stderr(predicate::str::contains("total").and(predicate::str::contains("weight")));
    check(&rubric("weight = nan", BAND)).code(2).stderr(
        predicate::str::contains("not a number").and(predicate::str::contains("below 0").not()),
    );
    check(&rubric("weight = inf", BAND))
        .code(2)
        .stderr(predicate::str::contains("finite").and(predicate::str::contains("below 0").not()));
}

#[test]
fn grading_never_writes_nan_even_for_an_unchecked_rubric() {
    use planmark::Grader;
    let mut r = planmark::model::parse_rubric(
        std::path::Path::new("r.toml"),
        &rubric(
            "[[factor]]\nid = \"b\"\nlabel = \"B\"\nphrases = [\"beta\"]",
            BAND,
        ),
    )
    .unwrap();
    for f in &mut r.factors {
        f.weight = 1e308;
    }
    let g = Grader::new(r).unwrap();
    let result = g.grade("p", "alpha beta");
    assert!(result.coverage.is_finite(), "{}", result.coverage);
    let json = serde_json::to_string(&result).unwrap();
    assert!(
        !json.contains("NaN") && !json.contains("null,\"judgement"),
        "{json}"
    );
}

#[test]
fn band_marks_with_more_than_two_numbers_are_refused() {
    check(&rubric("", "[[band]]\nlevel = 1\nmarks = [1, 5, 9]\n"))
        .code(2)
        .stderr(predicate::str::contains("marks").and(predicate::str::contains("two")));
}

#[test]
fn patterns_that_match_the_empty_string_are_refused() {
    for p in ["", ".*", "\\\\b", "x*"] {
        check(&rubric(&format!("patterns = [\"{p}\"]"), BAND))
            .code(2)
            .stderr(predicate::str::contains("empty"));
    }
    check(&rubric("patterns = ['testament\\W+hidden']", BAND)).success();
}

#[test]
fn deeply_nested_keys_are_refused_with_a_line() {
    let deep = format!("id = \"x\"\n{}b = 1\n", "a.".repeat(20_000));
    check(&deep)
        .code(2)
        .stderr(predicate::str::contains("r.toml:2").and(predicate::str::contains("deep")));
}
