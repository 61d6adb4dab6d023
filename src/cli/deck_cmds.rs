//! `planmark deck import` and `planmark deck export`.

use super::render::{self, BOLD, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use planmark::interchange::{self, Imported, anki, knowt, termdef};
use planmark::model::{self, Deck};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum DeckCmd {
    /// Import a deck from a Knowt/Quizlet page, Quizlet export text, Anki text, TOML or JSON.
    ///
    /// The deck is saved in your library (see `planmark where`) or to -o FILE,
    /// and never overwrites an existing deck without --force. Every line that
    /// cannot be read is reported with its number and why.
    Import(ImportArgs),
    /// Export a deck as set-page text, for Quizlet/Knowt or Anki, or as TOML or JSON.
    Export(ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Interchange {
    /// Text copied from a Knowt or Quizlet set page (numbered cards, For/Against cards).
    Page,
    /// Quizlet/Knowt export: term and definition per card.
    Quizlet,
    /// An Anki text file (#separator:, #html:, #deck: headers).
    Anki,
    /// planmark's own deck TOML.
    Toml,
    /// planmark's own deck JSON.
    Json,
}

/// Separators of Quizlet/Knowt term–definition text.
#[derive(Debug, Args)]
pub struct Separators {
    /// Quizlet: what separates term and definition (tab, comma, or any text)
    /// [default: tab]. Given on import, it implies `--from quizlet`.
    #[arg(long, value_name = "SEP")]
    pub term_sep: Option<String>,
    /// Quizlet: what separates cards (newline, semicolon, or any text)
    /// [default: newline]. Given on import, it implies `--from quizlet`.
    #[arg(long, value_name = "SEP")]
    pub card_sep: Option<String>,
}

impl Separators {
    fn term(&self) -> Result<String> {
        let sep = self.term_sep.as_deref().unwrap_or("tab");
        non_empty("--term-sep", termdef::separator(sep))
    }

    fn card(&self) -> Result<String> {
        let sep = self.card_sep.as_deref().unwrap_or("newline");
        non_empty("--card-sep", termdef::separator(sep))
    }

    /// Whether either separator was given: only Quizlet text has them.
    fn given(&self) -> bool {
        self.term_sep.is_some() || self.card_sep.is_some()
    }
}

/// A path as one shell word: quoted when it holds anything but plain
/// characters.
pub(super) fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// An empty separator splits nothing (and made import quadratic): refuse it.
fn non_empty(option: &str, sep: String) -> Result<String> {
    if sep.is_empty() {
        bail!("{option} must not be empty; use tab, comma, semicolon, newline or some text");
    }
    Ok(sep)
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import (`-` for standard input).
    pub file: PathBuf,
    /// Its format [default: from the file: .toml, .json, Anki headers, tabs, else a page].
    #[arg(long, value_enum)]
    pub from: Option<Interchange>,
    /// The new deck's id [default: from the file name].
    #[arg(long)]
    pub id: Option<String>,
    /// The deck's title [default: from the file].
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub sep: Separators,
    /// Where to write the deck [default: your library's decks folder].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace a deck that already exists there.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The deck id (see `planmark decks`).
    pub deck: String,
    /// The format to write.
    #[arg(long, value_enum, default_value_t = Interchange::Anki)]
    pub to: Interchange,
    #[command(flatten)]
    pub sep: Separators,
    /// Write here instead of standard output (never overwrites without --force).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, cmd: DeckCmd) -> Result<u8> {
    match cmd {
        DeckCmd::Import(a) => import(ctx, a),
        DeckCmd::Export(a) => export(ctx, a),
    }
}

fn sniff(path: &Path, text: &str) -> Interchange {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("toml") => return Interchange::Toml,
        Some("json") => return Interchange::Json,
        _ => {}
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.starts_with("#separator:")
        || first.starts_with("#html:")
        || first.starts_with("#deck:")
    {
        return Interchange::Anki;
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tabbed = lines.iter().filter(|l| l.contains('\t')).count();
    if !lines.is_empty() && tabbed * 2 >= lines.len() {
        Interchange::Quizlet
    } else {
        Interchange::Page
    }
}

/// Writes through a temporary file in the same folder, so a full disk or a
/// crash never leaves half a deck where the old one was.
fn write_new(path: &Path, text: &str, force: bool) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            // "File exists" would not say which file, or why it matters.
            let why = match dir.ancestors().find(|d| d.is_file()) {
                Some(file) => format!("{} is a file, not a folder", file.display()),
                None => format!("cannot create the folder {}: {e}", dir.display()),
            };
            bail!("cannot write {}: {why}", path.display());
        }
    }
    planmark::fsutil::write_atomic(path, text.as_bytes(), force)?;
    Ok(())
}

fn import(ctx: &Context, args: ImportArgs) -> Result<u8> {
    let library = ctx.library();
    // The same limit as a deck in the library, so what imports also loads.
    let limit = planmark::library::FILE_LIMIT;
    let text = if args.file.as_os_str() == "-" {
        planmark::input::read_limited(
            std::io::stdin().lock(),
            limit,
            &planmark::input::stdin_path(),
            "a deck to import",
        )?
    } else {
        planmark::error::read_text(&args.file, limit, "a deck to import")?
    };
    if let Some(id) = &args.id
        && let Some(why) = model::validate::id_problem(id)
    {
        bail!(
            "--id `{}` {why}; use letters, digits and `-`, such as `stalin-2024`",
            render::safe(id)
        );
    }
    let stem = args
        .file
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| *s != "-")
        .unwrap_or("imported");
    let id = args.id.clone().unwrap_or_else(|| interchange::slug(stem));
    let format = match args.from {
        Some(f) => f,
        None if args.sep.given() => Interchange::Quizlet,
        None => sniff(&args.file, &text),
    };
    let Imported { mut deck, problems } = match format {
        Interchange::Page => knowt::import(&text, &id),
        Interchange::Quizlet => termdef::import(
            &text,
            &id,
            args.title.as_deref().unwrap_or(stem),
            &args.sep.term()?,
            &args.sep.card()?,
        ),
        Interchange::Anki => anki::import(&text, &id),
        Interchange::Toml | Interchange::Json => {
            let path = if format == Interchange::Toml {
                "deck.toml"
            } else {
                "deck.json"
            };
            let deck = model::parse_deck(Path::new(path), &text).map_err(|mut d| {
                d.path = args.file.clone();
                planmark::error::Error::from(d)
            })?;
            Imported {
                deck,
                problems: Vec::new(),
            }
        }
    };
    if args.id.is_some()
        || matches!(
            format,
            Interchange::Page | Interchange::Quizlet | Interchange::Anki
        )
    {
        deck.id = id;
    }
    if let Some(t) = &args.title {
        deck.title = t.clone();
    }
    for p in &problems {
        eprintln!(
            "{}",
            render::warning_line(
                &format!("{} line {}: {}", args.file.display(), p.line, p.message),
                ctx.color_stderr
            )
        );
    }
    // What is written must load again: the library's own checks, before any write.
    let errors =
        model::validate::deck_errors(&deck, &model::load::Locator::new("", model::Format::Json));
    if let Some(e) = errors.first() {
        bail!("the imported deck cannot be saved: {}", e.message);
    }
    if deck.cards.is_empty() {
        bail!(
            "no cards could be read from {}; is --from right?",
            args.file.display()
        );
    }
    if args.output.is_none() && !args.force {
        if let Ok(existing) = library.deck(&deck.id) {
            bail!(
                "a deck `{}` already exists ({}); choose another with --id, or use --force to replace it",
                deck.id,
                existing.origin
            );
        }
    }
    let target = match &args.output {
        Some(p) => p.clone(),
        None => ctx
            .library_dirs
            .first()
            .context("no library folder is known on this system; use -o FILE")?
            .join("decks")
            .join(format!("{}.toml", deck.id)),
    };
    let body = if target.extension().and_then(|e| e.to_str()) == Some("json") {
        serde_json::to_string_pretty(&deck)? + "\n"
    } else {
        toml::to_string_pretty(&deck)?
    };
    if body.len() as u64 > planmark::library::FILE_LIMIT {
        bail!(
            "the imported deck would be {} bytes, more than the {} a deck may hold; split the file",
            body.len(),
            planmark::input::human_size(planmark::library::FILE_LIMIT)
        );
    }
    write_new(&target, &body, args.force)?;
    let points: usize = deck.cards.iter().map(|c| c.points.len()).sum();
    println!(
        "{} {} card{} and {points} points into deck `{}` at {}.",
        paint("Imported", BOLD, ctx.color_stdout),
        deck.cards.len(),
        if deck.cards.len() == 1 { "" } else { "s" },
        deck.id,
        target.display()
    );
    if !problems.is_empty() {
        println!(
            "{} line{} could not be read (listed above).",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
    }
    // The first card no rubric marks yet, if any.
    let unmarked = deck
        .cards
        .iter()
        .find(|c| library.rubric_for_card(&deck.id, &c.id).is_none());
    if let Some(card) = unmarked {
        // A bare `planmark` finds decks only in the data dir's library; a
        // deck written anywhere else is found when its folder is named.
        let found_by_default = args.output.is_none()
            && ctx.library_dirs.first() == planmark::library::search_dirs(&[], None).first();
        let library = if found_by_default {
            String::new()
        } else {
            // The -o file's folder, or the library above `decks/`.
            let folder = target.parent().unwrap_or(Path::new("."));
            let dir = match args.output {
                Some(_) => folder,
                None => folder.parent().unwrap_or(folder),
            };
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            format!("--library {} ", shell_word(&dir.display().to_string()))
        };
        println!(
            "Next: `planmark {library}rubric new --card {}/{}` drafts a rubric so plans can be graded.",
            deck.id, card.id
        );
    }
    Ok(exit::OK)
}

fn export(ctx: &Context, args: ExportArgs) -> Result<u8> {
    let lib = ctx.library();
    let deck: &Deck = &lib.deck(&args.deck)?.item;
    let text = match args.to {
        Interchange::Anki => anki::export(deck),
        Interchange::Quizlet => termdef::export(deck, &args.sep.term()?, &args.sep.card()?),
        Interchange::Page => {
            if args.sep.given() {
                bail!(
                    "--term-sep and --card-sep are for --to quizlet; page text has its own layout"
                );
            }
            knowt::export(deck)
        }
        Interchange::Toml => toml::to_string_pretty(deck)?,
        Interchange::Json => serde_json::to_string_pretty(deck)? + "\n",
    };
    match &args.output {
        Some(path) => {
            write_new(path, &text, args.force)?;
            eprintln!("Wrote {} ({} cards).", path.display(), deck.cards.len());
        }
        None => print!("{text}"),
    }
    Ok(exit::OK)
}
