//! Conditions and senses through the real binary: phrase tables with `with`,
//! a factor's `with` and `not`, `period`, the longer phrase winning, what
//! `rubric check` says about them, and the `rejected` list in the JSON.

use crate::common::planmark;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const RUBRIC: &str = r#"
id = "women-test"
max-mark = 10
period = [1917, 1929]

[[factor]]
id = "code-1918"
label = "The 1918 Family Code"
phrases = [{ text = "Family Code", with = ["1918", "divorce", "equal"] }, "Kollontai"]
not = ["Great Retreat"]

[[factor]]
id = "retreat"
label = "The Great Retreat"
period = [1930, 1941]
phrases = ["1936 Family Code", "abortion banned"]

[[factor]]
id = "zhenotdel"
label = "The Zhenotdel"
with = ["women"]
phrases = ["Zhenotdel", { text = "women's department", with = [] }]

[[factor]]
id = "power"
label = "Little political power"
phrases = ["Zhenotdel abolished"]

[[band]]
level = 1
marks = [1, 10]
min-factors = 1
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
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

fn covered(v: &serde_json::Value, id: &str) -> bool {
    v["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap()["covered"]
        .as_bool()
        .unwrap()
}

#[test]
fn conditions_senses_and_periods_decide_what_counts() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = write(dir.path(), "women-test.toml", RUBRIC);
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .arg(&rubric)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));

    // `with`: the companion must share the sentence.
    let v = grade_json(&rubric, "The Family Code mattered.\nDivorce was easy.\n");
    assert!(!covered(&v, "code-1918"));
    let v = grade_json(&rubric, "The 1918 Family Code made divorce easy.\n");
    assert!(covered(&v, "code-1918"));
    assert_eq!(v["rejected"], serde_json::json!([]));

    // `not`: rejected and reported, with the reason.
    let v = grade_json(&rubric, "- the Great Retreat undid the equal Family Code\n");
    assert!(!covered(&v, "code-1918"));
    assert_eq!(v["rejected"][0]["factor"], "code-1918");
    assert_eq!(v["rejected"][0]["kind"], "not");
    assert_eq!(v["rejected"][0]["text"], "Family Code");

    // `period`: dated only outside it.
    let v = grade_json(&rubric, "- Kollontai pushed aside in the '30s\n");
    assert!(!covered(&v, "code-1918"));
    assert_eq!(v["rejected"][0]["kind"], "period");
    assert_eq!(v["rejected"][0]["reason"], "dated '30s, outside 1917–29");
    let start = v["rejected"][0]["start"].as_u64().unwrap() as usize;
    let end = v["rejected"][0]["end"].as_u64().unwrap() as usize;
    assert_eq!(
        &"- Kollontai pushed aside in the '30s\n"[start..end],
        "Kollontai"
    );

    // The longer phrase of another factor wins.
    let v = grade_json(&rubric, "Zhenotdel abolished and women had no voice\n");
    assert!(covered(&v, "power") && !covered(&v, "zhenotdel"));
    assert_eq!(v["rejected"][0]["kind"], "overlap");
    assert_eq!(
        v["rejected"][0]["reason"],
        "part of “Zhenotdel abolished”, which counts for Little political power"
    );

    // The table says so too.
    planmark()
        .args(["grade", "--rubric"])
        .arg(&rubric)
        .write_stdin("- Kollontai pushed aside in 1937\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Not credited: “Kollontai” for The 1918 Family Code — dated 1937, outside 1917–29.",
        ));
}

#[test]
fn json_rubrics_take_the_same_keys() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = write(
        dir.path(),
        "r.json",
        r#"{"id": "r", "max-mark": 1, "period": [1917, 1921],
            "factor": [{"id": "terror", "label": "Red Terror",
                        "phrases": ["Red Terror", {"text": "terror", "with": ["Cheka"]}],
                        "not": ["Great Terror"]}]}"#,
    );
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .arg(&rubric)
        .assert()
        .success();
    assert!(covered(
        &grade_json(&rubric, "Cheka terror in 1918"),
        "terror"
    ));
    assert!(!covered(&grade_json(&rubric, "terror in 1918"), "terror"));
    assert!(!covered(
        &grade_json(&rubric, "the Red Terror of 1937"),
        "terror"
    ));
    let v = grade_json(&rubric, "Red Terror, like the Great Terror");
    assert_eq!(v["rejected"][0]["kind"], "not");
}

#[test]
fn check_explains_bad_periods_and_phrase_tables() {
    let dir = tempfile::tempdir().unwrap();
    let bad = RUBRIC
        .replace("period = [1917, 1929]", "period = [1929, 1917]")
        .replace("with = [] }", "wiht = [] }");
    let path = write(dir.path(), "bad.toml", &bad);
    planmark()
        .args(["rubric", "check"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key `wiht`"))
        .stderr(predicate::str::contains("did you mean `with`?"))
        .stderr(predicate::str::contains("bad.toml:"));
    let bad = RUBRIC.replace("period = [1917, 1929]", "period = [1929, 1917]");
    let path = write(dir.path(), "bad.toml", &bad);
    planmark()
        .args(["rubric", "check"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`period = [1929, 1917]` ends before it starts",
        ))
        .stderr(predicate::str::contains("write `period = [1917, 1929]`"))
        .stderr(predicate::str::contains("bad.toml:4:10"));
    let bad = RUBRIC.replace("period = [1930, 1941]", "period = [30, 41]");
    let path = write(dir.path(), "bad.toml", &bad);
    planmark()
        .args(["rubric", "check"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a pair of four-digit years",
        ));
}

#[test]
fn check_warns_about_conditions_that_always_or_never_hold() {
    let dir = tempfile::tempdir().unwrap();
    let body = RUBRIC
        .replace(
            "with = [\"1918\", \"divorce\", \"equal\"]",
            "with = [\"code\"]",
        )
        .replace("not = [\"Great Retreat\"]", "not = [\"Kollontai\"]");
    let path = write(dir.path(), "r.toml", &body);
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`with` wording `code` is part of phrase `Family Code`",
        ))
        .stderr(predicate::str::contains(
            "`not` wording `Kollontai` of factor `code-1918` is part of its own phrase `Kollontai`",
        ));
}

#[test]
fn check_notes_a_phrase_inside_another_factors_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "r.toml", RUBRIC);
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings, 2 notes"))
        .stderr(predicate::str::contains(
            "note: phrase `Family Code` of factor `code-1918` is part of phrase `1936 Family Code` of factor `retreat`",
        ))
        .stderr(predicate::str::contains(
            "phrase `Zhenotdel` of factor `zhenotdel` is part of phrase `Zhenotdel abolished`",
        ));
}

#[test]
fn rubric_new_takes_the_period_from_the_question() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gs.toml");
    planmark()
        .args([
            "rubric",
            "new",
            "--card",
            "russia-1917-53/stalin-general-secretary",
            "-o",
        ])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    // "…in the years 1924–29?"
    assert!(text.contains("\nperiod = [1924, 1929]"), "{text}");
    // A point dated from 1922 reaches back for its own factor.
    assert!(text.contains("\nperiod = [1922, 1929]"), "{text}");
    planmark()
        .args(["rubric", "check", "--deny-warnings"])
        .arg(&path)
        .assert()
        .success();
    let v = grade_json(
        &path,
        "The Lenin Enrolment of 1924 brought in loyal members.\n",
    );
    assert!(v["covered"].as_u64().unwrap() >= 1, "{v}");
}
