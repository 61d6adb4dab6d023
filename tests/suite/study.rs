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

    /// The database with planmark's schema (commands that only read, like
    /// `due`, never create it).
    fn create_db(&self) {
        drop(planmark::study::Store::open(&self.db()).unwrap());
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
            predicate::str::contains("Draft #1 saved")
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
    env.create_db();
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

/// `planmark practice` reading a pipe that the test writes to.
fn piped_practice(env: &Env, card: &str) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("planmark"))
        .args(["practice", "--card", card, "--rating", "good"])
        .env("PLANMARK_DB", env.db())
        .env("PLANMARK_NOW", NOW.to_string())
        .env("PLANMARK_LIBRARY", env.dir.path().join("lib"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Polls the open draft until `done` says so (or gives up after a minute).
fn wait_for_draft(env: &Env, done: impl Fn(&str) -> bool) -> Option<String> {
    for _ in 0..600 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let plan: Option<String> = env
            .conn()
            .query_row(
                "SELECT plan FROM drafts ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        if plan.as_deref().is_some_and(&done) {
            return plan;
        }
    }
    None
}

#[test]
fn piped_lines_that_arrive_together_are_saved_without_waiting_for_more() {
    use std::io::Write;
    let env = Env::new();
    env.create_db();
    let mut child = piped_practice(&env, "test/one");
    let mut stdin = child.stdin.take().unwrap();
    // Five lines in one write, then silence: no sixth line, no end of input.
    stdin
        .write_all(b"- one\n- two\n- three\n- four\n- five\n")
        .unwrap();
    stdin.flush().unwrap();
    let saved = wait_for_draft(&env, |p| p.lines().count() == 5);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        saved.as_deref(),
        Some("- one\n- two\n- three\n- four\n- five"),
        "all five lines reached the draft while the process waited for more"
    );
}

/// Holds the database's write lock, as another program might.
fn hold_write_lock(env: &Env) -> Connection {
    let c = env.conn();
    c.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    c
}

#[test]
fn a_database_locked_for_longer_than_the_busy_timeout_drops_no_line() {
    use std::io::Write;
    let env = Env::new();
    env.create_db();
    let lock = hold_write_lock(&env);
    let mut child = piped_practice(&env, "test/one");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"- one\n- two\n- three\n- four\n- appointments\n")
        .unwrap();
    stdin.flush().unwrap();
    // Past the 5-second busy timeout, so the first saves fail; then the
    // lock goes and the end of input comes.
    std::thread::sleep(std::time::Duration::from_secs(7));
    lock.execute_batch("COMMIT;").unwrap();
    drop(lock);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: String = env
        .conn()
        .query_row("SELECT plan FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(plan, "- one\n- two\n- three\n- four\n- appointments");
}

#[test]
fn a_database_locked_to_the_end_leaves_the_plan_in_a_file_that_comes_back() {
    use std::io::Write;
    let env = Env::new();
    env.create_db();
    let lock = hold_write_lock(&env);
    let mut child = piped_practice(&env, "test/one");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"- one\n- two\n- three\n- four\n- five\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Your plan is kept in"), "{stderr}");
    let files: Vec<PathBuf> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("study.db.draft-"))
        .collect();
    assert_eq!(files.len(), 1, "{stderr}");
    assert!(
        std::fs::read_to_string(&files[0])
            .unwrap()
            .ends_with("- one\n- two\n- three\n- four\n- five\n")
    );
    lock.execute_batch("COMMIT;").unwrap();
    drop(lock);
    // The next run takes the file back into the database.
    env.cmd(NOW)
        .arg("drafts")
        .assert()
        .success()
        .stderr(predicate::str::contains("it is back in the database"))
        .stdout(predicate::str::contains(
            "- one - two - three - four - five",
        ));
    assert!(!files[0].exists());
    env.cmd(NOW)
        .args(["drafts", "--show", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "- one\n- two\n- three\n- four\n- five",
        ));
}

#[test]
fn practice_into_a_closed_pipe_still_records_the_attempt() {
    let env = Env::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("planmark"))
        .args(["practice", "--card", "test/one"])
        .env("PLANMARK_DB", env.db())
        .env("PLANMARK_NOW", NOW.to_string())
        .env("PLANMARK_LIBRARY", env.dir.path().join("lib"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: the reader takes one line and goes.
    let mut first = String::new();
    {
        use std::io::BufRead;
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut first).unwrap();
    }
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"his appointments\n").unwrap();
    }
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "exit {status:?}: a closed output is not a failure"
    );
    let plan: String = env
        .conn()
        .query_row("SELECT plan FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(plan, "his appointments");
}

#[test]
fn the_editor_gets_a_private_new_file_not_a_predictable_one() {
    let env = Env::new();
    let tmp = env.dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // What an attacker could plant under the old predictable name.
    let victim = env.dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    for n in 1..4 {
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, tmp.join(format!("planmark-draft-{n}.md"))).unwrap();
    }
    let report = env.dir.path().join("report.txt");
    let script = env.dir.path().join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nstat -c '%a %F' \"$1\" > '{}'\nprintf 'his appointments\\n' >> \"$1\"\n",
            report.display()
        ),
    )
    .unwrap();
    env.cmd(NOW)
        .args([
            "practice", "--card", "test/one", "--editor", "--rating", "good",
        ])
        .env("EDITOR", format!("sh {}", script.display()))
        .env_remove("VISUAL")
        .env("TMPDIR", &tmp)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let seen = std::fs::read_to_string(&report).unwrap();
    assert_eq!(seen.trim(), "600 regular file", "private, and not a link");
    let plan: String = env
        .conn()
        .query_row("SELECT plan FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(plan, "his appointments");
    let planted = [
        "planmark-draft-1.md",
        "planmark-draft-2.md",
        "planmark-draft-3.md",
    ];
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !planted.contains(&n.as_str()))
        .collect();
    assert!(left.is_empty(), "the temporary file is removed: {left:?}");
}

#[test]
fn a_piped_plan_over_the_limit_is_refused_keeping_what_was_read() {
    let env = Env::new();
    let line = format!("- appointments {}\n", "x".repeat(1000));
    let input = line.repeat(1100);
    env.cmd(NOW)
        .args(["practice", "--card", "test/one"])
        .write_stdin(input)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("over the 1 MiB limit")
                .and(predicate::str::contains("Draft #1 saved")),
        );
    let plan: String = env
        .conn()
        .query_row("SELECT plan FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert!(
        plan.len() > 1_000_000 && plan.len() <= 1_048_576,
        "{}",
        plan.len()
    );
}

#[test]
fn a_resumed_plan_counts_the_time_of_every_sitting() {
    use std::io::Write;
    let env = Env::new();
    let broken = env.dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "id = \"x\"\n[[factor]]\nid = \"f\"\nlabel = \"F\"\npatterns = ['(']\n",
    )
    .unwrap();
    // First sitting: a line, a pause of over a second, a line; the rubric
    // fails, so the plan stays a draft.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("planmark"))
        .args(["practice", "--card", "test/one", "--rubric"])
        .arg(&broken)
        .env("PLANMARK_DB", env.db())
        .env("PLANMARK_NOW", NOW.to_string())
        .env("PLANMARK_LIBRARY", env.dir.path().join("lib"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"his appointments\n").unwrap();
    stdin.flush().unwrap();
    // Once the first line is saved, the sitting has surely begun.
    assert!(wait_for_draft(&env, |p| p == "his appointments").is_some());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    stdin.write_all(b"as General Secretary\n").unwrap();
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(2));
    // Second sitting, with the clock the tests fix: it adds no time of its own.
    env.cmd(NOW)
        .args(["practice", "--resume", "1", "--rating", "good"])
        .write_stdin("and the party machine")
        .assert()
        .success();
    let (plan, duration): (String, i64) = env
        .conn()
        .query_row("SELECT plan, duration_ms FROM attempts", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        plan,
        "his appointments\nas General Secretary\nand the party machine"
    );
    assert!(
        duration >= 1500,
        "the first sitting's time is counted: {duration} ms"
    );
}

#[test]
fn marking_with_another_cards_rubric_warns() {
    let env = Env::new();
    env.cmd(NOW)
        .args([
            "practice", "--card", "test/one", "--rubric", "two", "--rating", "good",
        ])
        .write_stdin("arrogant")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "rubric `two` is written for test/two, not test/one; marking with it anyway",
        ));
    // Its own rubric: no warning.
    env.cmd(NOW)
        .args([
            "practice", "--card", "test/one", "--rubric", "one", "--rating", "good",
        ])
        .write_stdin("appointments")
        .assert()
        .success()
        .stderr(predicate::str::contains("written for").not());
}
