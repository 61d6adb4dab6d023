//! The real binary: help, grading from every kind of input, every output
//! format, and the error messages people see.

use crate::common::planmark;
use predicates::prelude::*;
use std::io::Write;

const PLAN: &str = "Overall S won mainly b/c of his position as gen sec.\n\
    - T arrogant, relied on his reputation from the CW\n\
    - Lenin's testament not published in May 1924, called S rude\n\
    - SIOC (1924) more popular than permanent revolution\n";

fn json(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("valid JSON")
}

#[test]
fn help_teaches_the_commands() {
    planmark()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("grade").and(predicate::str::contains("Exit codes")));
    planmark()
        .args(["grade", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("--text-column").and(predicate::str::contains("Examples")),
        );
}

#[test]
fn grades_one_plan_from_stdin_as_a_table() {
    planmark()
        .args(["grade", "--rubric", "stalin-trotsky"])
        .write_stdin(PLAN)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("✓ ┆ Lenin's testament")
                .and(predicate::str::contains("“gen sec” (abbreviation)"))
                .and(predicate::str::contains("Level "))
                .and(predicate::str::contains("Next steps"))
                .and(predicate::str::contains("Judgement: ✓")),
        );
}

#[test]
fn json_output_keeps_the_contract_keys() {
    let out = planmark()
        .args([
            "grade",
            "--rubric",
            "stalin-trotsky",
            "--format",
            "json",
            "-",
        ])
        .write_stdin(PLAN)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    for key in [
        "id",
        "rubric",
        "mark",
        "max_mark",
        "level",
        "coverage",
        "judgement",
        "factors",
        "feedback",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["rubric"], "stalin-trotsky");
    assert_eq!(v["max_mark"], 25);
    assert_eq!(v["judgement"]["found"], true);
    assert!(
        v["judgement"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Overall")
    );
    let testament = v["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "testament")
        .unwrap();
    for key in ["id", "label", "side", "covered", "evidence", "matches"] {
        assert!(testament.get(key).is_some(), "factor missing key {key}");
    }
    assert_eq!(testament["covered"], true);
    let m = &testament["matches"][0];
    let (start, end) = (
        m["start"].as_u64().unwrap() as usize,
        m["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&PLAN[start..end], m["text"].as_str().unwrap());
    assert!(
        ["phrase", "stem", "fuzzy", "abbreviation", "pattern"]
            .contains(&m["rule"].as_str().unwrap())
    );
}

#[test]
fn grades_a_folder_of_plans_one_row_each() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("amy.txt"), PLAN).unwrap();
    std::fs::write(dir.path().join("ben.txt"), "Stalin was general secretary").unwrap();
    std::fs::write(dir.path().join("notes.pdf"), "ignored").unwrap();
    planmark()
        .args(["grade", "--rubric", "stalin-trotsky"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("amy")
                .and(predicate::str::contains("ben"))
                .and(predicate::str::contains("2 plans"))
                .and(predicate::str::contains("notes").not()),
        );
}

#[test]
fn grades_a_csv_export_into_markbook_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("class.csv");
    let mut f = std::fs::File::create(&csv).unwrap();
    writeln!(f, "Timestamp,Name,Your plan").unwrap();
    writeln!(f, "1,Amy,\"{}\"", PLAN.replace('"', "\"\"")).unwrap();
    writeln!(f, "2,Ben,Stalin was general secretary").unwrap();
    drop(f);
    let out = planmark()
        .args([
            "grade",
            "--rubric",
            "stalin-trotsky",
            "--format",
            "csv",
            "--text-column",
            "Your plan",
            "--id-column",
            "Name",
            "--csv",
        ])
        .arg(&csv)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    assert!(headers.iter().any(|h| h == "testament"));
    let records: Vec<_> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][0], "Amy");
    let col = headers
        .iter()
        .position(|h| h == "general-secretary")
        .unwrap();
    assert_eq!(&records[1][col], "1");
}

#[test]
fn csv_without_a_known_plan_column_says_which_columns_exist() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("class.csv");
    std::fs::write(&csv, "Name,Words\nAmy,hello\n").unwrap();
    planmark()
        .args(["grade", "--rubric", "stalin-trotsky", "--csv"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "use `--text-column NAME`; the CSV has columns: Name, Words",
        ));
}

#[test]
fn jsonl_input_reports_bad_lines_by_number_and_grades_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"amy\", \"text\": \"Lenin's testament\"}\n{not json}\n{\"id\": 7, \"text\": \"funeral\"}\n",
    )
    .unwrap();
    let assert = planmark()
        .args([
            "grade",
            "--rubric",
            "stalin-trotsky",
            "--format",
            "jsonl",
            "--jsonl",
        ])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 2"));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let ids: Vec<String> = out
        .lines()
        .map(|l| json(l.as_bytes())["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["amy", "7"]);
}

#[test]
fn empty_plans_are_graded_zero_with_a_clear_message() {
    planmark()
        .args(["grade", "--rubric", "stalin-trotsky", "--format", "json"])
        .write_stdin("  \n \n")
        .assert()
        .success()
        .stderr(predicate::str::contains("is empty"))
        .stdout(
            predicate::str::contains("\"mark\": 0")
                .and(predicate::str::contains("The plan is empty")),
        );
}

#[test]
fn invalid_utf8_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.txt");
    std::fs::write(&path, b"Lenin\xff testament").unwrap();
    planmark()
        .args(["grade", "--rubric", "stalin-trotsky"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not UTF-8 text (bad byte at offset 5)",
        ));
}

#[test]
fn a_huge_plan_is_refused_quickly_not_a_crash() {
    let big = "Stalin ".repeat(50 * 1024 * 1024 / 7);
    planmark()
        .args(["grade", "--rubric", "stalin-trotsky"])
        .write_stdin(big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "more than the 1 MiB limit for a plan",
        ));
}

fn broken(name: &str) -> String {
    format!("tests/fixtures/broken/{name}.toml")
}

#[test]
fn malformed_rubrics_point_at_the_line_and_say_how_to_fix_it() {
    let cases = [
        ("syntax", "syntax.toml:6:27", "unclosed array"),
        (
            "unknown-key",
            "unknown-key.toml:7:1",
            "did you mean `weight`?",
        ),
        (
            "bad-regex",
            "bad-regex.toml:7:26",
            "not a valid regex: unclosed group",
        ),
        ("lookaround", "lookaround.toml:7:14", "look-around"),
        (
            "band-over-max",
            "band-over-max.toml:11:9",
            "above `max-mark = 20`",
        ),
        (
            "no-phrase",
            "no-phrase.toml:4:1",
            "add `phrases = [\"Lenin's testament\"]`",
        ),
        ("bad-side", "bad-side.toml:7:8", "did you mean `against`?"),
    ];
    for (name, place, text) in cases {
        planmark()
            .args(["grade", "--rubric", &broken(name)])
            .write_stdin("Lenin's testament")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(place).and(predicate::str::contains(text)))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn unknown_rubric_suggests_the_nearest() {
    planmark()
        .args(["grade", "--rubric", "stalin-trotksy"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no rubric called `stalin-trotksy` (did you mean `stalin-trotsky`?)",
        ));
}

#[test]
fn lists_and_shows_the_library() {
    planmark()
        .arg("decks")
        .assert()
        .success()
        .stdout(predicate::str::contains("russia-1917-53"));
    planmark()
        .arg("rubrics")
        .assert()
        .success()
        .stdout(predicate::str::contains("stalin-trotsky"));
    planmark()
        .args(["show", "stalin-trotsky"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("To what extent was Stalin's success")
                .and(predicate::str::contains("Overconfidence"))
                .and(predicate::str::contains("Against")),
        );
}

#[test]
fn library_folders_add_rubrics_and_report_broken_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("rubrics")).unwrap();
    std::fs::write(
        dir.path().join("rubrics/mine.toml"),
        "id = \"mine\"\nmax-mark = 1\n[[factor]]\nid = \"a\"\nlabel = \"A\"\nphrases = [\"alpha\"]\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
    )
    .unwrap();
    std::fs::copy(
        broken("unknown-key"),
        dir.path().join("rubrics/broken.toml"),
    )
    .unwrap();
    planmark()
        .env("PLANMARK_LIBRARY", dir.path())
        .arg("rubrics")
        .assert()
        .success()
        .stdout(predicate::str::contains("mine"))
        .stderr(
            predicate::str::contains("broken.toml")
                .and(predicate::str::contains("did you mean `weight`?")),
        );
    planmark()
        .arg("--library")
        .arg(dir.path())
        .args(["grade", "--rubric", "mine", "--format", "json"])
        .write_stdin("alpha")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"mark\": 1"));
}

#[test]
fn a_broken_library_file_is_one_line_elsewhere_and_the_command_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("rubrics")).unwrap();
    std::fs::create_dir(dir.path().join("decks")).unwrap();
    std::fs::copy(
        broken("unknown-key"),
        dir.path().join("rubrics/broken.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("decks/bad-deck.toml"),
        "id = \"bad\"\ntitle = \"Bad\"\n[[card]]\nid = \"x\"\nquestion = 3\n",
    )
    .unwrap();
    let runs: [&[&str]; 3] = [
        &["grade", "--rubric", "stalin-trotsky", "--format", "json"],
        &["show", "russia-1917-53/stalin-trotsky"],
        &["deck", "export", "russia-1917-53", "--to", "quizlet"],
    ];
    for args in runs {
        let out = planmark()
            .arg("--library")
            .arg(dir.path())
            .args(args)
            .write_stdin("Lenin's testament, gen sec appointments")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}: the command went on");
        let err = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: one line per broken file:\n{err}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("broken.toml:7: unknown key `wieght`")
                    && l.contains("rubric check")),
            "{err}"
        );
        assert!(
            lines.iter().any(|l| l.contains("bad-deck.toml:5:")),
            "{err}"
        );
        assert!(
            !err.contains("did you mean"),
            "{args:?}: no full error block:\n{err}"
        );
    }
    // Where the library is the subject, the whole error is shown.
    planmark()
        .arg("--library")
        .arg(dir.path())
        .arg("rubrics")
        .assert()
        .success()
        .stderr(predicate::str::contains("did you mean `weight`?"));
}

#[test]
fn semicolon_csv_and_plan_keys_are_understood() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("class.csv");
    std::fs::write(&csv, "Name;Plan\nAmy;Lenin's testament, gen sec\n").unwrap();
    planmark()
        .args([
            "grade",
            "--rubric",
            "stalin-trotsky",
            "--format",
            "jsonl",
            "--csv",
        ])
        .arg(&csv)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"id\":\"Amy\"")
                .and(predicate::str::contains("\"covered\":true")),
        );
    let jsonl = dir.path().join("plans.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"Ben\", \"plan\": \"Lenin's testament\"}\n",
    )
    .unwrap();
    planmark()
        .args([
            "grade",
            "--rubric",
            "stalin-trotsky",
            "--format",
            "jsonl",
            "--jsonl",
        ])
        .arg(&jsonl)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"id\":\"Ben\""));
}

#[test]
fn a_rubric_without_bands_marks_in_proportion_to_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = dir.path().join("r.toml");
    std::fs::write(
        &rubric,
        "id = \"r\"\nmax-mark = 10\n[[factor]]\nid = \"a\"\nlabel = \"A\"\nphrases = [\"alpha\"]\n[[factor]]\nid = \"b\"\nlabel = \"B\"\nphrases = [\"beta\"]\n",
    )
    .unwrap();
    planmark()
        .args(["grade", "--format", "json", "--rubric"])
        .arg(&rubric)
        .write_stdin("alpha")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"mark\": 5"));
}

#[test]
fn a_json_rubric_grades_and_its_errors_have_positions() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("r.json");
    std::fs::write(
        &good,
        r#"{"id": "j", "max-mark": 2, "factor": [{"id": "a", "label": "A", "phrases": ["alpha"]}],
            "band": [{"level": 1, "marks": [2, 2], "min-factors": 1}, {"level": 0, "marks": [0, 0]}]}"#,
    )
    .unwrap();
    planmark()
        .args(["grade", "--format", "json", "--rubric"])
        .arg(&good)
        .write_stdin("alpha")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"mark\": 2"));
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"id": "j", "factor": [{"id": "a", "label": "A", "phrase": ["x"]}]}"#,
    )
    .unwrap();
    planmark()
        .args(["grade", "--rubric"])
        .arg(&bad)
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad.json:1:")
                .and(predicate::str::contains("did you mean `phrases`?")),
        );
}

#[test]
fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = planmark()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let script = String::from_utf8(out).unwrap();
        for word in ["practice", "flashcards", "rubric", "deny-warnings"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    // The bash script is valid bash.
    let script = planmark()
        .args(["completions", "bash"])
        .output()
        .unwrap()
        .stdout;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("planmark.bash");
    std::fs::write(&path, script).unwrap();
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
    {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    planmark()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: bash"));
}

#[test]
fn man_pages_for_planmark_and_each_command() {
    planmark().arg("man").assert().success().stdout(
        predicate::str::contains(".TH planmark 1")
            .and(predicate::str::contains("practice"))
            .and(predicate::str::contains("Examples:")),
    );
    planmark()
        .args(["man", "rubric", "check"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(".TH planmark-rubric-check 1")
                .and(predicate::str::contains("\\-\\-deny\\-warnings"))
                .and(predicate::str::contains(
                    "planmark rubric check my\\-women.toml",
                )),
        );
    planmark()
        .args(["man", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no command `nonsense`"));
}

#[test]
fn narrow_tables_never_break_a_card_id() {
    let dir = tempfile::tempdir().unwrap();
    let lib = planmark::library::Library::builtin();
    let ids: Vec<String> = lib
        .card_ids(None)
        .unwrap()
        .into_iter()
        .filter(|id| id.starts_with("russia-1917-53/"))
        .collect();
    assert!(ids.len() >= 16);
    for args in [&["stats"][..], &["due"][..], &["rubrics"][..]] {
        for width in ["60", "80"] {
            let out = planmark()
                .args(args)
                .env("COLUMNS", width)
                .env("PLANMARK_DB", dir.path().join("s.db"))
                .assert()
                .success()
                .get_output()
                .stdout
                .clone();
            let out = String::from_utf8(out).unwrap();
            for id in &ids {
                assert!(
                    out.lines().any(|l| l.contains(id.as_str())),
                    "`planmark {}` at {width} columns broke {id}:\n{out}",
                    args.join(" ")
                );
            }
        }
    }
}
