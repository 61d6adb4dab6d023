//! `planmark rubric check | new | test`: the teacher's tools.

use super::render::{self, BOLD, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use planmark::authoring::check::{CheckContext, check_rubric};
use planmark::library::Library;
use planmark::model::{FileDiagnostics, Severity};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RubricCmd {
    /// Check rubrics for errors and for things that will mis-grade.
    ///
    /// Exit code 0 when clean (warnings allowed), 1 with warnings under
    /// --deny-warnings, 2 with errors.
    Check(CheckArgs),
    /// Write a starter rubric for a card, to edit and check.
    New(NewArgs),
    /// Calibrate rubrics against teacher-marked sample plans.
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Rubric files or ids [default: every rubric in the library].
    #[arg(value_name = "FILE|ID")]
    pub rubrics: Vec<String>,
    /// Treat warnings as failures (exit code 1).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The card to write a rubric for, as DECK/CARD.
    #[arg(long, value_name = "DECK/CARD")]
    pub card: String,
    /// Write to this file instead of standard output (never overwrites).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Rubric ids or files [default: every rubric that has samples].
    #[arg(value_name = "ID|FILE")]
    pub rubrics: Vec<String>,
    /// Fail (exit 1) when factor micro-F1 is below this.
    #[arg(long, value_name = "F1")]
    pub min_f1: Option<f64>,
    /// Fail (exit 1) when mark quadratic weighted kappa is below this.
    #[arg(long, value_name = "QWK")]
    pub min_qwk: Option<f64>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Labelled plans to test against instead of each rubric's own
    /// `ID.samples.toml`: `[[sample]]` files, the examiner's `[[plan]]` layout
    /// (with `covered`) or JSON lines. A file naming its `rubric` is graded
    /// with that rubric; otherwise give one rubric id.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub samples: Vec<PathBuf>,
}

pub fn run(ctx: &Context, cmd: RubricCmd) -> Result<u8> {
    match cmd {
        RubricCmd::Check(a) => check(ctx, a),
        RubricCmd::New(a) => new(ctx, a),
        RubricCmd::Test(a) => test(ctx, a),
    }
}

/// (display path, text) of each rubric to check.
fn sources(lib: &Library, names: &[String]) -> Result<Vec<(PathBuf, String)>> {
    if names.is_empty() {
        let mut all: Vec<(PathBuf, String)> = lib
            .rubrics
            .iter()
            .map(|e| (e.origin.path().to_path_buf(), e.text.clone()))
            .collect();
        all.extend(
            lib.problems
                .iter()
                .filter(|p| !p.text.is_empty() && !planmark::library::looks_like_deck(&p.text))
                .map(|p| (p.path.clone(), p.text.clone())),
        );
        return Ok(all);
    }
    names
        .iter()
        .map(|n| {
            let path = PathBuf::from(n);
            if path.is_file() {
                let text =
                    planmark::error::read_text(&path, planmark::library::FILE_LIMIT, "a rubric")?;
                return Ok((path, text));
            }
            let entry = lib.rubric(n)?;
            Ok((entry.origin.path().to_path_buf(), entry.text))
        })
        .collect()
}

fn check(ctx: &Context, args: CheckArgs) -> Result<u8> {
    let lib = ctx.library();
    let files = sources(&lib, &args.rubrics)?;
    let (mut errors, mut warnings) = (0, 0);
    for (path, text) in &files {
        let card_ref = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| t.get("card").and_then(|c| c.as_str().map(str::to_string)))
            .or_else(|| {
                serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .and_then(|v| v.get("card").and_then(|c| c.as_str().map(str::to_string)))
            });
        let card = card_ref
            .as_deref()
            .map(|c| lib.card(c).ok().map(|(_, card)| card));
        let cctx = CheckContext {
            card: card.flatten(),
            card_missing: matches!(card, Some(None)),
        };
        let report: FileDiagnostics = check_rubric(path, text, &cctx);
        let e = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let w = report.diagnostics.len() - e;
        errors += e;
        warnings += w;
        if report.diagnostics.is_empty() {
            println!(
                "{} {}",
                paint("ok", "\x1b[32m", ctx.color_stdout),
                path.display()
            );
        } else {
            eprint!("{}", render::diagnostics(&report, ctx.color_stderr));
        }
    }
    println!(
        "{} rubric{} checked: {errors} error{}, {warnings} warning{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    Ok(if errors > 0 {
        exit::BAD_INPUT
    } else if warnings > 0 && args.deny_warnings {
        exit::PROBLEMS
    } else {
        exit::OK
    })
}

fn new(ctx: &Context, args: NewArgs) -> Result<u8> {
    let lib = ctx.library();
    let (deck, card) = lib.card(&args.card)?;
    // The abbreviations other rubrics for this deck already use.
    let mut abbreviations = std::collections::BTreeMap::new();
    for r in lib.rubrics.iter().filter(|r| {
        r.item
            .card
            .as_deref()
            .is_some_and(|c| c.starts_with(&format!("{}/", deck.id)))
    }) {
        abbreviations.extend(r.item.abbreviations.clone());
    }
    let text = planmark::authoring::starter::starter_rubric(&deck.id, card, &abbreviations);
    match args.output {
        Some(path) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| {
                    format!("cannot create {} (it is never overwritten)", path.display())
                })?;
            std::io::Write::write_all(&mut f, text.as_bytes())?;
            eprintln!(
                "Wrote {}. Next: edit the aliases, then `planmark rubric check {}`.",
                path.display(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

fn test(ctx: &Context, args: TestArgs) -> Result<u8> {
    use planmark::authoring::calibrate::{SampleFile, evaluate, parse_samples};
    let lib = ctx.library();
    let entries = if args.rubrics.is_empty() {
        lib.rubrics.clone()
    } else {
        args.rubrics
            .iter()
            .map(|r| lib.rubric(r))
            .collect::<Result<_, _>>()?
    };
    let mut failed = false;
    let mut tested = 0;
    let mut all_reports = Vec::new();
    // (rubric entry, where the samples came from, the samples)
    let mut jobs: Vec<(
        planmark::library::Entry<planmark::Rubric>,
        String,
        SampleFile,
    )> = Vec::new();
    if args.samples.is_empty() {
        for entry in &entries {
            let Some((sample_path, sample_text)) = lib.samples_for(entry) else {
                if !args.rubrics.is_empty() {
                    eprintln!(
                        "{}",
                        render::warning_line(
                            &format!(
                                "rubric `{}` has no samples file ({}.samples.toml beside it)",
                                entry.item.id, entry.item.id
                            ),
                            ctx.color_stderr
                        )
                    );
                }
                continue;
            };
            match parse_samples(&sample_path, &sample_text) {
                Ok(s) => jobs.push((entry.clone(), sample_path.display().to_string(), s)),
                Err(d) => {
                    eprint!("{}", render::diagnostics(&d, ctx.color_stderr));
                    failed = true;
                }
            }
        }
    } else {
        if args.rubrics.len() > 1 {
            anyhow::bail!(
                "with --samples give at most one rubric id (the files' own `rubric` key picks the rubric otherwise)"
            );
        }
        for path in &args.samples {
            let text =
                planmark::error::read_text(path, planmark::library::FILE_LIMIT, "a samples file")?;
            let file = match parse_samples(path, &text) {
                Ok(f) => f,
                Err(d) => {
                    eprint!("{}", render::diagnostics(&d, ctx.color_stderr));
                    failed = true;
                    continue;
                }
            };
            let entry = match (entries.first(), file.rubric.as_deref()) {
                (Some(e), _) if !args.rubrics.is_empty() => e.clone(),
                (_, Some(id)) => lib.rubric(id)?,
                _ => anyhow::bail!(
                    "{} does not say which rubric it was marked against: add `rubric = \"ID\"` to it, or name the rubric (`planmark rubric test ID --samples {}`)",
                    path.display(),
                    path.display()
                ),
            };
            // Files for the same rubric are pooled into one report.
            match jobs.iter_mut().find(|(e, _, _)| e.item.id == entry.item.id) {
                Some((_, from, f)) => {
                    from.push_str(&format!(", {}", path.display()));
                    f.samples.extend(file.samples);
                }
                None => jobs.push((entry, path.display().to_string(), file)),
            }
        }
    }
    for (entry, sample_path, samples) in &jobs {
        let unknown: Vec<&str> = samples
            .samples
            .iter()
            .flat_map(|s| s.factors.iter())
            .filter(|f| entry.item.factor(f).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            anyhow::bail!(
                "{} credits factors that rubric `{}` does not have: {}",
                sample_path,
                entry.item.id,
                unknown.join(", ")
            );
        }
        let grader = planmark::Grader::new(entry.item.clone())?;
        let report = evaluate(&grader, &samples.samples);
        tested += 1;
        let f1 = report.micro.f1();
        let below =
            args.min_f1.is_some_and(|m| f1 < m) || args.min_qwk.is_some_and(|m| report.qwk < m);
        failed |= below;
        if !args.json {
            print_report(ctx, &entry.item.id, sample_path, &report);
            if below {
                println!(
                    "{}",
                    render::error_line("below the required --min-f1 / --min-qwk", ctx.color_stdout)
                );
            }
        }
        all_reports.push(report);
    }
    let pooled = planmark::authoring::calibrate::pool(&all_reports);
    if !args.json && all_reports.len() > 1 {
        println!(
            "{} {} rubrics, {} samples: factor micro-precision {:.3}, recall {:.3}, F1 {:.3}; marks exact {:.0}%{}",
            paint("All together:", BOLD, ctx.color_stdout),
            pooled.rubrics,
            pooled.samples,
            pooled.micro.precision(),
            pooled.micro.recall(),
            pooled.micro.f1(),
            pooled.exact * 100.0,
            pooled
                .qwk
                .map(|q| format!(", quadratic weighted kappa {q:.3}"))
                .unwrap_or_default()
        );
    }
    if args.json {
        let slim: Vec<serde_json::Value> = all_reports
            .iter()
            .map(|r| {
                serde_json::json!({
                    "rubric": r.rubric, "samples": r.samples,
                    "micro": {"precision": r.micro.precision(), "recall": r.micro.recall(), "f1": r.micro.f1()},
                    "factors": r.factors.iter().map(|(id, c)| (id.clone(), serde_json::json!({
                        "tp": c.tp, "fp": c.fp, "fn": c.fn_, "precision": c.precision(), "recall": c.recall(), "f1": c.f1()
                    }))).collect::<serde_json::Map<_, _>>(),
                    "marks": {"exact": r.exact, "adjacent": r.adjacent, "mean_abs_error": r.mean_abs_error, "qwk": r.qwk},
                    "disagreements": r.disagreements,
                })
            })
            .collect();
        let out = serde_json::json!({
            "rubrics": slim,
            "pooled": {
                "samples": pooled.samples,
                "micro": {"precision": pooled.micro.precision(), "recall": pooled.micro.recall(), "f1": pooled.micro.f1()},
                "exact": pooled.exact,
                "qwk": pooled.qwk,
            },
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    if tested == 0 {
        anyhow::bail!(
            "no rubric here has samples: add ID.samples.toml beside a rubric ([[sample]] id, text, factors, mark)"
        );
    }
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

fn print_report(ctx: &Context, id: &str, path: &str, r: &planmark::authoring::calibrate::Report) {
    let c = ctx.color_stdout;
    println!(
        "{} {id} ({} samples from {})",
        paint("Rubric", BOLD, c),
        r.samples,
        path
    );
    let mut t = render::new_table(c);
    t.set_header(vec![
        "Factor",
        "TP",
        "FP",
        "FN",
        "Precision",
        "Recall",
        "F1",
    ]);
    for (fid, k) in &r.factors {
        t.add_row(vec![
            fid.clone(),
            k.tp.to_string(),
            k.fp.to_string(),
            k.fn_.to_string(),
            format!("{:.2}", k.precision()),
            format!("{:.2}", k.recall()),
            format!("{:.2}", k.f1()),
        ]);
    }
    t.add_row(vec![
        "micro (all factors)".to_string(),
        r.micro.tp.to_string(),
        r.micro.fp.to_string(),
        r.micro.fn_.to_string(),
        format!("{:.3}", r.micro.precision()),
        format!("{:.3}", r.micro.recall()),
        format!("{:.3}", r.micro.f1()),
    ]);
    println!("{t}");
    println!(
        "Marks: exact agreement {:.0}%, within one mark {:.0}%, mean difference {:.2}, quadratic weighted kappa {:.3}",
        r.exact * 100.0,
        r.adjacent * 100.0,
        r.mean_abs_error,
        r.qwk
    );
    let factor_issues: Vec<_> = r
        .disagreements
        .iter()
        .filter(|d| !d.extra.is_empty() || !d.missed.is_empty())
        .collect();
    if !factor_issues.is_empty() {
        println!(
            "\n{}",
            paint("Where the grader and the teacher disagree", BOLD, c)
        );
        for d in factor_issues {
            for (f, words) in &d.extra {
                let quoted: Vec<String> = words.iter().map(|w| format!("“{w}”")).collect();
                println!(
                    "  {}: credited `{f}` for {} — add an `exclude` if that is wrong",
                    d.sample,
                    quoted.join(", ")
                );
            }
            for f in &d.missed {
                println!(
                    "  {}: missed `{f}` — add the wording this plan uses to its `phrases`",
                    d.sample
                );
            }
        }
    }
    println!();
}
