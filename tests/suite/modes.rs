//! Each study mode driven through standard input with a fixed seed and clock,
//! checking what it says and what it records for `planmark stats`.

use assert_cmd::Command;
use planmark::modes::matching::{MatchGame, MatchPair};
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

/// The game `planmark match` deals for one card with this seed and size.
fn dealt(card: &planmark::model::Card, seed: u64, n: usize) -> MatchGame {
    let mut pairs: Vec<MatchPair> = card
        .points
        .iter()
        .map(|p| MatchPair {
            card: format!("russia-1917-53/{}", card.id),
            headline: p.headline.clone(),
            detail: p.detail.clone(),
        })
        .collect();
    planmark::modes::shuffle(&mut pairs, seed);
    pairs.truncate(n);
    MatchGame::new(pairs, seed)
}

fn stats_json(db: &std::path::Path) -> serde_json::Value {
    let out = planmark(db)
        .args(["stats", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn deck_modes(db: &std::path::Path) -> serde_json::Value {
    stats_json(db)["decks"][0]["modes"].clone()
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
    let game = dealt(card, 9, 5);
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
        .write_stdin("Lenins testamant\nthe testament of Lenin\nKronstadt\nthe weather\ngive up\n")
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
    // Naming a factor again is not a miss: the hint comes only after the
    // second real miss ("the weather"), not after "Kronstadt".
    let out = planmark(&dir.path().join("l2.db"))
        .args(["learn", "--card", "stalin-trotsky"])
        .write_stdin("Lenins testamant\nthe testament of Lenin\nKronstadt\ngive up\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!String::from_utf8(out).unwrap().contains("Hint:"));
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

#[test]
fn stopping_sort_early_records_the_points_not_answered_as_not_right() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    // A full round first: "a" to every point (right only for those against),
    // then "f" to the points that come back.
    let mut input = "a\n".repeat(8);
    input.push_str(&"f\n".repeat(8));
    input.push_str(&"a\n".repeat(8));
    planmark(&db)
        .args(["sort", "--card", "women", "--seed", "1"])
        .write_stdin(input)
        .assert()
        .success();
    let (first_right, total, _) = session(&db, "sort");
    assert_eq!(total, 8);
    let before = deck_modes(&db)["sort"].as_f64().unwrap();

    // Then one answer and the end of input: 1 of 8 answered.
    let out = planmark(&db)
        .args(["sort", "--card", "women", "--seed", "1"])
        .write_stdin("a\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Stopped: 1 of 8 answered."), "{out}");
    let (right, total, details) = session(&db, "sort");
    assert!(right <= 1, "only the answered point can be right: {right}");
    assert_eq!(total, 8);
    assert!(
        out.contains(&format!("Sorted {right} of 8 right first time")),
        "{out}"
    );
    let d: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(d["finished"], false);
    assert_eq!(d["answered"], 1);
    // The abandoned session never raises the Sort column.
    let after = deck_modes(&db)["sort"].as_f64().unwrap();
    assert!(
        after <= before,
        "sort went from {before} to {after} (first round {first_right}/8)"
    );
}

#[test]
fn stopping_match_early_stores_only_pairs_matched_right_first_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let lib = planmark::library::Library::builtin();
    let (_, card) = lib.card("women").unwrap();
    let game = dealt(card, 1, 5);
    // A wrong pair for headline 1: the letter of headline 2's detail.
    let wrong = format!("1{}", game.answer_for(1).chars().last().unwrap());
    planmark(&db)
        .args(["match", "--card", "women", "-n", "5", "--seed", "1"])
        .write_stdin(format!("{wrong}\n"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("✗ ")
                .and(predicate::str::contains("Stopped: 0 of 5 matched"))
                .and(predicate::str::contains(format!(
                    "The pairs were: {}",
                    game.answers()
                ))),
        );
    let (right, total, details) = session(&db, "match");
    assert_eq!((right, total), (0, 5));
    assert!(details.contains("\"finished\":false"), "{details}");
    assert_eq!(deck_modes(&db)["matching"].as_f64(), Some(0.0));
}

#[test]
fn match_takes_several_pairs_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let lib = planmark::library::Library::builtin();
    let (_, card) = lib.card("women").unwrap();
    let game = dealt(card, 4, 5);
    let all: Vec<String> = (0..5).map(|i| game.answer_for(i)).collect();
    // "3a 4b" as `test` asks for it, then the rest with a comma.
    let input = format!(
        "{} {}\n{}, {}, {}\n",
        all[2], all[3], all[0], all[1], all[4]
    );
    planmark(&db)
        .args(["match", "--card", "women", "-n", "5", "--seed", "4"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("All 5 matched").and(predicate::str::contains("0 mistakes")),
        );
    assert_eq!(session(&db, "match").0, 5);
}

#[test]
fn flashcards_count_each_new_card_once_and_say_when_the_day_is_used_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    // Reveal and rate Good, as often as it asks.
    let input = "\n3\n".repeat(10);
    planmark(&db)
        .args(["flashcards", "--new", "3"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("3 cards reviewed.")
                .and(predicate::str::contains(
                    "today's 3 new cards; 13 more have never been studied",
                ))
                .and(predicate::str::contains("`planmark flashcards --new 8`"))
                .and(predicate::str::contains("Nothing else is due").not()),
        );
    let n: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(DISTINCT card) FROM reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
    // The same day with the default limit of 5: two more, then the limit.
    planmark(&db)
        .args(["flashcards"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("2 cards reviewed.").and(predicate::str::contains(
                "today's 5 new cards; 11 more have never been studied",
            )),
        );
}

#[test]
fn mastery_of_a_card_just_rated_again_is_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    planmark(&db)
        .args(["flashcards", "--new", "1"])
        .write_stdin("\n1\n")
        .assert()
        .success();
    let v = stats_json(&db);
    let studied: Vec<&serde_json::Value> = v["cards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["next_due"].is_number())
        .collect();
    assert_eq!(studied.len(), 1);
    assert!(studied[0]["retrievability"].as_f64().unwrap() > 0.9);
    assert_eq!(studied[0]["mastery"].as_f64(), Some(0.0));
    // Rated Easy instead, the same card would be near 100%.
    let db2 = dir.path().join("g.db");
    planmark(&db2)
        .args(["flashcards", "--new", "1"])
        .write_stdin("\n4\n")
        .assert()
        .success();
    let v = stats_json(&db2);
    let best = v["cards"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["mastery"].as_f64())
        .fold(0.0, f64::max);
    assert!(best > 0.9, "{best}");
}

#[test]
fn stats_columns_are_per_card_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    // Learn one card of sixteen fully? Recall one factor of women.
    planmark(&db)
        .args(["learn", "--card", "women"])
        .write_stdin("give up\n")
        .assert()
        .success();
    // Sort every point of one card right: that card is 100%, the deck 1/16.
    let lib = planmark::library::Library::builtin();
    let (_, card) = lib.card("women").unwrap();
    let game = planmark::modes::sort::SortGame::new(
        card.points
            .iter()
            .map(|p| planmark::modes::sort::SortItem {
                card: "russia-1917-53/women".into(),
                headline: p.headline.clone(),
                detail: p.detail.clone(),
                side: p.side,
            })
            .collect(),
        2,
    );
    let mut g = game.clone();
    let mut input = String::new();
    while let Some(item) = g.current().cloned() {
        input.push_str(if item.side == planmark::model::Side::For {
            "f\n"
        } else {
            "a\n"
        });
        g.answer(item.side);
    }
    planmark(&db)
        .args(["sort", "--card", "women", "--seed", "2"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("Sorted 8 of 8"));
    let modes = deck_modes(&db);
    assert!(
        (modes["sort"].as_f64().unwrap() - 1.0 / 16.0).abs() < 1e-9,
        "{modes}"
    );
    assert_eq!(modes["learn"].as_f64(), Some(0.0));
    planmark(&db).arg("stats").assert().success().stdout(
        predicate::str::contains("the mean over the deck's cards of your latest result")
            .and(predicate::str::contains("never raise it")),
    );
}

#[test]
fn every_stats_format_is_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    planmark(&db)
        .args(["flashcards", "--new", "1"])
        .write_stdin("\n3\n")
        .assert()
        .success();
    let out = |f: &str| {
        String::from_utf8(
            planmark(&db)
                .args(["stats", "--format", f])
                .assert()
                .success()
                .get_output()
                .stdout
                .clone(),
        )
        .unwrap()
    };
    assert!(out("table").contains("Study analytics"));
    let json: serde_json::Value = serde_json::from_str(&out("json")).unwrap();
    assert_eq!(json["cards"].as_array().unwrap().len(), 16);
    let csv = out("csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rows.headers().unwrap().iter().next(), Some("card"), "{csv}");
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 16);
    assert_eq!(
        records.iter().filter(|r| !r[7].is_empty()).count(),
        1,
        "one card has a due date"
    );
    // jsonl is not a stats format: refused as bad usage, not printed as a table.
    planmark(&db)
        .args(["stats", "--format", "jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: table, json, csv",
        ));
}

#[test]
fn a_test_needs_at_least_one_item() {
    let dir = tempfile::tempdir().unwrap();
    planmark(&dir.path().join("t.db"))
        .args(["test", "-n", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("0 is not in 1..=60"));
}

#[test]
fn a_test_match_item_needs_every_pair_and_shows_the_right_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    // Seed 11 deals the README's test: a plan, a sort item, then a match item
    // whose right answer is 1c 2b 3a.
    planmark(&db)
        .args(["test", "-n", "3", "--seed", "11"])
        .write_stdin("- Whites divided\n.\na\n1c 2a\n1a 2b 3c\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("pair all 3: 3 has no letter yet")
                .and(predicate::str::contains("1 of 3 pairs right"))
                .and(predicate::str::contains("The pairs were: 1c 2b 3a")),
        );
}

/// The factors `planmark grade` credits for a one-line plan.
fn graded_labels(db: &std::path::Path, rubric: &str, line: &str) -> Vec<String> {
    let out = planmark(db)
        .args(["grade", "--rubric", rubric, "--format", "json"])
        .write_stdin(line)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut labels: Vec<String> = v["factors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["covered"] == true)
        .map(|f| f["label"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    labels
}

#[test]
fn learn_credits_exactly_what_grade_credits() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "NKVD",
        "NKVD zeal and denunciations from below",
        "the murder of Kirov in 1934",
        "Stalin was paranoid",
        "show trials of old Bolsheviks",
        "Tukhachevsky and the army purge",
        "the weather",
    ];
    for line in lines {
        let db = dir.path().join(format!("{}.db", line.len()));
        let out = planmark(&db)
            .args(["learn", "--card", "great-terror"])
            .write_stdin(format!("{line}\ngive up\n"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        let mut learnt: Vec<String> = out
            .lines()
            .filter_map(|l| l.rsplit_once("✓ ").map(|(_, label)| label.to_string()))
            .collect();
        learnt.sort();
        assert_eq!(
            learnt,
            graded_labels(&db, "great-terror", line),
            "{line:?}\n{out}"
        );
    }
    // "NKVD" alone raises no factor in a plan, so learn says whose evidence it is.
    planmark(&dir.path().join("n.db"))
        .args(["learn", "--card", "great-terror"])
        .write_stdin("NKVD\ngive up\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "that is evidence for “The NKVD and denunciations from below”, not the factor itself",
        ));
}
