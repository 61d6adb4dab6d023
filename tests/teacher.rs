//! Teachers' tools through the real binary: `rubric check` (each lint with its
//! message and exit code), `rubric new`, and `rubric test`.

mod common;

use common::planmark;
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
            let text = planmark::authoring::starter::starter_rubric(
                &deck.item.id,
                card,
                &Default::default(),
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
            assert!(
                report.diagnostics.is_empty(),
                "{}: {:#?}",
                card.id,
                report.diagnostics
            );
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
