//! The command line: argument definitions (doc comments are the help text),
//! dispatch, and the mapping from errors to exit codes. The only place that
//! prints.

// First, so its macros are seen by the modules after it.
mod out;

mod deck_cmds;
mod editor;
mod examples;
mod grade;
mod input;
mod keys;
mod library_cmds;
mod modes;
mod practice;
mod render;
mod rubric_cmds;
mod serve;
mod study_cmds;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use planmark::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// Practise and mark A-level history essay plans.
///
/// planmark reads a typed essay plan, however abbreviated or misspelt, and
/// reports which factors of a teacher's rubric it covers (with the words that
/// matched), what is missing, balance, judgement, evidence, and an estimated
/// level and mark with next steps.
#[derive(Debug, Parser)]
#[command(name = "planmark", version, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  planmark practice                      # the next due question: plan, feedback, model answer\n  \
    planmark grade --rubric stalin-trotsky plan.txt\n  \
    echo '- T arrogant; S gen sec appointments' | planmark grade --rubric stalin-trotsky\n  \
    planmark grade --rubric stalin-trotsky --csv class.csv --text-column Plan --format csv\n  \
    planmark show stalin-trotsky\n  planmark rubric check --deny-warnings\n  planmark stats\n\nExit codes: 0 success, 1 problems found (rubric check --deny-warnings, rubric test thresholds), 2 bad input or usage (a broken rubric, an unreadable plan)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalOpts {
    /// Extra folder of decks and rubrics (repeatable; later folders win).
    /// Also read: $PLANMARK_LIBRARY and the platform data dir.
    #[arg(long = "library", value_name = "DIR", global = true)]
    pub library: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The study database [default: $PLANMARK_DB, else planmark.db in the
    /// platform data dir; see `planmark where`].
    #[arg(long, value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade plans against a rubric: one plan in detail, or a whole class.
    Grade(grade::GradeArgs),
    /// List the decks available (built-in and from library folders).
    Decks,
    /// List the rubrics available, and any that failed to load.
    Rubrics,
    /// Print a card: its question, model judgement and points for and against.
    Show {
        /// The card, as DECK/CARD or just CARD.
        card: String,
    },
    /// Practise the next due card: write a plan, get it graded, see the model answer.
    Practice(practice::PracticeArgs),
    /// List due and upcoming cards.
    Due(study_cmds::DueArgs),
    /// List past attempts, of one card or all.
    History {
        /// Only this card (DECK/CARD or CARD).
        card: Option<String>,
    },
    /// Show one attempt again: its plan and feedback (re-graded if the rubric changed).
    Attempt {
        /// The attempt number (see `planmark history`).
        id: i64,
    },
    /// Progress: marks and trends per card, factors missed most, mastery per deck.
    Stats(study_cmds::StatsArgs),
    /// List plans saved as drafts (not yet graded); resume with `practice --resume N`.
    Drafts(study_cmds::DraftsArgs),
    /// Print where planmark keeps its data, and how to back it up or delete it.
    Where,
    /// Flashcards: see the question, plan in your head, reveal the answer, rate it.
    Flashcards(modes::FlashcardArgs),
    /// Card sorting: say whether each point argues for or against.
    Sort(modes::DeckArgs),
    /// Match headlines to their details, against the clock.
    Match(modes::MatchArgs),
    /// Learn: recall a question's factors one by one, checked by the grader.
    Learn(modes::DeckArgs),
    /// A practice test mixing essay plans, sorting and matching items.
    Test(modes::TestArgs),
    /// Import a deck (Knowt/Quizlet page or export, Anki text, TOML, JSON) or export one.
    #[command(subcommand)]
    Deck(deck_cmds::DeckCmd),
    /// Teachers' tools: check a rubric, draft one for a card, calibrate it.
    #[command(subcommand)]
    Rubric(rubric_cmds::RubricCmd),
    /// The web app: practise, study and mark in the browser, with live marking as you type.
    Serve(serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of planmark, or of one of its commands.
    Man {
        /// A command, e.g. `grade` or `rubric check` [default: planmark itself].
        command: Vec<String>,
    },
}

/// The whole command line, with every command's examples (see `examples`).
pub fn command() -> clap::Command {
    examples::add_to(Cli::command())
}

/// Output formats shared by commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

/// Exit codes, documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// Checks ran and found problems (warnings under --deny-warnings,
    /// calibration below --min-f1 / --min-qwk).
    pub const PROBLEMS: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
}

pub fn run() -> ExitCode {
    keys::restore_on_panic();
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    let ctx = Context::new(&cli.global);
    let result = match cli.command {
        Command::Grade(args) => grade::run(&ctx, args).map_err(anyhow::Error::from),
        Command::Decks => library_cmds::decks(&ctx).map_err(anyhow::Error::from),
        Command::Rubrics => library_cmds::rubrics(&ctx).map_err(anyhow::Error::from),
        Command::Show { card } => library_cmds::show(&ctx, &card).map_err(anyhow::Error::from),
        Command::Practice(args) => practice::run(&ctx, args),
        Command::Due(args) => study_cmds::due(&ctx, args),
        Command::History { card } => study_cmds::history(&ctx, card.as_deref()),
        Command::Attempt { id } => study_cmds::attempt(&ctx, id),
        Command::Stats(args) => study_cmds::stats(&ctx, args),
        Command::Drafts(args) => study_cmds::drafts(&ctx, args),
        Command::Where => study_cmds::where_(&ctx),
        Command::Rubric(cmd) => rubric_cmds::run(&ctx, cmd),
        Command::Deck(cmd) => deck_cmds::run(&ctx, cmd),
        Command::Flashcards(a) => modes::flashcards(&ctx, a),
        Command::Sort(a) => modes::sort_mode(&ctx, a),
        Command::Match(a) => modes::match_mode(&ctx, a),
        Command::Learn(a) => modes::learn_mode(&ctx, a),
        Command::Test(a) => modes::test_mode(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::Completions { shell } => completions(shell),
        Command::Man { command } => man(&command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // `planmark grade … | head`: the reader left; nothing to report.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || matches!(c.downcast_ref::<Error>(), Some(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::from(exit::OK);
            }
            match e.downcast_ref::<Error>() {
                Some(err) => ctx.report_error(err),
                None => {
                    eprintln!("{}", render::error_line(&error_chain(&e), ctx.color_stderr));
                }
            }
            ExitCode::from(exit::BAD_INPUT)
        }
    }
}

/// An error and its causes on one line, each cause said once: a message
/// that already includes its cause (as SQLite's do) is not followed by it
/// again ("X: X: Error code 8: X" becomes "X").
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        // SQLite's own "Error code N: …" restates what came before it.
        if text.starts_with("Error code ") && !out.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut cmd = command();
    clap_complete::generate(shell, &mut cmd, "planmark", &mut std::io::stdout().lock());
    Ok(exit::OK)
}

fn man(path: &[String]) -> anyhow::Result<u8> {
    let mut cmd = command();
    cmd.build();
    let mut page = cmd.clone();
    for name in path {
        page = page.find_subcommand(name).cloned().ok_or_else(|| {
            anyhow::anyhow!(
                "there is no command `{}`; `planmark --help` lists them",
                path.join(" ")
            )
        })?;
    }
    if !path.is_empty() {
        page = page
            .name(format!("planmark-{}", path.join("-")))
            .version(env!("CARGO_PKG_VERSION"));
    }
    clap_mangen::Man::new(page).render(&mut std::io::stdout().lock())?;
    Ok(exit::OK)
}

/// What every command needs: the library folders and terminal settings.
pub struct Context {
    pub library_dirs: Vec<PathBuf>,
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub db: PathBuf,
    /// A fixed time (unix seconds) from $PLANMARK_NOW, for tests and demos.
    pub fixed_now: Option<i64>,
    /// Whether the library's broken files have been named once already.
    library_warned: std::sync::atomic::AtomicBool,
}

impl Context {
    fn new(g: &GlobalOpts) -> Context {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Context {
            library_dirs: planmark::library::search_dirs(
                &g.library,
                std::env::var_os("PLANMARK_LIBRARY"),
            ),
            color_stdout: decide(std::io::stdout().is_terminal()),
            color_stderr: decide(std::io::stderr().is_terminal()),
            db: g
                .db
                .clone()
                .or_else(|| {
                    std::env::var_os("PLANMARK_DB")
                        .filter(|v| !v.is_empty())
                        .map(PathBuf::from)
                })
                .unwrap_or_else(default_db),
            fixed_now: std::env::var("PLANMARK_NOW")
                .ok()
                .and_then(|v| v.trim().parse().ok()),
            library_warned: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// [`Context::now`] for another thread (the draft writer).
    pub fn clock(&self) -> planmark::study::drafts::Clock {
        let fixed = self.fixed_now;
        std::sync::Arc::new(move || fixed.unwrap_or_else(system_now))
    }

    /// The current time in unix seconds (or $PLANMARK_NOW).
    pub fn now(&self) -> i64 {
        self.fixed_now.unwrap_or_else(system_now)
    }

    pub fn store(&self) -> Result<planmark::study::Store, planmark::study::StoreError> {
        planmark::study::Store::open(&self.db)
    }

    /// The database for a command that only reads it: never created,
    /// migrated or written, so a read-only folder does not stop it.
    pub fn store_read_only(&self) -> Result<planmark::study::Store, planmark::study::StoreError> {
        planmark::study::Store::open_read_only(&self.db)
    }

    /// The library. A file in it that does not load is named on one line
    /// (once per run), and the command goes on without it; `decks`,
    /// `rubrics` and `rubric check` show the whole error ([`Context::library_quiet`]).
    pub fn library(&self) -> planmark::library::Library {
        self.warned(self.library_quiet())
    }

    /// What [`Context::library`] gives for grading with rubric `id` (that
    /// rubric and its card's deck), with the same warnings, parsing only the
    /// built-in files it needs ([`planmark::library::Library::load_for_rubric`]).
    pub fn library_for_rubric(&self, id: &str) -> planmark::library::Library {
        self.warned(planmark::library::Library::load_for_rubric(
            &self.library_dirs,
            id,
        ))
    }

    /// `lib`, its broken files named once per run.
    fn warned(&self, lib: planmark::library::Library) -> planmark::library::Library {
        if !self
            .library_warned
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            for p in &lib.problems {
                // Where and what, from the first error; the rest is one
                // command away.
                let first = p.diagnostics.first();
                let line = first
                    .and_then(|d| d.span.as_ref())
                    .and_then(|span| p.text.get(..span.start))
                    .map(|before| format!(":{}", before.matches('\n').count() + 1))
                    .unwrap_or_default();
                let what = first.map_or_else(
                    || "it does not load".to_string(),
                    |d| d.message.split_whitespace().collect::<Vec<_>>().join(" "),
                );
                let more = if p.text.is_empty() || planmark::library::looks_like_deck(&p.text) {
                    String::new()
                } else {
                    format!(
                        " (`planmark rubric check {}` shows every problem)",
                        deck_cmds::shell_word(&p.path.display().to_string())
                    )
                };
                eprintln!(
                    "{}",
                    render::warning_line(
                        &format!("skipped {}{line}: {what}{more}", p.path.display()),
                        self.color_stderr
                    )
                );
            }
        }
        lib
    }

    /// The library, its broken files left to the caller to report.
    pub fn library_quiet(&self) -> planmark::library::Library {
        planmark::library::Library::load(&self.library_dirs)
    }

    pub fn report_error(&self, e: &Error) {
        match e {
            Error::Invalid(d) => eprint!("{}", render::diagnostics(d, self.color_stderr)),
            other => eprintln!(
                "{}",
                render::error_line(&other.to_string(), self.color_stderr)
            ),
        }
    }
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `planmark.db` in the platform data dir (e.g. ~/.local/share/planmark).
pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("", "", "planmark")
        .map(|p| p.data_dir().join("planmark.db"))
        .unwrap_or_else(|| PathBuf::from("planmark.db"))
}
