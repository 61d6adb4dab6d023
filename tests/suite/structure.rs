//! How a plan's structure and wording are read, through the real binary:
//! lines as segments, carriage returns, negation, headings that name a
//! factor, judgements in plain words, figures as evidence, and how sure
//! each credit is.

use crate::common::planmark;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const RUBRIC: &str = r#"
id = "structure-test"
question = "How successful was collectivisation?"
max-mark = 10

[[factor]]
id = "procurements"
label = "State grain procurements rose"
phrases = ["state grain procurements", "grain for the state"]

[[factor]]
id = "kornilov"
label = "The Kornilov Affair"
phrases = ["Kornilov coup"]

[[factor]]
id = "succession"
label = "Unclear succession"
phrases = ["not named a successor", "successor was not elected"]

[[factor]]
id = "industry"
label = "Heavy industry grew"
phrases = ["steel output"]

[[band]]
level = 1
marks = [1, 10]
min-factors = 1
"#;

fn rubric(dir: &Path) -> PathBuf {
    let path = dir.join("structure-test.toml");
    std::fs::write(&path, RUBRIC).unwrap();
    path
}

fn grade_json(rubric: &Path, plan: &str) -> serde_json::Value {
    let out = planmark()
        .args(["grade", "--format", "json", "--rubric"])
        .arg(rubric)
        .write_stdin(plan)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn factor<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap()
}

#[test]
fn a_phrase_never_spans_two_lines_of_notes() {
    let dir = tempfile::tempdir().unwrap();
    let r = rubric(dir.path());
    for plan in [
        "Stalin wanted more grain\nthe state was brutal\n",
        "Stalin wanted more grain\rthe state was brutal\r",
        "Stalin wanted more grain\r\nthe state was brutal\r\n",
    ] {
        let v = grade_json(&r, plan);
        assert_eq!(factor(&v, "procurements")["covered"], false, "{plan:?}");
    }
    // A line ending on a connective plainly goes on.
    let v = grade_json(&r, "Stalin took more grain for\nthe state in 1930\n");
    assert_eq!(factor(&v, "procurements")["covered"], true);
}

#[test]
fn contractions_and_never_read_as_not() {
    let dir = tempfile::tempdir().unwrap();
    let r = rubric(dir.path());
    for plan in [
        "Lenin hadn't named a successor",
        "Lenin never named a successor",
        "a successor wasn't elected",
    ] {
        let v = grade_json(&r, plan);
        assert_eq!(factor(&v, "succession")["covered"], true, "{plan:?}");
    }
    let v = grade_json(&r, "Lenin named a successor");
    assert_eq!(factor(&v, "succession")["covered"], false);
}

#[test]
fn a_heading_names_its_factor_and_a_misspelt_one_is_only_possible() {
    let dir = tempfile::tempdir().unwrap();
    let r = rubric(dir.path());
    let v = grade_json(&r, "2. Kornilov Affair\n- Aug 1917\n");
    let f = factor(&v, "kornilov");
    assert_eq!(f["covered"], true);
    assert_eq!(f["matches"][0]["rule"], "heading");
    assert_eq!(f["matches"][0]["text"], "Kornilov Affair");
    assert_eq!(f["confidence"], 0.75);

    let v = grade_json(&r, "- Kornilv Affair\n");
    let f = factor(&v, "kornilov");
    assert_eq!(f["covered"], true, "weak credits still count in the JSON");
    assert_eq!(f["confidence"], 0.5);
    planmark()
        .args(["grade", "--rubric"])
        .arg(&r)
        .write_stdin("- Kornilv Affair\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "possibly: “Kornilv Affair” (a misspelt",
        ))
        .stdout(predicate::str::contains("│ ? ┆ The Kornilov Affair"))
        .stdout(predicate::str::contains(
            "Possibly: The Kornilov Affair (a misspelt heading)",
        ));
}

#[test]
fn judgements_in_plain_words_are_found_and_vague_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let r = rubric(dir.path());
    let v = grade_json(
        &r,
        "- state grain procurements doubled\n- famine 1932\nI think it was mostly a failure.\n",
    );
    assert_eq!(v["judgement"]["found"], true);
    assert_eq!(v["judgement"]["text"], "I think it was mostly a failure");
    let v = grade_json(
        &r,
        "- state grain procurements doubled\nI think Stalin was ruthless.\n",
    );
    assert_eq!(v["judgement"]["found"], false);
}

#[test]
fn figures_beside_a_point_are_evidence_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let r = rubric(dir.path());
    let plan = "- steel output rose from 4 to 18 million tons\n- state grain procurements\n";
    let v = grade_json(&r, plan);
    let f = factor(&v, "industry");
    assert_eq!(f["evidence"], serde_json::json!(["from 4 to 18 million"]));
    assert_eq!(f["evidence_matches"][0]["rule"], "figure");
    assert_eq!(
        factor(&v, "procurements")["evidence"],
        serde_json::json!([])
    );
    assert_eq!(v["evidenced"], 1);
    planmark()
        .args(["grade", "--rubric"])
        .arg(&r)
        .write_stdin(plan)
        .assert()
        .success()
        .stdout(predicate::str::contains("from 4 to 18 million"));
}

#[test]
fn every_match_and_factor_says_how_sure_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let r = rubric(dir.path());
    let v = grade_json(&r, "- state grain procurements\n- steel outptu\n");
    assert_eq!(factor(&v, "procurements")["matches"][0]["confidence"], 1.0);
    assert_eq!(factor(&v, "procurements")["confidence"], 1.0);
    let typo = factor(&v, "industry");
    assert_eq!(typo["matches"][0]["rule"], "fuzzy");
    assert_eq!(typo["confidence"], 0.7);
    assert_eq!(factor(&v, "kornilov")["confidence"], 0.0);
}
