//! `planmark practice`: pick the next card, take the student's plan (saved as a
//! draft line by line), grade it, show the model answer, and schedule the card.

use super::render::{self, BOLD, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use planmark::Grader;
use planmark::model::Card;
use planmark::modes::practice::{PointMark, point_marks};
use planmark::study::{
    self, NewAttempt, PickReason, Rating, Scheduler, Store, describe_due, store::text_hash,
};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "Type the plan line by line and finish with a line holding only `.` \
    (or Ctrl-D). Every line is saved as you go: if anything goes wrong, `planmark drafts` \
    shows the plan and `planmark practice --resume N` carries on.\n\n\
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
    /// Plan under exam time: show the minutes left as you type.
    #[arg(long, value_name = "MINUTES")]
    pub timed: Option<u32>,
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

fn parse_rating(s: &str) -> Result<Rating, String> {
    Rating::parse(s).ok_or_else(|| "use again, hard, good or easy (or 1–4)".to_string())
}

pub fn run(ctx: &Context, args: PracticeArgs) -> Result<u8> {
    let scheduler = Scheduler::new(args.retention)?;
    let lib = ctx.library();
    let mut store = ctx.store()?;
    let now = ctx.now();
    let interactive = std::io::stdin().is_terminal();

    // Which card, and any plan already written.
    let (card_ref, resumed) = if let Some(id) = args.resume {
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
            Some((c, why)) => {
                let label = match why {
                    PickReason::Due => "due for review",
                    PickReason::New => "new",
                };
                println!("{} {c} ({label})", paint("Card:", BOLD, ctx.color_stdout));
                (c.to_string(), None)
            }
            None => {
                let next = states
                    .iter()
                    .filter(|(c, _)| cards.contains(c))
                    .map(|(_, s)| s.due)
                    .min();
                match next {
                    Some(due) => println!(
                        "Nothing is due. The next card is due {}. Use `--card CARD` to practise one anyway.",
                        describe_due(due, now)
                    ),
                    None => println!(
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

    println!("\n{}\n", paint(&card.question, BOLD, ctx.color_stdout));
    let started = now;
    let (draft_id, initial) = match &resumed {
        Some(d) => (d.id, d.plan.clone()),
        None => (
            store.create_draft(&card_ref, rubric_id.as_deref(), "", started)?,
            String::new(),
        ),
    };
    let plan = if args.editor {
        plan_in_editor(&store, draft_id, &initial, ctx)?
    } else if interactive {
        type_plan(&store, draft_id, &initial, args.timed, ctx)?
    } else {
        read_piped_plan(&store, draft_id, &initial, ctx)?
    };
    let saved = format!(
        "Your plan is saved as draft #{draft_id}; `planmark practice --resume {draft_id}` carries on."
    );

    // From here on the plan is safe in the database, whatever happens.
    let Some(rubric_ref) = rubric_id else {
        bail!(
            "no rubric marks {card_ref}; add one (see `planmark rubrics`) or pass --rubric. {saved}"
        );
    };
    let entry = lib.rubric(&rubric_ref).map_err(|e| {
        ctx.report_error(&e);
        anyhow::anyhow!("the rubric could not be loaded. {saved}")
    })?;
    let grader = Grader::new(entry.item.clone()).with_context(|| saved.clone())?;
    let finished = ctx.now();
    let result = grader.grade(&card_ref, &plan);
    if result.words == 0 {
        eprintln!(
            "{}",
            render::warning_line("the plan is empty: graded 0", ctx.color_stderr)
        );
    }
    print!(
        "{}",
        render::grade_detail(&result, None, &plan, ctx.color_stdout)
    );
    print!("{}", model_answer(card, &grader, &result, ctx.color_stdout));

    let top = entry.item.bands.iter().map(|b| b.level).max().unwrap_or(0);
    let suggested = study::rating_for(&result, top);
    let rating = match args.rating {
        Some(r) => r,
        None if interactive => ask_rating(suggested, &result)?,
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
    let id = store.record_attempt(&attempt, &state, Some(draft_id))?;
    println!(
        "\n{} {} · attempt #{id} · next review {}",
        paint("Rated", BOLD, ctx.color_stdout),
        rating,
        describe_due(state.due, finished)
    );
    println!("Next: run `planmark practice` again, or `planmark due` to see what is coming up.");
    Ok(exit::OK)
}

fn type_plan(
    store: &Store,
    draft: i64,
    initial: &str,
    timed: Option<u32>,
    ctx: &Context,
) -> Result<String> {
    let deadline = timed
        .map(|m| std::time::Instant::now() + std::time::Duration::from_secs(u64::from(m) * 60));
    println!(
        "Type your plan. Finish with a line holding only `.` (or Ctrl-D). Each line is saved as you type."
    );
    let mut lines: Vec<String> = if initial.is_empty() {
        Vec::new()
    } else {
        println!("{}", paint("Your draft so far:", BOLD, ctx.color_stdout));
        println!("{initial}");
        initial.lines().map(str::to_string).collect()
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut warned = false;
    loop {
        let prompt = match deadline {
            Some(d) => {
                let left = d
                    .saturating_duration_since(std::time::Instant::now())
                    .as_secs();
                if left == 0 && !warned {
                    warned = true;
                    println!(
                        "{}",
                        paint(
                            "Time is up — finish this line and type `.`",
                            BOLD,
                            ctx.color_stdout
                        )
                    );
                }
                format!("[{:02}:{:02}] > ", left / 60, left % 60)
            }
            None => "> ".to_string(),
        };
        print!("{prompt}");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            println!();
            break;
        }
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim() == "." {
            break;
        }
        lines.push(line.to_string());
        store.update_draft(draft, &lines.join("\n"), ctx.now())?;
    }
    Ok(lines.join("\n"))
}

/// Reads a plan from a pipe or file to the end, saving the draft as lines
/// arrive (at most every quarter second), so a killed process loses nothing
/// that reached it.
fn read_piped_plan(store: &Store, draft: i64, initial: &str, ctx: &Context) -> Result<String> {
    let mut text = initial.to_string();
    let mut last_save: Option<std::time::Instant> = None;
    let mut dirty = false;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let line = String::from_utf8(std::mem::take(&mut buf))
            .map_err(|_| anyhow::anyhow!("the plan is not UTF-8 text; save it as UTF-8. What was read so far is in draft #{draft}"))?;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        if text.len() as u64 > super::input::PLAN_LIMIT {
            bail!(
                "the plan is over the {}-byte limit; no essay plan is that long",
                super::input::PLAN_LIMIT
            );
        }
        dirty = true;
        if last_save.is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(250)) {
            store.update_draft(draft, text.trim_end_matches(['\n', '\r']), ctx.now())?;
            last_save = Some(std::time::Instant::now());
            dirty = false;
        }
    }
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    if dirty || last_save.is_none() {
        store.update_draft(draft, &text, ctx.now())?;
    }
    Ok(text)
}

const EDITOR_MARK: &str = "# planmark:";

fn plan_in_editor(store: &Store, draft: i64, initial: &str, ctx: &Context) -> Result<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .context("--editor needs $VISUAL or $EDITOR set, e.g. `export EDITOR=nano`")?;
    let path: PathBuf = std::env::temp_dir().join(format!("planmark-draft-{draft}.md"));
    std::fs::write(
        &path,
        format!(
            "{EDITOR_MARK} write your plan below, save and close. Lines starting `{EDITOR_MARK}` are ignored.\n{initial}"
        ),
    )?;
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
    store.update_draft(draft, &plan, ctx.now())?;
    let _ = std::fs::remove_file(&path);
    if !status.success() {
        bail!("the editor exited with {status}; your plan is saved as draft #{draft}");
    }
    Ok(plan)
}

fn ask_rating(suggested: Rating, result: &planmark::GradeResult) -> Result<Rating> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    println!(
        "\nRating: {suggested} (Level {}, {:.0}% coverage). Press Enter to accept, or 1 Again · 2 Hard · 3 Good · 4 Easy.",
        result.level,
        result.coverage * 100.0
    );
    std::io::stdout().flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let choice = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => match k.code {
                KeyCode::Enter => break Ok(suggested),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(anyhow::anyhow!(
                        "interrupted: the attempt was not recorded, but the plan is in `planmark drafts`"
                    ));
                }
                KeyCode::Char(c) => {
                    if let Some(r) = Rating::parse(&c.to_string()) {
                        break Ok(r);
                    }
                }
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(e.into()),
        }
    };
    crossterm::terminal::disable_raw_mode()?;
    choice
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
