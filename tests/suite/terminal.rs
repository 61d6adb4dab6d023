//! The interactive flows at a real terminal (a pseudo-terminal, no tmux):
//! the line editor for typed plans, Ctrl-C, the `--timed` countdown, the
//! offer to resume a draft, and one-key answers. Every wait has a generous
//! time-out and nothing asserts how long anything took.
#![cfg(unix)]

use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use rusqlite::Connection;
use std::path::PathBuf;
use std::process::Command;

/// Long enough for a slow, shared machine; only reached when a test fails.
const WAIT_MS: u64 = 30_000;

const LEFT: &str = "\x1b[D";
const UP: &str = "\x1b[A";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A one-card deck with a rubric, and an empty database.
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib");
        std::fs::create_dir_all(lib.join("decks")).unwrap();
        std::fs::create_dir_all(lib.join("rubrics")).unwrap();
        std::fs::write(
            lib.join("decks/test.toml"),
            "id = \"test\"\ntitle = \"Test\"\n[[card]]\nid = \"one\"\nquestion = \"Why did Stalin win?\"\n\
             judgement = \"His control of the party.\"\n[[card.point]]\nside = \"against\"\n\
             headline = \"General Secretary\"\ndetail = \"He controlled appointments.\"\n\
             [[card]]\nid = \"two\"\nquestion = \"Why did Trotsky lose?\"\njudgement = \"His errors.\"\n\
             [[card.point]]\nside = \"for\"\nheadline = \"Arrogance\"\ndetail = \"He was arrogant.\"\n",
        )
        .unwrap();
        std::fs::write(
            lib.join("rubrics/one.toml"),
            "id = \"one\"\ncard = \"test/one\"\nmax-mark = 10\n[[factor]]\nid = \"f\"\nlabel = \"F\"\n\
             phrases = [\"appointments\"]\n[[band]]\nlevel = 1\nmarks = [5, 10]\nmin-factors = 1\n\
             [[band]]\nlevel = 0\nmarks = [0, 0]\n",
        )
        .unwrap();
        Env { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("study.db")
    }

    /// `planmark ARGS` at a terminal. `TERM=dumb` keeps the line editor from
    /// asking the terminal where its cursor is (a pty has no one to answer).
    fn spawn(&self, args: &[&str]) -> PtySession {
        let mut c = Command::new(env!("CARGO_BIN_EXE_planmark"));
        c.args(args)
            .env("PLANMARK_DB", self.db())
            .env("PLANMARK_LIBRARY", self.dir.path().join("lib"))
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .env_remove("VISUAL")
            .env_remove("EDITOR");
        spawn_with_options(
            c,
            Options::new()
                .timeout_ms(Some(WAIT_MS))
                .strip_ansi_escape_codes(true),
        )
        .unwrap()
    }

    fn conn(&self) -> Connection {
        Connection::open(self.db()).unwrap()
    }

    fn drafts(&self) -> Vec<(i64, String)> {
        if !self.db().exists() {
            return Vec::new();
        }
        self.conn()
            .prepare("SELECT id, plan FROM drafts WHERE attempt_id IS NULL ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

fn finish(mut p: PtySession) {
    p.exp_eof().unwrap();
}

/// Types `keys` (the session buffers what it sends until flushed).
fn typ(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

#[test]
fn a_typed_plan_is_edited_with_arrow_keys_and_ctrl_c_keeps_it() {
    let env = Env::new();
    let mut p = env.spawn(&["practice", "--card", "test/one"]);
    p.exp_string("Type your plan").unwrap();
    p.exp_string("> ").unwrap();
    // A slip ("appointmets") mended with two steps left and an insertion:
    // the arrows move the cursor and are never stored as escape codes.
    typ(&mut p, "appointmets");
    typ(&mut p, LEFT);
    typ(&mut p, LEFT);
    typ(&mut p, "n");
    typ(&mut p, "\r");
    p.exp_string("> ").unwrap();
    // Up brings back the plan's own line.
    typ(&mut p, UP);
    typ(&mut p, " again\r");
    p.exp_string("> ").unwrap();
    typ(&mut p, "half a line");
    p.send_control('c').unwrap();
    p.exp_string("Draft #1 saved").unwrap();
    finish(p);
    let drafts = env.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        drafts[0].1, "appointments\nappointments again\nhalf a line",
        "no escape codes, and the line being typed at Ctrl-C is kept"
    );
}

#[test]
fn ctrl_c_before_typing_keeps_no_empty_draft() {
    let env = Env::new();
    for _ in 0..2 {
        let mut p = env.spawn(&["practice", "--card", "test/one"]);
        p.exp_string("Type your plan").unwrap();
        p.exp_string("> ").unwrap();
        p.send_control('c').unwrap();
        p.exp_string("no draft was kept").unwrap();
        finish(p);
    }
    assert!(env.drafts().is_empty(), "{:?}", env.drafts());
}

#[test]
fn an_open_draft_is_offered_and_the_rating_takes_one_key() {
    let env = Env::new();
    let mut p = env.spawn(&["practice", "--card", "test/one"]);
    p.exp_string("> ").unwrap();
    typ(&mut p, "his appointments\r");
    p.exp_string("> ").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("Draft #1 saved").unwrap();
    finish(p);

    let mut p = env.spawn(&["practice", "--card", "test/one"]);
    p.exp_string("You have an open draft #1 for this card (1 line")
        .unwrap();
    p.exp_string("Carry on with it? [Y/n]").unwrap();
    typ(&mut p, "y");
    p.exp_string("Your draft so far").unwrap();
    p.exp_string("> ").unwrap();
    typ(&mut p, "as General Secretary\r");
    p.exp_string("> ").unwrap();
    typ(&mut p, ".\r");
    p.exp_string("Press Enter to accept").unwrap();
    // One key, no Enter.
    typ(&mut p, "2");
    p.exp_string("Rated Hard").unwrap();
    finish(p);
    let (plan, rating): (String, String) = env
        .conn()
        .query_row("SELECT plan, rating FROM attempts", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(plan, "his appointments\nas General Secretary");
    assert_eq!(rating, "hard");
    assert!(
        env.drafts().is_empty(),
        "the resumed draft became the attempt"
    );
}

#[test]
fn the_timed_countdown_runs_without_enter_and_stops_typing_at_zero() {
    let env = Env::new();
    let mut p = env.spawn(&["practice", "--card", "test/one", "--timed", "4s"]);
    p.exp_string("[00:04] > ").unwrap();
    typ(&mut p, "appointments, unfinished");
    // The prompt is redrawn as the seconds pass, with no key pressed.
    p.exp_string("[00:02] > ").unwrap();
    p.exp_string("[00:01] > ").unwrap();
    p.exp_string("Time is up").unwrap();
    p.exp_string("Press Enter to accept").unwrap();
    typ(&mut p, "\r");
    p.exp_string("Rated").unwrap();
    finish(p);
    let plan: String = env
        .conn()
        .query_row("SELECT plan FROM attempts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        plan, "appointments, unfinished",
        "the line being typed is kept"
    );
}

/// The terminal settings after `planmark ARGS` exits (`stty -a`), to check
/// that raw mode was left.
fn spawn_then_stty(env: &Env, args: &str) -> PtySession {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "\"{}\" {args}; echo STTY; stty -a",
            env!("CARGO_BIN_EXE_planmark")
        ))
        .env("PLANMARK_DB", env.db())
        .env("PLANMARK_LIBRARY", env.dir.path().join("lib"))
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    spawn_with_options(
        c,
        Options::new()
            .timeout_ms(Some(WAIT_MS))
            .strip_ansi_escape_codes(true),
    )
    .unwrap()
}

fn terminal_is_cooked(p: &mut PtySession) {
    p.exp_string("STTY").unwrap();
    let settings = p.exp_eof().unwrap();
    assert!(
        settings.contains(" icanon") && !settings.contains("-icanon"),
        "raw mode was left on: {settings}"
    );
}

#[test]
fn flashcards_take_one_key_to_reveal_rate_and_stop() {
    let env = Env::new();
    let mut p = spawn_then_stty(&env, "flashcards --deck test");
    p.exp_string("press any key to see the answer (q to stop)")
        .unwrap();
    typ(&mut p, " ");
    p.exp_string("Judgement:").unwrap();
    p.exp_string("[Enter = Good] (q to stop)").unwrap();
    typ(&mut p, "4");
    p.exp_string("Easy: next review").unwrap();
    p.exp_string("press any key to see the answer (q to stop)")
        .unwrap();
    typ(&mut p, "q");
    p.exp_string("1 card reviewed.").unwrap();
    terminal_is_cooked(&mut p);
    let rating: String = env
        .conn()
        .query_row("SELECT rating FROM reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rating, "easy");
}

#[test]
fn ctrl_c_at_a_one_key_prompt_stops_and_restores_the_terminal() {
    let env = Env::new();
    let mut p = spawn_then_stty(&env, "flashcards --deck test");
    p.exp_string("press any key").unwrap();
    typ(&mut p, "x");
    p.exp_string("[Enter = Good]").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("0 cards reviewed.").unwrap();
    terminal_is_cooked(&mut p);
}

#[test]
fn sorting_takes_one_key_per_point() {
    let env = Env::new();
    let mut p = env.spawn(&["sort", "--card", "test/one", "--seed", "1"]);
    p.exp_string("press f if it argues for").unwrap();
    p.exp_string("f/a? ").unwrap();
    // The card's one point argues against: one key, no Enter.
    typ(&mut p, "a");
    p.exp_string("Sorted 1 of 1 right first time").unwrap();
    finish(p);
}

#[test]
fn grade_at_a_terminal_says_it_is_waiting_for_the_plan() {
    let env = Env::new();
    let mut p = env.spawn(&["grade", "--rubric", "one"]);
    p.exp_string("reading the plan from standard input; end with Ctrl-D")
        .unwrap();
    typ(&mut p, "his appointments\r");
    // Ctrl-D at the start of a line ends the input.
    typ(&mut p, "\x04");
    p.exp_string("Level 1").unwrap();
    finish(p);
}

#[test]
fn a_plan_in_a_test_is_typed_in_the_line_editor() {
    let env = Env::new();
    let mut p = env.spawn(&["test", "--deck", "test", "-n", "1", "--seed", "1"]);
    p.exp_string("Item 1 of 1 (plan)").unwrap();
    p.exp_string("> ").unwrap();
    typ(&mut p, "appointmets");
    typ(&mut p, LEFT);
    typ(&mut p, LEFT);
    typ(&mut p, "n\r");
    p.exp_string("> ").unwrap();
    typ(&mut p, ".\r");
    p.exp_string("Overall:").unwrap();
    finish(p);
    let details: String = env
        .conn()
        .query_row("SELECT details_json FROM sessions", [], |r| r.get(0))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(v["items"][0]["plan"], "appointments");
}
