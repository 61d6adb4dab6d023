//! The command line: argument definitions (doc comments are the help text),
//! dispatch, and the mapping from errors to exit codes. The only place that
//! prints.

mod grade;
mod input;
mod library_cmds;
mod render;

use clap::{Args, Parser, Subcommand, ValueEnum};
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
    after_help = "Examples:\n  planmark grade --rubric stalin-trotsky plan.txt\n  \
    echo '- T arrogant; S gen sec appointments' | planmark grade --rubric stalin-trotsky\n  \
    planmark grade --rubric stalin-trotsky --csv class.csv --text-column Plan --format csv\n  \
    planmark show stalin-trotsky\n\nExit codes: 0 success, 2 bad input or usage (a broken rubric, an unreadable plan)."
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
    pub const BAD_INPUT: u8 = 2;
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Context::new(&cli.global);
    let result = match cli.command {
        Command::Grade(args) => grade::run(&ctx, args),
        Command::Decks => library_cmds::decks(&ctx),
        Command::Rubrics => library_cmds::rubrics(&ctx),
        Command::Show { card } => library_cmds::show(&ctx, &card),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `planmark grade … | head`: the reader left; nothing to report.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(exit::OK)
        }
        Err(e) => {
            ctx.report_error(&e);
            ExitCode::from(exit::BAD_INPUT)
        }
    }
}

/// What every command needs: the library folders and terminal settings.
pub struct Context {
    pub library_dirs: Vec<PathBuf>,
    pub color_stdout: bool,
    pub color_stderr: bool,
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
        }
    }

    pub fn library(&self) -> planmark::library::Library {
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
