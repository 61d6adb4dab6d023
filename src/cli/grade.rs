//! `planmark grade`: one plan in detail, or many (files, a folder, a CSV
//! export, JSON lines) as a class.

use super::input::{self, Item};
use super::render;
use super::{Context, Format, exit};
use clap::Args;
use planmark::error::Error;
use planmark::grade::{GradeResult, Grader};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "Plans are read from FILEs, folders of .txt files, --csv or --jsonl; \
    with none of these (or FILE `-`) the plan is read from standard input.\n\n\
    Examples:\n  planmark grade --rubric stalin-trotsky plan.txt\n  \
    planmark grade --rubric rubrics/my-question.toml plans/ --format csv > marks.csv\n  \
    planmark grade --rubric stalin-trotsky --csv form.csv --text-column \"Your plan\" --id-column Name"
)]
pub struct GradeArgs {
    /// Rubric id (see `planmark rubrics`) or path to a rubric file.
    #[arg(long, short, value_name = "ID_OR_PATH")]
    pub rubric: String,
    /// Plan files or folders of .txt files; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A CSV file with one plan per row (e.g. a form export).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["files", "jsonl"])]
    pub csv: Option<PathBuf>,
    /// The CSV column holding the plan text [default: plan, text, answer or response].
    #[arg(long, value_name = "NAME", requires = "csv")]
    pub text_column: Option<String>,
    /// The CSV column naming the student [default: id, student, name or email; else the row].
    #[arg(long, value_name = "NAME", requires = "csv")]
    pub id_column: Option<String>,
    /// A JSON-lines file: one {"id": ..., "text": ...} object per line.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub jsonl: Option<PathBuf>,
    /// Output format. `table` shows one plan in detail, or one row per plan
    /// and a class summary.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write a self-contained HTML class report: mark distribution,
    /// students × factors heatmap, most-missed factors, every plan highlighted.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Replace the --report file if it exists (never one of the inputs).
    #[arg(long, requires = "report")]
    pub force: bool,
    /// Threads to grade on [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Plans graded per batch: enough to keep every core busy, few enough that
/// memory stays flat however long the CSV is.
const BATCH: usize = 512;

pub fn run(ctx: &Context, args: GradeArgs) -> Result<u8, Error> {
    let library = ctx.library_for_rubric(&args.rubric);
    let entry = library.rubric(&args.rubric)?;
    let question = entry.item.question.clone().or_else(|| {
        let (deck, card) = entry.item.card.as_deref()?.split_once('/')?;
        let deck = library.deck(deck).ok()?;
        deck.item
            .cards
            .iter()
            .find(|c| c.id == card)
            .map(|c| c.question.clone())
    });
    let grader = Grader::new(entry.item)?;

    let single_stdin = args.files.is_empty() && args.csv.is_none() && args.jsonl.is_none();
    let reads_stdin = single_stdin || args.files.iter().any(|f| f.as_os_str() == "-");
    if reads_stdin && std::io::stdin().is_terminal() {
        // Otherwise a student sees nothing happen and thinks it hangs.
        eprintln!("reading the plan from standard input; end with Ctrl-D (or give a file)");
    }
    let items: Box<dyn Iterator<Item = Item>> = if let Some(csv) = &args.csv {
        input::from_csv(csv, args.text_column.as_deref(), args.id_column.as_deref())?
    } else if let Some(jsonl) = &args.jsonl {
        input::from_jsonl(jsonl)?
    } else if single_stdin {
        input::from_paths(&[PathBuf::from("-")])?
    } else {
        input::from_paths(&args.files)?
    };
    // One plan gets the detailed view (and a JSON object rather than an array).
    let detailed = args.csv.is_none()
        && args.jsonl.is_none()
        && (single_stdin || (args.files.len() == 1 && !args.files[0].is_dir()));

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let keep_students = args.report.is_some();
    let mut summary =
        planmark::report::ClassSummary::new(grader.rubric(), question.clone(), keep_students);
    let mut sections = match &args.report {
        Some(path) => {
            let inputs = args.files.iter().chain(&args.csv).chain(&args.jsonl);
            if let Some(input) = inputs
                .into_iter()
                .find(|i| planmark::fsutil::same_file(i, path))
            {
                return Err(Error::BadInput {
                    path: path.clone(),
                    message: format!(
                        "the report would overwrite the input {}; write the report elsewhere",
                        input.display()
                    ),
                });
            }
            if path.exists() && !args.force {
                return Err(Error::Exists { path: path.clone() });
            }
            Some(ReportParts::create(path)?)
        }
        None => None,
    };
    let mut seen_ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut duplicates = 0usize;
    let mut rows = 0usize;
    let mut sink = Sink::new(args.format, &grader, detailed);
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let progress = (!detailed && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} graded {pos} plans ({per_sec}) {elapsed}",
            )
            .expect("valid progress template"),
        );
        bar
    });
    let mut failed = 0usize;
    let mut items = items.peekable();
    while items.peek().is_some() {
        let mut plans: Vec<(String, String)> = Vec::with_capacity(BATCH);
        for item in items.by_ref().take(BATCH) {
            rows += 1;
            match item {
                Ok(plan) => {
                    match seen_ids.get(&plan.id) {
                        Some(first) if duplicates < 20 => {
                            duplicates += 1;
                            let msg = format!(
                                "id `{}` is used again by plan {rows} (first by plan {first}); their results share a name",
                                plan.id
                            );
                            eprintln!("{}", render::warning_line(&msg, ctx.color_stderr));
                        }
                        Some(_) => duplicates += 1,
                        None => {
                            // Bounded: ids beyond this many are not checked.
                            if seen_ids.len() < 1_000_000 {
                                seen_ids.insert(plan.id.clone(), rows);
                            }
                        }
                    }
                    if plan.text.trim().is_empty() {
                        let msg = format!("plan `{}` is empty: graded 0", plan.id);
                        eprintln!("{}", render::warning_line(&msg, ctx.color_stderr));
                    }
                    plans.push((plan.id, plan.text));
                }
                Err(e) => {
                    failed += 1;
                    let msg = format!("{}: {}", e.id, e.message);
                    eprintln!("{}", render::error_line(&msg, ctx.color_stderr));
                }
            }
        }
        let results = planmark::grade::batch::grade_all(&grader, &plans, threads);
        for (result, (_, text)) in results.into_iter().zip(&plans) {
            summary.add(&result);
            if let Some(parts) = &mut sections {
                parts.add(&result, text)?;
            }
            sink.push(&mut out, ctx, result, text, question.as_deref())
                .map_err(io_err)?;
        }
        if let Some(bar) = &progress {
            bar.inc(plans.len() as u64);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if duplicates > 20 {
        let msg = format!("{duplicates} plans in all reuse an id that came earlier");
        eprintln!("{}", render::warning_line(&msg, ctx.color_stderr));
    }
    if rows == 0 && (args.csv.is_some() || args.jsonl.is_some()) {
        let what = if args.csv.is_some() {
            "the CSV has a header but no rows"
        } else {
            "the JSON-lines file holds no plans"
        };
        eprintln!(
            "{}",
            render::warning_line(&format!("{what}: nothing was graded"), ctx.color_stderr)
        );
    }
    sink.finish(&mut out, ctx, &summary).map_err(io_err)?;
    out.flush().map_err(io_err)?;
    if let (Some(parts), Some(path)) = (sections, &args.report) {
        parts.finish(&summary, path, args.force)?;
        eprintln!("Wrote the class report to {}", path.display());
    }
    Ok(if failed > 0 {
        exit::BAD_INPUT
    } else {
        exit::OK
    })
}

/// The report's plan sections, written to a temporary file beside the
/// report as plans are graded, so a large class is not held in memory. It is
/// removed however the run ends.
struct ReportParts {
    path: PathBuf,
    file: std::io::BufWriter<tempfile::NamedTempFile>,
    count: usize,
}

impl ReportParts {
    fn create(report: &std::path::Path) -> Result<ReportParts, Error> {
        let dir = match report.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".planmark-report.")
            .tempfile_in(dir)
            .map_err(|source| Error::Write {
                path: report.to_path_buf(),
                source,
            })?;
        Ok(ReportParts {
            path: report.to_path_buf(),
            file: std::io::BufWriter::new(file),
            count: 0,
        })
    }

    fn add(&mut self, r: &GradeResult, plan: &str) -> Result<(), Error> {
        self.count += 1;
        self.file
            .write_all(planmark::report::plan_section(r, plan, self.count).as_bytes())
            .map_err(|source| Error::Write {
                path: self.path.clone(),
                source,
            })
    }

    fn finish(
        self,
        summary: &planmark::report::ClassSummary,
        path: &std::path::Path,
        force: bool,
    ) -> Result<(), Error> {
        let werr = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut scratch = self.file.into_inner().map_err(|e| werr(e.into_error()))?;
        use std::io::Seek;
        scratch.rewind().map_err(werr)?;
        let mut out = planmark::fsutil::AtomicFile::create(path, force)?;
        planmark::report::write_html(
            summary,
            std::io::BufReader::new(scratch.as_file()),
            &mut out,
        )
        .map_err(werr)?;
        out.commit()
    }
}

fn io_err(source: std::io::Error) -> Error {
    Error::Write {
        path: PathBuf::from("<stdout>"),
        source,
    }
}

/// Writes results as they come, so a large class is never held in memory
/// (except for the summary table, which needs every row).
struct Sink {
    format: Format,
    detailed: bool,
    count: usize,
    /// Rows of the class table (only the first `TABLE_ROWS` are kept).
    rows: Vec<render::SummaryRow>,
    factor_ids: Vec<String>,
}

/// More rows than this are counted but not shown in the terminal table.
const TABLE_ROWS: usize = 1000;

impl Sink {
    fn new(format: Format, grader: &Grader, detailed: bool) -> Sink {
        Sink {
            format,
            detailed,
            count: 0,
            rows: Vec::new(),
            factor_ids: grader
                .rubric()
                .factors
                .iter()
                .map(|f| f.id.clone())
                .collect(),
        }
    }

    fn push(
        &mut self,
        out: &mut impl Write,
        ctx: &Context,
        r: GradeResult,
        plan: &str,
        question: Option<&str>,
    ) -> std::io::Result<()> {
        self.count += 1;
        match self.format {
            Format::Table if self.detailed => {
                write!(
                    out,
                    "{}",
                    render::grade_detail(&r, question, plan, ctx.color_stdout)
                )?;
            }
            Format::Table => {
                if self.rows.len() < TABLE_ROWS {
                    self.rows.push(render::SummaryRow::of(&r));
                }
            }
            Format::Json if self.detailed => {
                serde_json::to_writer_pretty(&mut *out, &r)?;
                writeln!(out)?;
            }
            Format::Json => {
                write!(out, "{}", if self.count == 1 { "[\n" } else { ",\n" })?;
                serde_json::to_writer(&mut *out, &r)?;
            }
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &r)?;
                writeln!(out)?;
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                if self.count == 1 {
                    w.write_record(planmark::report::markbook_header(&self.factor_ids))?;
                }
                let row = planmark::report::markbook_row(&r);
                w.write_record(&row)?;
                let bytes = w.into_inner().map_err(|e| e.into_error())?;
                out.write_all(&bytes)?;
            }
        }
        Ok(())
    }

    fn finish(
        &mut self,
        out: &mut impl Write,
        ctx: &Context,
        class: &planmark::report::ClassSummary,
    ) -> std::io::Result<()> {
        match self.format {
            Format::Table if !self.detailed => write!(
                out,
                "{}",
                render::grade_summary(&self.rows, class, ctx.color_stdout)
            )?,
            Format::Json if !self.detailed => {
                if self.count == 0 {
                    writeln!(out, "[]")?;
                } else {
                    writeln!(out, "\n]")?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
