//! Each study mode driven through standard input with a fixed seed and clock,
//! checking what it says and what it records for `planmark stats`.

use assert_cmd::Command;
use planmark::modes::matching::MatchGame;
use predicates::prelude::*;
use rusqlite::Connection;

const NOW: i64 = 1_800_000_000;

fn planmark(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("planmark").unwrap();
    c.env_remove("PLANMARK_LIBRARY")
        .env("NO_COLOR", "1")
        .env("PLANMARK_DB", db)
        .env("PLANMARK_NOW", NOW.to_string());
    c
}

fn session(db: &std::path::Path, mode: &str) -> (u32, u32, String) {
    Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT correct, total, details_json FROM sessions WHERE mode = ?1 ORDER BY id DESC LIMIT 1",
            [mode],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn sort_repeats_wrong_answers_and_records_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    // The seed's card: 9 points for, 5 against. Answer "f" to everything:
    // every against point is wrong once, then answered "a" when it returns.
    let mut input = "f\n".repeat(14);
    input.push_str(&"a\n".repeat(5));
    planmark(&db)
        .args(["sort", "--card", "stalin-trotsky", "--seed", "42"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("✗ it argues against")
                .and(predicate::str::contains("Sorted 9 of 14 right first time")),
        );
    let (right, total, details) = session(&db, "sort");
    assert_eq!((right, total), (9, 14));
    assert!(details.contains("Socialism in one country"), "{details}");
}

#[test]
fn match_pairs_with_the_seeded_order_and_keeps_a_personal_best() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    // Rebuild the same game the binary will deal with seed 9, to know the answers.
    let lib = planmark::library::Library::builtin();
    let (_, card) = lib.card("stalin-trotsky").unwrap();
    let mut pairs: Vec<(String, String)> = card
        .points
        .iter()
        .map(|p| (p.headline.clone(), p.detail.clone()))
        .collect();
    planmark::modes::shuffle(&mut pairs, 9);
    pairs.truncate(5);
    let game = MatchGame::new(pairs, 9);
    let answers: String = (0..5)
        .map(|i| format!("{}\n", game.answer_for(i)))
        .collect();
    planmark(&db)
        .args([
            "match",
            "--card",
            "stalin-trotsky",
            "--seed",
            "9",
            "-n",
            "5",
        ])
        .write_stdin(format!("9z\n{answers}"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("numbers go from 1 to 5")
                .and(predicate::str::contains(
                    "All 5 matched in 0:00 with 0 mistakes",
                ))
                .and(predicate::str::contains("first clean round")),
        );
    assert_eq!(session(&db, "match").0, 5);
    planmark(&db)
        .args([
            "match",
            "--card",
            "stalin-trotsky",
            "--seed",
            "9",
            "-n",
            "5",
        ])
        .write_stdin(answers)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Personal best for russia-1917-53: 0:00",
        ));
}

#[test]
fn learn_checks_each_factor_with_the_grader_and_remembers_misses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    planmark(&db)
        .args(["learn", "--card", "stalin-trotsky"])
        .write_stdin("Lenins testamant\nthe testament of Lenin\nKronstadt\ngive up\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("✓ Lenin's testament")
                .and(predicate::str::contains("already given: Lenin's testament"))
                .and(predicate::str::contains("✗ not a factor in this rubric"))
                .and(predicate::str::contains(
                    "Hint: (against) As General Secretary",
                ))
                .and(predicate::str::contains("Recalled 1 of 19 factors")),
        );
    let (got, total, details) = session(&db, "learn");
    assert_eq!((got, total), (1, 19));
    assert!(details.contains("general-secretary"));
    planmark(&db)
        .args(["learn", "--card", "stalin-trotsky"])
        .write_stdin("x\ny\n\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Last time you missed 18"));
}

#[test]
fn flashcards_schedule_with_fsrs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    planmark(&db)
        .args(["flashcards"])
        .write_stdin("\n4\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Judgement:").and(predicate::str::contains("1 card reviewed")),
        );
    let (rating, due): (String, i64) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT rating, due FROM reviews WHERE mode = 'flashcards'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rating, "easy");
    let easy = fsrs::FSRS::new(&fsrs::DEFAULT_PARAMETERS)
        .unwrap()
        .next_states(None, 0.9, 0)
        .unwrap()
        .easy
        .interval;
    assert_eq!(due, NOW + planmark::study::schedule::interval_seconds(easy));
}

#[test]
fn a_practice_test_marks_each_item_and_stats_show_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    planmark(&db)
        .args(["test", "-n", "2", "--seed", "3"])
        .write_stdin("Overall S won: gen sec appointments, SIOC 1924\n- T arrogant\n.\nf\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Item 1 of 2 (plan)")
                .and(predicate::str::contains("Overall:")),
        );
    let (score, total, details) = session(&db, "test");
    assert_eq!(total, 1000);
    assert!(score <= 1000);
    assert!(
        details.contains("\"kind\":\"plan\"") && details.contains("\"kind\":\"sort\""),
        "{details}"
    );
    planmark(&db)
        .args(["sort", "--card", "stalin-trotsky", "--seed", "1"])
        .write_stdin("q\n")
        .assert()
        .success();
    planmark(&db).arg("stats").assert().success().stdout(
        predicate::str::contains("Study analytics")
            .and(predicate::str::contains("Learn"))
            .and(predicate::str::contains("Matching")),
    );
}
