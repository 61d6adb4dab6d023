//! Rendering: diagnostics with the offending line, grade tables (comfy-table),
//! and the plan with its matched words highlighted.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use planmark::grade::GradeResult;
use planmark::model::{FileDiagnostics, Severity};

pub const BOLD: &str = "\x1b[1m";
pub const RED: &str = "\x1b[31m";
pub const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const HIGHLIGHT: &str = "\x1b[1;4;32m";
const RESET: &str = "\x1b[0m";

pub fn paint(text: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// User data (plan text, ids, deck and rubric text) made safe to print:
/// control characters are shown, never sent to the terminal.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    planmark::display::clean(text)
}

pub fn error_line(message: &str, color: bool) -> String {
    format!(
        "{}: {}",
        paint("error", &format!("{BOLD}{RED}"), color),
        safe(message)
    )
}

pub fn warning_line(message: &str, color: bool) -> String {
    format!(
        "{}: {}",
        paint("warning", &format!("{BOLD}{YELLOW}"), color),
        safe(message)
    )
}

/// A card's points under For / Against / Other headings, each line starting
/// with `mark(point)`.
pub fn points_by_side(
    card: &planmark::model::Card,
    color: bool,
    mark: impl Fn(&planmark::model::Point) -> String,
) -> String {
    use planmark::model::Side;
    let mut out = String::new();
    for (side, title) in [
        (Side::For, "For"),
        (Side::Against, "Against"),
        (Side::Neutral, "Other"),
    ] {
        let points: Vec<_> = card.points.iter().filter(|p| p.side == side).collect();
        if points.is_empty() {
            continue;
        }
        out.push_str(&format!("{}\n", paint(title, BOLD, color)));
        for p in points {
            out.push_str(&format!(
                "  {} {}: {}\n",
                mark(p),
                paint(&safe(&p.headline), BOLD, color),
                safe(&p.detail)
            ));
        }
    }
    out
}

/// Compiler-style rendering: `error: …`, `--> file:line:col`, the line with a
/// caret, and `help: …`.
pub fn diagnostics(fd: &FileDiagnostics, color: bool) -> String {
    let path = safe(&fd.path.display().to_string()).into_owned();
    // Same byte length, so the spans still point at the right place.
    let text = planmark::model::diag::clamp_source(&fd.text);
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in &fd.diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let message = safe(&d.message);
        let title = level.primary_title(message.as_ref());
        let mut group: Group = match &d.span {
            Some(span) if !text.is_empty() => {
                let span = planmark::model::diag::clamp_to_chars(&text, span.clone());
                let mut ann = AnnotationKind::Primary.span(span);
                if let Some(l) = &d.label {
                    ann = ann.label(l.as_str());
                }
                title.element(
                    Snippet::source(text.as_ref())
                        .path(path.as_str())
                        .line_start(1)
                        .annotation(ann),
                )
            }
            _ => title.element(Origin::path(path.as_str())),
        };
        if let Some(h) = &d.help {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// A table fitted to the terminal (or 100 columns when output is piped).
pub fn new_table(color: bool) -> Table {
    use std::io::IsTerminal;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !color {
        t.force_no_tty();
    }
    // $COLUMNS first, as for other command-line tools, then the terminal.
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(|| crossterm::terminal::size().ok())
                .flatten()
                .map(|(w, _)| w)
        })
        .map_or(100, |w| w.max(40));
    t.set_width(width);
    t
}

/// Never wraps these columns (ids, numbers): a card id cut in two cannot be
/// copied into the next command. Call after the rows are added: in a narrow
/// terminal the other columns give way, each cell cut to two lines (`…`).
pub fn keep_whole(t: &mut Table, columns: &[usize]) {
    for &i in columns {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    t.set_truncation_indicator("…");
    if let Some(mut header) = t.header().cloned() {
        header.max_height(2);
        t.set_header(header);
    }
    for row in t.row_iter_mut() {
        row.max_height(2);
    }
}

fn short(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The detailed report for one plan.
pub fn grade_detail(r: &GradeResult, question: Option<&str>, plan: &str, color: bool) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{} {}\n",
        paint("Rubric:", BOLD, color),
        safe(&r.rubric)
    ));
    if let Some(q) = question {
        out.push_str(&format!(
            "{} {}\n",
            paint("Question:", BOLD, color),
            safe(q)
        ));
    }
    let mut table = new_table(color);
    table.set_header(vec![
        "",
        "Factor",
        "Side",
        "Matched words (rule)",
        "Evidence",
    ]);
    for f in &r.factors {
        // A weak credit still counts, but the student sees it is uncertain.
        let mark = if f.is_weak() {
            Cell::new("?").fg(Color::Yellow)
        } else if f.covered {
            Cell::new("✓").fg(Color::Green)
        } else {
            Cell::new("✗").fg(Color::Red)
        };
        // The same words matched twice are listed once, with a count.
        let mut seen: Vec<(String, &str, usize)> = Vec::new();
        for m in &f.matches {
            let text = short(&m.text, 40);
            match seen
                .iter_mut()
                .find(|(t, r, _)| *t == text && *r == m.rule.as_str())
            {
                Some(entry) => entry.2 += 1,
                None => seen.push((text, m.rule.as_str(), 1)),
            }
        }
        let mut matched = seen
            .iter()
            .map(|(t, r, n)| {
                let times = if *n > 1 {
                    format!(" ×{n}")
                } else {
                    String::new()
                };
                format!("“{t}” ({r}){times}")
            })
            .collect::<Vec<_>>()
            .join("\n");
        if f.is_weak() {
            let why = f.matches.iter().find_map(|m| m.weakness());
            let first = f.matches.first().map(|m| short(&m.text, 40));
            if let (Some(why), Some(text)) = (why, first) {
                matched = format!("possibly: “{text}” ({why})");
            }
        }
        table.add_row(vec![
            mark,
            Cell::new(safe(&f.label)),
            Cell::new(f.side.as_str()),
            Cell::new(safe(&matched)),
            Cell::new(safe(&f.evidence.join(", "))),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');
    let level_text = format!("Level {} · {}/{} marks", r.level, r.mark, r.max_mark);
    out.push_str(&format!(
        "{}   coverage {:.0}% ({} of {} factors)\n",
        paint(&level_text, BOLD, color),
        r.coverage * 100.0,
        r.covered,
        r.factors.len()
    ));
    out.push_str(&format!(
        "Balance: {} for · {} against{}   Evidence: {} factor{} backed\n",
        r.balance.for_,
        r.balance.against,
        if r.balance.neutral > 0 {
            format!(" · {} neutral", r.balance.neutral)
        } else {
            String::new()
        },
        r.evidenced,
        if r.evidenced == 1 { "" } else { "s" }
    ));
    match (&r.judgement.found, &r.judgement.text) {
        (true, Some(t)) => out.push_str(&format!(
            "Judgement: {} “{}”\n",
            paint("✓", GREEN, color),
            safe(&short(t, 90))
        )),
        _ => out.push_str(&format!(
            "Judgement: {} none found\n",
            paint("✗", RED, color)
        )),
    }
    if !r.feedback.is_empty() {
        out.push_str(&format!("\n{}\n", paint("Next steps", BOLD, color)));
        // The three weightiest missing factors are enough to act on; the ✗
        // rows above (and --format json) list every one.
        const MISSING_SHOWN: usize = 3;
        let missing = r
            .feedback
            .iter()
            .filter(|l| l.starts_with("Missing"))
            .count();
        let mut shown = 0;
        for line in &r.feedback {
            if line.starts_with("Missing") {
                shown += 1;
                if shown > MISSING_SHOWN {
                    continue;
                }
            }
            out.push_str(&format!("  • {}\n", safe(line)));
        }
        if missing > MISSING_SHOWN {
            out.push_str(&format!(
                "  • …and {} more missing factors (the ✗ rows above).\n",
                missing - MISSING_SHOWN
            ));
        }
    }
    if color && !plan.trim().is_empty() {
        out.push_str(&format!(
            "\n{}\n{}\n",
            paint("Your plan", BOLD, color),
            highlight(plan, r)
        ));
    }
    out
}

/// The plan with every matched span highlighted.
pub fn highlight(plan: &str, r: &GradeResult) -> String {
    let mut spans: Vec<(usize, usize)> = r
        .factors
        .iter()
        .flat_map(|f| f.matches.iter().chain(&f.evidence_matches))
        .map(|m| (m.start, m.end))
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(plan.len() + spans.len() * 12);
    let mut pos = 0;
    for (s, e) in spans {
        if e <= pos || s > plan.len() || e > plan.len() {
            continue;
        }
        let s = s.max(pos);
        out.push_str(&safe(&plan[pos..s]));
        out.push_str(HIGHLIGHT);
        out.push_str(&safe(&plan[s..e]));
        out.push_str(RESET);
        pos = e;
    }
    out.push_str(&safe(&plan[pos..]));
    out
}

/// One plan's line in the class table.
pub struct SummaryRow {
    cells: Vec<String>,
}

impl SummaryRow {
    pub fn of(r: &GradeResult) -> SummaryRow {
        let mut missing: Vec<_> = r.factors.iter().filter(|f| !f.covered).collect();
        missing.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let missing: Vec<&str> = missing.iter().take(3).map(|f| f.label.as_str()).collect();
        SummaryRow {
            cells: vec![
                safe(&r.id).into_owned(),
                format!("{}/{}", r.mark, r.max_mark),
                r.level.to_string(),
                format!("{:.0}%", r.coverage * 100.0),
                format!("{}/{}", r.balance.for_, r.balance.against),
                if r.judgement.found { "✓" } else { "✗" }.to_string(),
                safe(&missing.join("; ")).into_owned(),
            ],
        }
    }
}

/// One row per plan, then the class: mark distribution and how many plans
/// raised each factor.
pub fn grade_summary(
    rows: &[SummaryRow],
    class: &planmark::report::ClassSummary,
    color: bool,
) -> String {
    let mut table = new_table(color);
    table.set_header(vec![
        "Plan",
        "Mark",
        "Level",
        "Coverage",
        "For/Against",
        "Judgement",
        "Missing (top 3)",
    ]);
    for r in rows {
        table.add_row(r.cells.clone());
    }
    let mut out = table.to_string();
    out.push('\n');
    if (class.plans as usize) > rows.len() {
        out.push_str(&format!(
            "… and {} more plans (use --format csv for every row)\n",
            class.plans as usize - rows.len()
        ));
    }
    if class.plans == 0 {
        return out;
    }
    out.push_str(&format!(
        "\n{} {} plans · mean mark {:.1}/{} · {:.0}% gave a judgement\n",
        paint("Class:", BOLD, color),
        class.plans,
        class.mean_mark(),
        class.max_mark,
        class.with_judgement as f64 / class.plans as f64 * 100.0
    ));
    let most = class.levels.values().max().copied().unwrap_or(1).max(1);
    for (level, n) in class.levels.iter().rev() {
        let bar = "█".repeat(((*n as f64 / most as f64) * 30.0).ceil() as usize);
        out.push_str(&format!("  Level {level}: {bar} {n}\n"));
    }
    let mut t = new_table(color);
    t.set_header(vec!["Factor", "Side", "Plans raising it"]);
    for i in 0..class.factors.len() {
        let (_, label, side, _) = &class.factors[i];
        t.add_row(vec![
            safe(label).into_owned(),
            side.as_str().to_string(),
            format!(
                "{} ({:.0}%)",
                class.factor_hits[i],
                class.coverage_of(i) * 100.0
            ),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out
}
