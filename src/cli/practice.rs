//! `planmark practice`: pick the next card, take the student's plan (saved as a
//! draft line by line), grade it, show the model answer, and schedule the card.

use super::editor::{self, Ending};
use super::keys::{self, Key};
use super::out::{self, out, outln};
use super::render::{self, BOLD, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use planmark::Grader;
use planmark::model::Card;
use planmark::modes::practice::{PointMark, point_marks};
use planmark::study::drafts::{self, DraftSaved, DraftTarget, DraftWriter};
use planmark::study::{
    self, Draft, Idle, NewAttempt, PickReason, Rating, Scheduler, describe_due, store::text_hash,
};
use std::io::{BufRead, IsTerminal};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
#[command(
    after_help = "Type the plan line by line and finish with a line holding only `.` \
    (or Ctrl-D); left/right edit the line and up/down bring back your earlier lines. \
    Every line is saved as you go: Ctrl-C stops and keeps the draft, and `planmark \
    practice --resume N` carries on (`planmark drafts` lists them).\n\n\
    Examples:\n  planmark practice\n  planmark practice --card stalin-trotsky --timed 8\n  \
    planmark practice --editor\n  planmark practice --card stalin-trotsky < plan.txt"
)]
pub struct PracticeArgs {
    /// Only cards from this deck.
    #[arg(long, value_name = "DECK")]
    pub deck: Option<String>,
    /// Practise this card (DECK/CARD or CARD) whether or not it is due.
    #[arg(long, value_name = "CARD")]
    pub card: Option<String>,
    /// At most this many cards never studied before are started per day.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub new: u32,
    /// Write the plan in $VISUAL or $EDITOR instead of typing it here.
    #[arg(long)]
    pub editor: bool,
    /// Plan under exam time: a countdown in the prompt, and typing stops at
    /// zero (the plan so far is kept and marked). Minutes, or e.g. `90s`.
    #[arg(long, value_name = "MINUTES", value_parser = parse_duration)]
    pub timed: Option<Duration>,
    /// Mark with this rubric (id or file) instead of the card's own.
    #[arg(long, value_name = "ID_OR_PATH")]
    pub rubric: Option<String>,
    /// Carry on with a saved draft (see `planmark drafts`).
    #[arg(long, value_name = "DRAFT", conflicts_with_all = ["card", "deck"])]
    pub resume: Option<i64>,
    /// Use this rating instead of asking (again, hard, good, easy).
    #[arg(long, value_name = "RATING", value_parser = parse_rating)]
    pub rating: Option<Rating>,
    /// Desired retention for scheduling, 0.7 to 0.99.
    #[arg(long, value_name = "R", default_value_t = 0.9)]
    pub retention: f32,
}

/// `8` or `8m` (minutes), `90s` (seconds); at most 3 hours.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.strip_suffix('s') {
        Some(n) => (n, 1),
        None => (s.strip_suffix('m').unwrap_or(s), 60),
    };
    match number.trim().parse::<u64>() {
        Ok(n) if n > 0 && n * unit <= 3 * 3600 => Ok(Duration::from_secs(n * unit)),
        _ => Err("give whole minutes (e.g. 8) or seconds (e.g. 90s), up to 3 hours".into()),
    }
}

fn parse_rating(s: &str) -> Result<Rating, String> {
    Rating::parse(s).ok_or_else(|| "use again, hard, good or easy (or 1–4)".to_string())
}

pub fn run(ctx: &Context, args: PracticeArgs) -> Result<u8> {
    out::keep_working_when_closed();
    let scheduler = Scheduler::new(args.retention)?;
    let lib = ctx.library();
    let mut store = ctx.store()?;
    let now = ctx.now();
    let interactive = std::io::stdin().is_terminal();
    let c = ctx.color_stdout;
    announce_recovered(&store, ctx);

    // Which card, and any plan already written.
    let (card_ref, mut resumed) = if let Some(id) = args.resume {
        let draft = store.draft(id)?.with_context(|| {
            format!("there is no open draft #{id}; `planmark drafts` lists them")
        })?;
        (draft.card.clone(), Some(draft))
    } else if let Some(c) = &args.card {
        let (deck, card) = lib.card(c)?;
        (format!("{}/{}", deck.id, card.id), None)
    } else {
        // Only cards a rubric can mark; the others suit flashcards and sorting.
        let cards = planmark::modes::practice::practice_cards(
            &lib,
            args.deck.as_deref(),
            args.rubric.is_some(),
        )?;
        let states = store.card_states()?;
        let new_today = store.new_cards_since(now - study::schedule::DAY)?;
        match study::pick_next(&cards, &states, now, args.new, new_today) {
            Some((card, why)) => {
                let label = match why {
                    PickReason::Due => "due for review",
                    PickReason::New => "new",
                };
                outln!("{} {card} ({label})", paint("Card:", BOLD, c));
                (card.to_string(), None)
            }
            None => {
                match study::idle_reason(&cards, &states, args.new, new_today) {
                    Idle::NewLimitReached { limit, unseen } => outln!(
                        "Nothing is due, and today's {limit} new card{} are started ({unseen} never studied). \
                         `planmark practice --new {}` raises the limit; `--card CARD` practises one anyway.",
                        if limit == 1 { " is" } else { "s" },
                        limit + 5
                    ),
                    Idle::NextDue(due) => outln!(
                        "Nothing is due. The next card is due {}. Use `--card CARD` to practise one anyway.",
                        describe_due(due, now)
                    ),
                    Idle::NoCards => outln!(
                        "No cards to practise: no card here has a rubric. Draft one with `planmark rubric new --card DECK/CARD`, or use `planmark flashcards`."
                    ),
                }
                return Ok(exit::OK);
            }
        }
    };
    let (deck, card) = lib.card(&card_ref)?;
    let card_ref = format!("{}/{}", deck.id, card.id);
    let rubric_id = args.rubric.clone().or_else(|| {
        lib.rubric_for_card(&deck.id, &card.id)
            .map(|r| r.item.id.clone())
    });
    if rubric_id.is_none() && resumed.is_none() {
        bail!(
            "no rubric marks {card_ref}, so a plan could not be graded; draft one with `planmark rubric new --card {card_ref}`, pass --rubric, or practise it with `planmark flashcards`"
        );
    }
    if let Some(r) = &args.rubric {
        warn_other_card(ctx, &lib, r, &card_ref);
    }
    if resumed.is_none() {
        resumed = offer_open_draft(ctx, &store, &card_ref, interactive)?;
    }

    outln!("\n{}\n", paint(&card.question, BOLD, c));
    let started = now;
    let target = DraftTarget {
        db: ctx.db.clone(),
        card: card_ref.clone(),
        rubric_id: rubric_id.clone(),
        resumed: resumed.clone(),
    };
    let mut writer = DraftWriter::start(target, ctx.clock(), planmark::input::INPUT_LIMIT);
    let input = if args.editor {
        plan_in_editor(&mut writer)
    } else if interactive {
        type_plan(&mut writer, args.timed, ctx)
    } else {
        read_piped_plan(&mut writer)
    };
    let saved = writer.finish();
    let kept = where_kept(&saved);
    if !saved.in_database && !saved.text.trim().is_empty() {
        eprintln!(
            "{}",
            render::warning_line(
                &format!(
                    "the database could not save the plan ({}). {kept}",
                    saved.error.as_deref().unwrap_or("unknown error")
                ),
                ctx.color_stderr
            )
        );
    }
    let ending = match input {
        Ok(e) => e,
        Err(e) => bail!("{e:#}. {kept}"),
    };
    match ending {
        Ending::Interrupted => {
            if saved.text.trim().is_empty() && saved.id.is_none() {
                outln!("\nStopped before anything was typed: no draft was kept.");
            } else {
                outln!("\nStopped. {kept}");
            }
            return Ok(exit::OK);
        }
        Ending::TimeUp => outln!(
            "\n{} Typing has stopped; your plan is kept and marked now.",
            paint("Time is up.", BOLD, c)
        ),
        Ending::Done => {}
    }
    let plan = saved.text.clone();

    // From here on the plan is safe (in the database or a file), whatever happens.
    let Some(rubric_ref) = rubric_id else {
        bail!(
            "no rubric marks {card_ref}; add one (see `planmark rubrics`) or pass --rubric. {kept}"
        );
    };
    let entry = lib.rubric(&rubric_ref).map_err(|e| {
        ctx.report_error(&e);
        anyhow::anyhow!("the rubric could not be loaded. {kept}")
    })?;
    let grader = Grader::new(entry.item.clone()).with_context(|| kept.clone())?;
    let finished = ctx.now();
    let result = grader.grade(&card_ref, &plan);
    if result.words == 0 {
        eprintln!(
            "{}",
            render::warning_line("the plan is empty: graded 0", ctx.color_stderr)
        );
    }
    let top = entry.item.bands.iter().map(|b| b.level).max().unwrap_or(0);
    let suggested = study::rating_for(&result, top);
    let feedback = || {
        out!("{}", render::grade_detail(&result, None, &plan, c));
        out!("{}", model_answer(card, &grader, &result, c));
    };
    // Asked only at a terminal; otherwise the attempt is saved before any
    // feedback is written, so a reader that stops early loses nothing.
    let asked = args.rating.is_none() && interactive;
    let rating = match args.rating {
        Some(r) => r,
        None if interactive => {
            feedback();
            if out::closed() {
                suggested
            } else {
                match ask_rating(suggested, &result)? {
                    Some(r) => r,
                    None => {
                        outln!("\nNot rated, so the attempt was not recorded. {kept}");
                        return Ok(exit::OK);
                    }
                }
            }
        }
        None => suggested,
    };
    let previous = store.card_state(&card_ref)?;
    let state = scheduler.review(previous.as_ref(), rating, finished);
    let attempt = NewAttempt {
        card: &card_ref,
        mode: "practice",
        rubric_id: &entry.item.id,
        rubric_hash: text_hash(&entry.text),
        plan: &plan,
        result: &result,
        rating,
        started_at: started,
        finished_at: finished,
    };
    let id = store
        .record_attempt(&attempt, &state, saved.id)
        .with_context(|| format!("the attempt could not be recorded. {kept}"))?;
    if let Some(f) = &saved.file {
        drafts::discard_file(f);
    }
    if !asked {
        feedback();
    }
    outln!(
        "\n{} {} · attempt #{id} · next review {}",
        paint("Rated", BOLD, c),
        rating,
        describe_due(state.due, finished)
    );
    outln!("Next: run `planmark practice` again, or `planmark due` to see what is coming up.");
    Ok(exit::OK)
}

/// "Draft #3 saved: `planmark practice --resume 3` carries on." (or the file).
fn where_kept(saved: &DraftSaved) -> String {
    match (&saved.file, saved.id) {
        (Some(f), _) => format!(
            "Your plan is kept in {} (planmark takes it back into the database on its next run).",
            f.display()
        ),
        (None, Some(id)) => {
            format!("Draft #{id} saved: `planmark practice --resume {id}` carries on.")
        }
        (None, None) => "Nothing was typed, so there is no draft.".to_string(),
    }
}

/// Draft files left beside the database while it was busy go back in.
pub fn announce_recovered(store: &study::Store, ctx: &Context) {
    for r in drafts::recover(store, &ctx.db, ctx.now()) {
        eprintln!(
            "note: draft #{} ({}) was saved to {} while the database was busy; it is back in the database",
            r.id,
            r.card,
            r.file.display()
        );
    }
}

/// `--rubric` naming another card's rubric is allowed (a teacher may mean
/// it), but said out loud.
fn warn_other_card(ctx: &Context, lib: &planmark::library::Library, rubric: &str, card: &str) {
    let Ok(entry) = lib.rubric(rubric) else {
        return;
    };
    if let Some(own) = &entry.item.card {
        let own_id = lib
            .card(own)
            .map(|(d, c)| format!("{}/{}", d.id, c.id))
            .unwrap_or_else(|_| own.clone());
        if own_id != card {
            eprintln!(
                "{}",
                render::warning_line(
                    &format!(
                        "rubric `{}` is written for {own_id}, not {card}; marking with it anyway",
                        entry.item.id
                    ),
                    ctx.color_stderr
                )
            );
        }
    }
}

/// A card with an open draft: at a terminal, offer to carry on with it;
/// otherwise say it is there.
fn offer_open_draft(
    ctx: &Context,
    store: &study::Store,
    card: &str,
    interactive: bool,
) -> Result<Option<Draft>> {
    let Some(d) = store.open_drafts()?.into_iter().find(|d| d.card == card) else {
        return Ok(None);
    };
    let lines = d.plan.lines().filter(|l| !l.trim().is_empty()).count();
    let what = format!(
        "draft #{} for this card ({lines} line{}, last saved {})",
        d.id,
        if lines == 1 { "" } else { "s" },
        describe_ago(d.updated_at, ctx.now())
    );
    if !interactive {
        eprintln!(
            "note: you have an open {what}; `planmark practice --resume {}` carries on with it",
            d.id
        );
        return Ok(None);
    }
    let resume = keys::ask(
        &format!("You have an open {what}. Carry on with it? [Y/n] "),
        |k| match k {
            Key::Enter | Key::Char('y' | 'Y') => Some(true),
            Key::Char('n' | 'N') | Key::Esc => Some(false),
            Key::Interrupt | Key::End => Some(false),
            _ => None,
        },
        |yes| if *yes { "yes".into() } else { "no".into() },
    )?;
    Ok(resume.then_some(d))
}

fn describe_ago(t: i64, now: i64) -> String {
    let secs = (now - t).max(0);
    if secs < 60 {
        "just now".into()
    } else if secs < 3600 {
        format!("{} min ago", secs / 60)
    } else if secs < study::schedule::DAY {
        format!("{} hours ago", secs / 3600)
    } else {
        format!("{} days ago", secs / study::schedule::DAY)
    }
}

fn type_plan(writer: &mut DraftWriter, timed: Option<Duration>, ctx: &Context) -> Result<Ending> {
    outln!(
        "Type your plan. Finish with a line holding only `.` (or Ctrl-D); Ctrl-C stops and keeps it. Each line is saved as you type."
    );
    if !writer.text().is_empty() {
        outln!(
            "{}",
            paint(
                "Your draft so far (up/down bring its lines back):",
                BOLD,
                ctx.color_stdout
            )
        );
        outln!("{}", planmark::display::clean(writer.text()));
    }
    let deadline = timed.map(|t| Instant::now() + t);
    let color = ctx.color_stderr;
    let ending = editor::type_plan(writer, deadline, color, |refused| {
        eprintln!(
            "{}",
            render::warning_line(
                &format!("{}; that line was not added (the rest is kept)", refused.0),
                color
            )
        );
    })?;
    Ok(ending)
}

/// Reads a plan from a pipe or file to the end. Each line goes to the draft
/// writer as it arrives, which saves it within a quarter second.
fn read_piped_plan(writer: &mut DraftWriter) -> Result<Ending> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let line = std::str::from_utf8(&buf)
            .map_err(|_| anyhow::anyhow!("the plan is not UTF-8 text; save it as UTF-8"))?;
        writer.push_line(line.trim_end_matches(['\n', '\r']))?;
    }
    Ok(Ending::Done)
}

const EDITOR_MARK: &str = "# planmark:";

/// The plan in `$VISUAL`/`$EDITOR`, in a new private temporary file
/// (created exclusively, readable by the student alone).
fn plan_in_editor(writer: &mut DraftWriter) -> Result<Ending> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .context("--editor needs $VISUAL or $EDITOR set, e.g. `export EDITOR=nano`")?;
    let mut file = tempfile::Builder::new()
        .prefix("planmark-draft-")
        .suffix(".md")
        .tempfile()
        .context("could not create a temporary file for the editor")?;
    std::io::Write::write_all(
        &mut file,
        format!(
            "{EDITOR_MARK} write your plan below, save and close. Lines starting `{EDITOR_MARK}` are ignored.\n{}",
            writer.text()
        )
        .as_bytes(),
    )?;
    std::io::Write::flush(&mut file)?;
    let path = file.path().to_path_buf();
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(&path)
        .status()
        .with_context(|| format!("could not start the editor `{editor}`"))?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read back {}", path.display()))?;
    let plan: String = text
        .lines()
        .filter(|l| !l.starts_with(EDITOR_MARK))
        .collect::<Vec<_>>()
        .join("\n");
    writer.replace(plan)?;
    if !status.success() {
        bail!("the editor exited with {status}");
    }
    Ok(Ending::Done)
}

/// One key: Enter accepts the suggestion, 1–4 choose; Ctrl-C or q leaves the
/// attempt unrecorded (`None`).
fn ask_rating(suggested: Rating, result: &planmark::GradeResult) -> Result<Option<Rating>> {
    outln!(
        "\nRating: {suggested} (Level {}, {:.0}% coverage). Press Enter to accept, or 1 Again · 2 Hard · 3 Good · 4 Easy.",
        result.level,
        result.coverage * 100.0
    );
    Ok(keys::ask(
        "",
        |k| match k {
            Key::Enter => Some(Some(suggested)),
            Key::Interrupt | Key::Char('q') => Some(None),
            Key::Char(c) => Rating::parse(&c.to_string()).map(Some),
            _ => None,
        },
        |r| r.map_or_else(|| "not rated".to_string(), |r| r.to_string()),
    )?)
}

/// The card's model answer, each point marked ✓ when the plan raised the
/// rubric factor it stands for and ✗ when it did not.
pub fn model_answer(
    card: &Card,
    grader: &Grader,
    result: &planmark::GradeResult,
    color: bool,
) -> String {
    let mut out = format!(
        "\n{}\n{}\n",
        paint("Model answer", BOLD, color),
        card.judgement
    );
    let marks = point_marks(card, grader, result);
    out.push_str(&render::points_by_side(card, color, |p| {
        let i = card.points.iter().position(|q| std::ptr::eq(q, p));
        match i.and_then(|i| marks.get(i)).copied() {
            Some(PointMark::Raised) => paint("✓", "\x1b[32m", color),
            Some(PointMark::Missed) => paint("✗", "\x1b[31m", color),
            Some(PointMark::Unmarked) | None => "·".to_string(),
        }
    }));

    out
}
