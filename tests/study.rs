//! The study loop through the real binary, with a temporary database and an
//! injected clock: attempts, scheduling, drafts, concurrency, and databases
//! that are broken, newer or older.

use assert_cmd::Command;
use fsrs::{DEFAULT_PARAMETERS, FSRS};
use planmark::study::schedule::interval_seconds;
use predicates::prelude::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_800_000_000;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A library with a two-card deck and a rubric for each card.
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib");
        std::fs::create_dir_all(lib.join("decks")).unwrap();
        std::fs::create_dir_all(lib.join("rubrics")).unwrap();
        std::fs::write(
            lib.join("decks/test.toml"),
            r#"id = "test"
title = "Test deck"
[[card]]
id = "one"
question = "Why did Stalin win?"
judgement = "Mainly his control of the party."
[[card.point]]
side = "against"
headline = "General Secretary"
detail = "He controlled appointments."
[[card]]
id = "two"
question = "Why did Trotsky lose?"
judgement = "Largely his own errors."
[[card.point]]
side = "for"
headline = "Arrogance"
detail = "He was arrogant."
"#,
        )
        .unwrap();
        for (id, word) in [("one", "appointments"), ("two", "arrogant")] {
            std::fs::write(
                lib.join(format!("rubrics/{id}.toml")),
                format!(
                    "id = \"{id}\"\ncard = \"test/{id}\"\nmax-mark = 10\n[[factor]]\nid = \"f\"\nlabel = \"F\"\nphrases = [\"{word}\"]\n\
                     [[band]]\nlevel = 2\nmarks = [10, 10]\nmin-factors = 1\njudgement = true\n\
                     [[band]]\nlevel = 1\nmarks = [5, 5]\nmin-factors = 1\n[[band]]\nlevel = 0\nmarks = [0, 0]\n"
                ),
            )
            .unwrap();
        }
        Env { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("study.db")
    }

    fn cmd(&self, now: i64) -> Command {
        let mut c = Command::cargo_bin("planmark").unwrap();
        c.env("PLANMARK_DB", self.db())
            .env("PLANMARK_NOW", now.to_string())
            .env("PLANMARK_LIBRARY", self.dir.path().join("lib"))
            .env("NO_COLOR", "1");
        c
    }

    fn conn(&self) -> Connection {
        Connection::open(self.db()).unwrap()
    }
}

fn due_of(conn: &Connection, card: &str) -> i64 {
    conn.query_row("SELECT due FROM schedule WHERE card = ?1", [card], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn practice_records_the_attempt_and_schedules_with_fsrs() {
    let env = Env::new();
    env.cmd(NOW)
        .args(["practice", "--deck", "test"])
        .write_stdin("Overall his appointments as General Secretary mattered most")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Card: test/one (new)")
                .and(predicate::str::contains("Rated Easy")),
        );
    let conn = env.conn();
    let (plan, mark, rating): (String, u32, String) = conn
        .query_row("SELECT plan, mark, rating FROM attempts", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert!(plan.contains("appointments"));
    assert_eq!(mark, 10);
    assert_eq!(rating, "easy");
    let fsrs = FSRS::new(&DEFAULT_PARAMETERS).unwrap();
    let easy = fsrs.next_states(None, 0.9, 0).unwrap().easy.interval;
    assert_eq!(due_of(&conn, "test/one"), NOW + interval_seconds(easy));

    // A weak plan on the next new card: level 0 → Again, a short interval.
    env.cmd(NOW + 60)
        .args(["practice", "--deck", "test"])
        .write_stdin("I don't know")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Card: test/two (new)")
                .and(predicate::str::contains("Rated Again")),
        );
    let again = fsrs.next_states(None, 0.9, 0).unwrap().again.interval;
    assert_eq!(
        due_of(&env.conn(), "test/two"),
        NOW + 60 + interval_seconds(again)
    );

    // Later, both are due: the one due first (two) comes first.
    let later = NOW + 400 * 86_400;
    env.cmd(later)
        .args(["practice", "--deck", "test"])
        .write_stdin("arrogant")
        .assert()
        .success()
        .stdout(predicate::str::contains("Card: test/two (due for review)"));

    let stats = env
        .cmd(later)
        .args(["stats", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&stats).unwrap();
    let two = v["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["card"] == "test/two")
        .unwrap();
    assert_eq!(two["attempts"], 2);
    assert_eq!(two["trend"], serde_json::json!([0, 5]));
    assert_eq!(two["best_mark"], 5);
    let deck = v["decks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["deck"] == "test")
        .unwrap();
    assert_eq!(deck["studied"], 2);
    assert_eq!(deck["cards"], 2);
    env.cmd(later)
        .arg("history")
        .assert()
        .success()
        .stdout(predicate::str::contains("test/two").and(predicate::str::contains("5/10")));
}

#[test]
fn a_plan_survives_a_rubric_that_fails_to_load() {
    let env = Env::new();
    let broken = env.dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "id = \"x\"\n[[factor]]\nid = \"f\"\nlabel = \"F\"\npatterns = ['(']\n",
    )
    .unwrap();
    env.cmd(NOW)
        .args(["practice", "--card", "test/one", "--rubric"])
        .arg(&broken)
        .write_stdin("my precious plan about appointments")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("saved as draft #1")
                .and(predicate::str::contains("broken.toml:5")),
        );
    env.cmd(NOW)
        .arg("drafts")
        .assert()
        .success()
        .stdout(predicate::str::contains("my precious plan"));
    // Resuming it grades it and closes the draft.
    env.cmd(NOW + 10)
        .args(["practice", "--resume", "1"])
        .write_stdin("and his control of the party")
        .assert()
        .success()
        .stdout(predicate::str::contains("Rated"));
    let plan: String = env
        .conn()
        .query_row("SELECT plan FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        plan,
        "my precious plan about appointments\nand his control of the party"
    );
    env.cmd(NOW)
        .arg("drafts")
        .assert()
        .success()
        .stdout(predicate::str::contains("No drafts"));
}

#[test]
fn a_killed_practice_keeps_what_was_typed() {
    use std::io::Write;
    let env = Env::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("planmark"))
        .args(["practice", "--card", "test/one"])
        .env("PLANMARK_DB", env.db())
        .env("PLANMARK_LIBRARY", env.dir.path().join("lib"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"- half a plan about appointments\n")
        .unwrap();
    stdin.flush().unwrap();
    // Wait until the line is saved in the draft, then kill before EOF.
    let mut seen = false;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let saved: Option<String> = env.db().exists().then(|| {
            env.conn()
                .query_row("SELECT plan FROM drafts", [], |r| r.get(0))
                .unwrap_or_default()
        });
        if saved.is_some_and(|p| p.contains("half a plan")) {
            seen = true;
            break;
        }
    }
    assert!(
        seen,
        "the typed line was saved before the plan was finished"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    let attempts: i64 = env
        .conn()
        .query_row("SELECT COUNT(*) FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(attempts, 0);
    env.cmd(NOW)
        .arg("drafts")
        .assert()
        .success()
        .stdout(predicate::str::contains("half a plan about appointments"));
}

#[test]
fn two_students_can_practise_on_one_database_at_once() {
    let env = Env::new();
    // Create the schema first so both start from the same point.
    env.cmd(NOW).arg("due").assert().success();
    let spawn = |card: &str, plan: &str| {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("planmark"));
        c.args(["practice", "--card", card])
            .env("PLANMARK_DB", env.db())
            .env("PLANMARK_NOW", NOW.to_string())
            .env("PLANMARK_LIBRARY", env.dir.path().join("lib"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, plan.as_bytes()).unwrap();
        drop(stdin);
        child
    };
    let a = spawn("test/one", "appointments");
    let b = spawn("test/two", "arrogant");
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let n: i64 = env
        .conn()
        .query_row("SELECT COUNT(*) FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let env = Env::new();
    std::fs::write(
        env.db(),
        "these are my history notes, not a database\n".repeat(100),
    )
    .unwrap();
    let before = bytes(&env.db());
    env.cmd(NOW)
        .arg("history")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a planmark database"));
    assert_eq!(bytes(&env.db()), before);
}

#[test]
fn a_database_from_a_newer_planmark_is_refused_and_left_alone() {
    let env = Env::new();
    {
        let c = env.conn();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = bytes(&env.db());
    env.cmd(NOW)
        .arg("due")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "newer planmark (schema version 99",
        ));
    assert_eq!(bytes(&env.db()), before);
}

#[test]
fn an_older_database_is_migrated_keeping_its_attempts() {
    let env = Env::new();
    {
        let c = env.conn();
        c.execute_batch(planmark::study::store::MIGRATIONS[0])
            .unwrap();
        c.execute_batch("PRAGMA user_version = 1;").unwrap();
        c.execute(
            "INSERT INTO attempts (card, rubric_id, rubric_hash, plan, mark, max_mark, level, coverage,
                result_json, rating, duration_ms, started_at, finished_at)
             VALUES ('test/one', 'one', 'x', 'old plan', 7, 10, 1, 0.5, '{}', 'good', 1000, 1, 2)",
            [],
        )
        .unwrap();
    }
    env.cmd(NOW)
        .arg("history")
        .assert()
        .success()
        .stdout(predicate::str::contains("7/10").and(predicate::str::contains("practice")));
    let c = env.conn();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, planmark::study::store::SCHEMA_VERSION);
    let plan: String = c
        .query_row("SELECT plan FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(plan, "old plan");
}

#[test]
fn attempt_regrades_when_the_rubric_changed() {
    let env = Env::new();
    env.cmd(NOW)
        .args(["practice", "--card", "test/one", "--rating", "good"])
        .write_stdin("appointments")
        .assert()
        .success();
    // The teacher adds an alias; the old attempt is re-graded and says so.
    let path = env.dir.path().join("lib/rubrics/one.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("max-mark = 10", "max-mark = 10\n# edited");
    std::fs::write(&path, text).unwrap();
    env.cmd(NOW)
        .args(["attempt", "1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("has changed since this attempt")
                .and(predicate::str::contains("appointments")),
        );
}

#[test]
fn a_damaged_database_gets_a_clear_message() {
    let env = Env::new();
    env.cmd(NOW)
        .args(["practice", "--card", "test/one", "--rating", "good"])
        .write_stdin("appointments ".repeat(2000))
        .assert()
        .success();
    {
        // Fold the WAL back into the file, then scribble over its later pages.
        let c = env.conn();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let mut bytes = std::fs::read(env.db()).unwrap();
    assert!(bytes.len() > 8192, "the database has several pages");
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(env.db(), bytes).unwrap();
    env.cmd(NOW)
        .arg("history")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("is damaged")
                .or(predicate::str::contains("is not a planmark database")),
        )
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn cards_without_a_rubric_are_not_offered_for_practice() {
    let env = Env::new();
    std::fs::remove_file(env.dir.path().join("lib/rubrics/one.toml")).unwrap();
    env.cmd(NOW)
        .args(["practice", "--deck", "test"])
        .write_stdin("arrogant")
        .assert()
        .success()
        .stdout(predicate::str::contains("Card: test/two"));
    env.cmd(NOW)
        .args(["practice", "--card", "test/one"])
        .write_stdin("appointments")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rubric marks test/one"));
}

#[test]
fn another_programs_sqlite_file_is_refused_and_left_alone() {
    let env = Env::new();
    {
        let c = env.conn();
        c.execute_batch("CREATE TABLE foo (x); INSERT INTO foo VALUES (1);")
            .unwrap();
    }
    let before = bytes(&env.db());
    for cmd in ["due", "stats", "history"] {
        env.cmd(NOW)
            .arg(cmd)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "is not a planmark database: it is another program's SQLite file",
            ));
    }
    assert_eq!(bytes(&env.db()), before, "not a byte changed");
    let tables: Vec<String> = env
        .conn()
        .prepare("SELECT name FROM sqlite_master ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables, ["foo"]);
    let journal: String = env
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete", "WAL was not switched on");
}
