//! Hostile and odd inputs (issue 9): no panic, bounded work, no silent loss,
//! no injection. Each test is named after the behaviour it guards.

use crate::common::planmark;
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

// ---- one input limit, streamed ----

#[test]
fn an_overlong_jsonl_line_is_refused_and_the_rest_graded() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x ".repeat(700_000);
    let text = format!(
        "{{\"id\": \"big\", \"text\": \"{big}\"}}\n{{\"id\": \"ok\", \"text\": \"T arrogant\"}}\n"
    );
    let p = write(dir.path(), "c.jsonl", &text);
    planmark()
        .args([
            "grade",
            "-r",
            "stalin-trotsky",
            "--format",
            "csv",
            "--jsonl",
        ])
        .arg(&p)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\nok,"))
        .stderr(
            predicate::str::contains("line 1: the line is").and(predicate::str::contains("1 MiB")),
        );
}

#[test]
fn jsonl_errors_name_their_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "c.jsonl", "{\"text\": \"a\"}\n\n{oops}\n");
    planmark()
        .args(["grade", "-r", "stalin-trotsky", "--jsonl"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("line 3: ")
                .and(predicate::str::contains("line 3: line 3").not()),
        );
}

#[test]
fn an_overlong_csv_cell_is_refused_and_the_other_rows_graded() {
    let dir = tempfile::tempdir().unwrap();
    let big = "y".repeat(1024 * 1024 + 100);
    let text = format!("name,plan\nann,\"{big}\"\nbob,T arrogant\n");
    let p = write(dir.path(), "c.csv", &text);
    planmark()
        .args(["grade", "-r", "stalin-trotsky", "--format", "csv", "--csv"])
        .arg(&p)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\nbob,"))
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("1 MiB")));
}

#[test]
fn an_endless_device_is_over_the_limit_not_zero_bytes() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    planmark()
        .args(["grade", "-r", "stalin-trotsky", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("more than the 1 MiB limit")
                .and(predicate::str::contains("0 bytes").not()),
        );
}

#[test]
fn a_csv_read_from_a_pipe_keeps_its_header() {
    let csv = "name,plan\nann,T arrogant\nbob,gen sec appointments\n";
    for arg in ["-", "/dev/stdin"] {
        planmark()
            .args([
                "grade",
                "-r",
                "stalin-trotsky",
                "--format",
                "csv",
                "--csv",
                arg,
            ])
            .write_stdin(csv)
            .assert()
            .success()
            .stdout(predicate::str::contains("\nann,").and(predicate::str::contains("\nbob,")));
    }
}

#[test]
fn a_wrong_text_column_lists_at_most_twenty_columns() {
    let dir = tempfile::tempdir().unwrap();
    let header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let p = write(dir.path(), "c.csv", &format!("{}\n", header.join(",")));
    let out = planmark()
        .args([
            "grade",
            "-r",
            "stalin-trotsky",
            "--text-column",
            "plan",
            "--csv",
        ])
        .arg(&p)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(out.len() < 1000, "{} bytes of message", out.len());
    assert!(String::from_utf8_lossy(&out).contains("more"));
}

// ---- silent loss ----

#[test]
fn an_unclosed_quote_in_a_csv_is_refused_with_its_line_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.csv",
        "name,plan\nalice,\"T arrogant, relied on rep\nbob,SIOC more popular\ncarol,gen sec appointments\n",
    );
    planmark()
        .args(["grade", "-r", "stalin-trotsky", "--format", "csv", "--csv"])
        .arg(&p)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("alice").not())
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("never closed")));
}

#[test]
fn a_csv_with_a_header_and_no_rows_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "c.csv", "name,plan\n");
    planmark()
        .args(["grade", "-r", "stalin-trotsky", "--csv"])
        .arg(&p)
        .assert()
        .success()
        .stderr(predicate::str::contains("header but no rows"));
}

#[test]
fn the_report_never_overwrites_without_force_and_never_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "c.csv", "name,plan\nann,T arrogant\n");
    let grade = || {
        let mut c = planmark();
        c.current_dir(dir.path()).args([
            "grade",
            "-r",
            "stalin-trotsky",
            "--format",
            "csv",
            "--csv",
            "c.csv",
        ]);
        c
    };
    grade()
        .args(["--report", "c.csv", "--force"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("input"));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "name,plan\nann,T arrogant\n"
    );
    let report = write(dir.path(), "r.html", "keep me");
    grade()
        .args(["--report", "r.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "keep me");
    grade()
        .args(["--report", "r.html", "--force"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&report).unwrap().contains("<html"));
    // Nothing but the inputs and the report is left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["c.csv", "r.html"]);
}

#[test]
fn deck_export_replaces_a_file_only_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = write(dir.path(), "d.toml", "old");
    planmark()
        .args(["deck", "export", "russia-1917-53", "--to", "toml", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    planmark()
        .args([
            "deck",
            "export",
            "russia-1917-53",
            "--to",
            "toml",
            "--force",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("[[card]]"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

// ---- grading a folder ----

#[test]
fn a_folder_of_plans_reads_every_text_extension_with_unique_ids() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("ann.txt", "T arrogant"),
        ("ann.md", "gen sec appointments"),
        ("BOB.TXT", "SIOC"),
        ("cy.text", "Lenin's testament"),
        ("notes.pdf", "not a plan"),
    ] {
        write(dir.path(), name, text);
    }
    let out = planmark()
        .args(["grade", "-r", "stalin-trotsky", "--format", "csv"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let ids: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["BOB", "ann.md", "ann.txt", "cy"], "{out}");
}

#[test]
fn duplicate_ids_are_warned_and_report_anchors_stay_unique_and_safe() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.csv",
        "name,plan\n\"Ann \"\"Lee\"\"\",T arrogant. Overall S won mainly through gen sec.\n\"Ann \"\"Lee\"\"\",SIOC\n",
    );
    planmark()
        .current_dir(dir.path())
        .args([
            "grade",
            "-r",
            "stalin-trotsky",
            "--csv",
            "c.csv",
            "--report",
            "r.html",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("used again"));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(
        html.contains("id=\"plan-1-ann-lee\"") && html.contains("id=\"plan-2-ann-lee\""),
        "{html}"
    );
    assert!(html.contains("href=\"#plan-2-ann-lee\""));
    assert!(
        html.contains("<span class=\"judgement\""),
        "the judgement is highlighted"
    );
}

#[test]
fn the_report_chart_keeps_every_level_of_the_rubric() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.csv", "name,plan\nann,T arrogant\n");
    planmark()
        .current_dir(dir.path())
        .args([
            "grade",
            "-r",
            "stalin-trotsky",
            "--csv",
            "c.csv",
            "--report",
            "r.html",
        ])
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    for level in 1..=5 {
        assert!(
            html.contains(&format!("<div>Level {level}</div>")),
            "level {level} missing"
        );
    }
}

// ---- injection and paths ----

#[test]
fn markbook_cells_that_look_like_formulas_are_defused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.csv",
        "name,plan\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",T arrogant\n+cmd,SIOC\n-2+3,x\n@SUM(A1),y\nAnn,z\n",
    );
    let out = planmark()
        .args(["grade", "-r", "stalin-trotsky", "--format", "csv", "--csv"])
        .arg(&p)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let ids: Vec<String> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "'=HYPERLINK(\"http://x\",\"y\")",
            "'+cmd",
            "'-2+3",
            "'@SUM(A1)",
            "Ann"
        ]
    );
}

#[test]
fn control_characters_from_plans_and_ids_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.csv",
        "name,plan\n\"\u{1b}]0;PWNED\u{7}\",\"T arrogant \u{1b}[2J\"\n",
    );
    for format in ["table", "csv"] {
        let out = planmark()
            .args(["grade", "-r", "stalin-trotsky", "--format", format, "--csv"])
            .arg(&p)
            .assert()
            .success()
            .get_output()
            .clone();
        assert!(
            !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
            "{format}: {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // One plan in detail, with colour on: only planmark's own colour codes.
    let plan = write(
        dir.path(),
        "p.txt",
        "Overall S won. T arrogant \u{1b}]0;PWNED\u{7} \u{1b}[2J",
    );
    let out = planmark()
        .args(["--color", "always", "grade", "-r", "stalin-trotsky"])
        .arg(&plan)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains("\u{1b}]") && !text.contains("\u{1b}[2J"),
        "{text:?}"
    );
    assert!(text.contains("␛]0;PWNED␇"));
}

#[test]
fn decks_and_rubrics_with_control_characters_are_refused() {
    let text = rubric("", BAND).replace("label = \"Alpha\"", "label = \"Alpha\\u001b[2J\"");
    check(&text)
        .code(2)
        .stderr(predicate::str::contains("U+001B"));
}

#[test]
fn empty_quizlet_separators_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "q.txt", "Q?\tA\nFor: x\ty\n");
    planmark()
        .args([
            "deck",
            "import",
            "--from",
            "quizlet",
            "--term-sep",
            "",
            "--card-sep",
            "",
            "-o",
        ])
        .arg(dir.path().join("d.toml"))
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must not be empty"));
}

#[test]
fn import_ids_that_would_leave_the_library_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let p = write(dir.path(), "q.txt", "Why?\tBecause.\nFor: x\ty\n");
    for bad in ["../../x", "/abs/path", "a\\b", ".hidden", ""] {
        planmark()
            .env("PLANMARK_LIBRARY", &lib)
            .args(["--library"])
            .arg(&lib)
            .args(["deck", "import", "--id", bad])
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--id"));
    }
    let mut left: Vec<_> = walk(dir.path());
    left.sort();
    assert_eq!(
        left,
        std::slice::from_ref(&p),
        "nothing but the input may exist"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn anki_tags_that_are_not_ids_fall_back_to_the_question() {
    let text = "#separator:tab\n#html:false\nWhy did it fail?\tBecause.\tplanmark::a/b\nHow far?\tQuite.\tplanmark::\n";
    let imported = planmark::interchange::anki::import(text, "d");
    let ids: Vec<&str> = imported.deck.cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["why-did-it-fail", "how-far"]);
    assert!(imported.problems.iter().any(|p| p.message.contains("a/b")));
    let errors = planmark::model::validate::deck_errors(
        &imported.deck,
        &planmark::model::load::Locator::new("", planmark::model::Format::Json),
    );
    assert!(errors.is_empty(), "{errors:?}");
}

// ---- messages ----

#[test]
fn a_database_path_that_is_a_folder_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = planmark()
        .arg("--db")
        .arg(dir.path())
        .arg("history")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("is a folder"), "{text}");
    assert_eq!(text.matches("unable to open").count(), 0, "{text}");
}

#[test]
fn a_read_only_database_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    drop(planmark::study::Store::open(&db).unwrap());
    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms).unwrap();
    // Root ignores file permissions; then there is nothing to test.
    if std::fs::OpenOptions::new().write(true).open(&db).is_ok() {
        return;
    }
    let out = planmark()
        .arg("--db")
        .arg(&db)
        .args(["drafts", "--delete", "1"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("Error code"), "{text}");
}

/// planmark run as an unprivileged user (nobody) through `setpriv`, for
/// checks of file modes that root would ignore; `None`, with the reason
/// printed, when that is not possible here.
fn as_nobody(probe: &std::path::Path) -> Option<assert_cmd::Command> {
    let bin = std::env::var_os("PLANMARK_TEST_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_planmark").into());
    let setpriv = |program: &std::ffi::OsStr| {
        let mut c = assert_cmd::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(program)
            .env_remove("PLANMARK_LIBRARY")
            .env("NO_COLOR", "1")
            .env("HOME", "/nonexistent");
        c
    };
    // The unprivileged user must be kept out of `probe` for the test to mean
    // anything (and setpriv must work: it needs root, or it is missing).
    let mut check = setpriv("sh".as_ref());
    check.args(["-c", "test -w \"$1\""]).arg("sh").arg(probe);
    match check.output() {
        Ok(out) if out.status.code() == Some(1) => Some(setpriv(bin.as_os_str())),
        Ok(out) => {
            eprintln!(
                "skipped: setpriv could not run as nobody, or nobody may write {} ({})",
                probe.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!("skipped: setpriv is not available ({e})");
            None
        }
    }
}

#[test]
fn commands_that_only_read_work_on_a_read_only_database_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("p.db");
    planmark()
        .arg("--db")
        .arg(&db)
        .args(["practice", "--card", "stalin-trotsky", "--rating", "good"])
        .write_stdin("- T arrogant\n- gen sec appointments\n")
        .assert()
        .success();
    let draft = planmark::study::Store::open(&db)
        .unwrap()
        .create_draft(
            "stalin-trotsky/stalin-trotsky",
            None,
            "unfinished thought",
            1,
        )
        .unwrap()
        .to_string();
    // Everyone may read; nobody but root may write, the file or the folder.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = std::fs::OpenOptions::new().write(true).open(&db).is_ok();
    let run = |args: &[&str]| -> Option<assert_cmd::assert::Assert> {
        let mut c = if root { as_nobody(&data)? } else { planmark() };
        Some(c.arg("--db").arg(&db).args(args).assert())
    };
    let cases: [(&[&str], &str); 7] = [
        (&["due"], "stalin-trotsky"),
        (&["history"], "stalin-trotsky"),
        (&["attempt", "1"], "Attempt #1"),
        (&["stats"], "stalin-trotsky"),
        (&["stats", "--format", "json"], "\"cards\""),
        (&["drafts"], "unfinished thought"),
        (&["drafts", "--show", &draft], "unfinished thought"),
    ];
    for (args, expected) in cases {
        let Some(a) = run(args) else { return };
        a.success().stdout(predicate::str::contains(expected));
    }
    // Writing still says plainly why it cannot.
    let Some(a) = run(&["drafts", "--delete", &draft]) else {
        return;
    };
    a.code(2).stderr(predicate::str::contains("read-only"));
    // Nothing was created beside the database.
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["p.db"]);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn commands_that_only_read_never_create_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    for args in [&["due"][..], &["history"], &["stats"], &["drafts"]] {
        planmark()
            .arg("--db")
            .arg(&db)
            .args(args)
            .assert()
            .success();
    }
    planmark()
        .arg("--db")
        .arg(&db)
        .args(["attempt", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no attempt #1"));
    assert!(!db.exists(), "a read-only command created {}", db.display());
}

#[test]
fn an_older_database_in_a_read_only_folder_is_read_through_an_upgraded_copy() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("p.db");
    {
        // Schema version 1: before study modes and draft sittings.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(planmark::study::store::MIGRATIONS[0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO drafts (card, plan, started_at, updated_at) VALUES ('stalin-trotsky/stalin-trotsky', 'an old draft', 10, 70)",
            [],
        )
        .unwrap();
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = std::fs::OpenOptions::new().write(true).open(&db).is_ok();
    let mut c = if root {
        match as_nobody(&data) {
            Some(c) => c,
            None => return,
        }
    } else {
        planmark()
    };
    c.arg("--db")
        .arg(&db)
        .arg("drafts")
        .assert()
        .success()
        .stdout(predicate::str::contains("an old draft"));
    let version: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the read-only file was left as it was");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
}

// ---- writes that cannot happen ----

#[test]
fn a_file_where_a_folder_should_be_says_cannot_write_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "notes", "not a folder");
    let plan = write(
        dir.path(),
        "p.txt",
        "- T arrogant\n- gen sec appointments\n",
    );
    let out = file.join("deck.toml");
    planmark()
        .args(["deck", "export", "russia-1917-53", "--to", "toml", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: {} is a file, not a folder",
            out.display(),
            file.display()
        )))
        .stderr(predicate::str::contains("cannot read").not());
    // The same one level deeper, where the folder would have to be made.
    let deeper = file.join("decks").join("deck.toml");
    planmark()
        .args(["deck", "export", "russia-1917-53", "--to", "toml", "-o"])
        .arg(&deeper)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: {} is a file, not a folder",
            deeper.display(),
            file.display()
        )));
    let report = file.join("report.html");
    planmark()
        .args(["grade", "-r", "stalin-trotsky", "--report"])
        .arg(&report)
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: Not a directory",
            report.display()
        )));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn a_read_only_folder_says_cannot_write_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = tempfile::tempfile_in(&ro).is_ok();
    let mut c = if root {
        match as_nobody(&ro) {
            Some(c) => c,
            None => return,
        }
    } else {
        planmark()
    };
    let out = ro.join("deck.toml");
    c.args(["deck", "export", "russia-1917-53", "--to", "toml", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: Permission denied",
            out.display()
        )));
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_full_disk_is_named_in_words_not_an_error_code() {
    // /dev/full refuses every write with ENOSPC, as a full disk does.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full here");
        return;
    };
    let bin = std::env::var_os("PLANMARK_TEST_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_planmark").into());
    let mut child = std::process::Command::new(bin)
        .args(["grade", "-r", "stalin-trotsky", "--format", "json"])
        .env_remove("PLANMARK_LIBRARY")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"- T arrogant\n- gen sec appointments\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot write <stdout>: the disk is full; free some space and try again"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}
