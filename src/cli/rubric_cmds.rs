//! `planmark rubric check | new | test`: the teacher's tools.

use super::render::{self, BOLD, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use planmark::authoring::calibrate::{MarkAgreement, Report};
use planmark::authoring::check::{CheckContext, check_rubric};
use planmark::authoring::fit_bands::{BandFit, Limits, Observation, bands_toml, fit_and_validate};
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
    /// Calibrate rubrics against teacher-marked sample plans (tuned and
    /// cross-validated agreement; --fit-bands proposes band thresholds).
    Test(TestArgs),
    /// Propose phrases and exclusions from teacher-marked plans, each
    /// measured on them; change the rubric only when told (--apply, --accept).
    Suggest(SuggestArgs),
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
#[command(after_help = "Examples:
  planmark rubric new --card russia-1917-53/women -o my-women.toml      # id `my-women`
  planmark rubric new --card women --id women-y12 -o rubrics/women-y12.toml
  planmark rubric new --card russia-1917-53/women                        # print it")]
pub struct NewArgs {
    /// The card to write a rubric for, as DECK/CARD.
    #[arg(long, value_name = "DECK/CARD")]
    pub card: String,
    /// Write to this file instead of standard output (never overwrites).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The rubric's id [default: the output file's name, else the card's id].
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
}

/// Calibrate rubrics against teacher-marked sample plans.
///
/// For each rubric: per-factor precision, recall and F1, mark agreement
/// (exact, within one, mean difference, quadratic weighted kappa), judgement
/// agreement when the samples say whether each plan has one, and every plan
/// where the grader and the teacher disagree, with both marks and levels.
///
/// Two scores are shown. *Tuned* is the rubric as it stands, scored on these
/// plans; when the rubric was written or adjusted while looking at them it
/// flatters it. *Cross-validated* splits the plans into --folds groups
/// (seeded, so runs repeat); for each group the tool's automatic fitting
/// (band thresholds, as --fit-bands does) is run on the other groups and
/// scored on this one. That estimates how a fitted rubric marks plans it has
/// not seen.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  planmark rubric test                                   # every rubric with ID.samples.toml
  planmark rubric test stalin-trotsky --min-f1 0.9 --min-qwk 0.8
  planmark rubric test --samples plans/women.toml plans/civil-war.toml --json
  planmark rubric test my-rubric.toml --samples marked.toml --fit-bands
  planmark rubric test --samples plans/*.toml --fit-bands --pool     # one band scheme for all")]
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
    /// Cross-validation folds (2 or more; more folds than plans means
    /// leave-one-out).
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..))]
    pub folds: u32,
    /// Seed for the split into folds.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Propose band thresholds (min-factors, min-coverage, min-per-side,
    /// min-evidence, judgement) that best agree with the teacher's marks,
    /// with before/after agreement, printed as [[band]] tables to paste.
    /// Levels and mark ranges are kept, and so are the caps the bands set: a
    /// band that requires a judgement, or a factor on each side, still does.
    #[arg(long)]
    pub fit_bands: bool,
    /// With --fit-bands: fit one scheme over all the rubrics' samples
    /// together (they need the same levels and marks). Ten or twenty plans
    /// per rubric overfit; pooling several rubrics' plans does not as much.
    #[arg(long, requires = "fit_bands")]
    pub pool: bool,
    /// Write the fitted bands into the rubric files (TOML, comments kept),
    /// after showing the change. Built-in rubrics are never edited.
    #[arg(long)]
    pub apply_bands: bool,
    /// Also cross-validate `rubric suggest`: on each fold's other plans,
    /// accept each factor's best suggestion automatically, then score the
    /// factors and marks on the fold (slower: it grades every plan many
    /// times).
    #[arg(long)]
    pub cv_suggest: bool,
}

/// Propose rubric changes from teacher-marked plans.
///
/// For each factor: the sentences the teacher credited that the grader
/// missed, the ones it credited where the teacher did not (with the words it
/// matched), and numbered proposals: phrases (word runs from the missed
/// sentences that plans without the credit do not have), exclusions (the
/// wording around a false credit), and WordNet swaps (a phrase of two or more
/// content words with one word replaced by a synonym of its dominant sense).
/// Each shows, on the samples, how many plans it touches and how many of
/// those the teacher agrees with (precision), its recall, and the factor's F1
/// before and after, measured by grading every sample with the change.
///
/// Nothing is changed unless asked: --apply 2,5 adds proposals 2 and 5, and
/// --accept asks y/n for each. The change is shown first, the file keeps its
/// comments and layout, and built-in rubrics are never edited. Proposals fit
/// the samples they came from: check them with `rubric test` on plans they
/// were not made from.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  planmark rubric suggest my-women.toml --samples marked/women.toml
  planmark rubric suggest my-women.toml --samples marked/*.toml --json
  planmark rubric suggest my-women.toml --samples marked/women.toml --apply 1,4
  planmark rubric suggest my-women.toml --samples marked/women.toml --accept")]
pub struct SuggestArgs {
    /// The rubric: an id, or a file (needed to --apply or --accept).
    #[arg(value_name = "ID|FILE")]
    pub rubric: String,
    /// Teacher-marked plans (`[[sample]]`, the examiner's `[[plan]]`
    /// layout, or JSON lines) [default: ID.samples.toml beside the rubric].
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub samples: Vec<PathBuf>,
    /// Print the review and proposals as JSON.
    #[arg(long)]
    pub json: bool,
    /// Add these proposals (by number) to the rubric file.
    #[arg(
        long,
        value_name = "N,M",
        value_delimiter = ',',
        conflicts_with = "accept"
    )]
    pub apply: Vec<usize>,
    /// Ask y/n for each proposal (reading answers from standard input), then
    /// add the accepted ones.
    #[arg(long)]
    pub accept: bool,
    /// At most this many proposals per factor.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub per_factor: usize,
    /// No WordNet swaps.
    #[arg(long)]
    pub no_swaps: bool,
    /// Also list WordNet swaps that no sample tests (no plan uses either
    /// wording), for the teacher to judge by eye.
    #[arg(long, conflicts_with = "no_swaps")]
    pub untested_swaps: bool,
}

pub fn run(ctx: &Context, cmd: RubricCmd) -> Result<u8> {
    match cmd {
        RubricCmd::Check(a) => check(ctx, a),
        RubricCmd::New(a) => new(ctx, a),
        RubricCmd::Test(a) => test(ctx, a),
        RubricCmd::Suggest(a) => suggest(ctx, a),
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
    // Broken library files are checked (and shown in full) like any other.
    let lib = ctx.library_quiet();
    let files = sources(&lib, &args.rubrics)?;
    let (mut errors, mut warnings, mut notes) = (0, 0, 0);
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
        let count = |s: Severity| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .count()
        };
        let (e, w, n) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        );
        errors += e;
        warnings += w;
        notes += n;
        if e + w == 0 {
            println!(
                "{} {}",
                paint("ok", "\x1b[32m", ctx.color_stdout),
                path.display()
            );
        }
        if !report.diagnostics.is_empty() {
            eprint!("{}", render::diagnostics(&report, ctx.color_stderr));
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    println!(
        "{} rubric{} checked: {errors} error{}, {warnings} warning{}{}",
        files.len(),
        plural(files.len()),
        plural(errors),
        plural(warnings),
        if notes > 0 {
            format!(", {notes} note{}", plural(notes))
        } else {
            String::new()
        }
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
    use planmark::authoring::starter::{deck_abbreviations, slug, starter_rubric};
    let lib = ctx.library();
    let (deck, card) = lib.card(&args.card)?;
    let id = match (&args.id, &args.output) {
        (Some(id), _) => {
            let ok = !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !ok {
                anyhow::bail!(
                    "--id `{id}` is not a usable id: use lower-case letters, digits and `-` (at most 64), e.g. `{}`",
                    slug(id)
                );
            }
            id.clone()
        }
        (None, Some(path)) => {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .map(slug)
                .unwrap_or_default();
            if stem.is_empty() {
                slug(&card.id)
            } else {
                stem
            }
        }
        (None, None) => slug(&card.id),
    };
    if let Some(existing) = lib.rubrics.iter().find(|r| r.item.id == id) {
        let whose = match &existing.origin {
            planmark::library::Origin::BuiltIn(_) => "a built-in rubric".to_string(),
            planmark::library::Origin::File(p) => format!("the rubric at {}", p.display()),
        };
        eprintln!(
            "{}",
            render::warning_line(
                &format!(
                    "`{id}` is already the id of {whose}; in a library folder yours would replace it for `--rubric {id}`. Choose another with --id (or another file name)."
                ),
                ctx.color_stderr
            )
        );
    }
    // The abbreviations other rubrics for this deck already use; only those
    // this card's text needs are kept.
    let mut known = std::collections::BTreeMap::new();
    for r in lib.rubrics.iter().filter(|r| {
        r.item
            .card
            .as_deref()
            .is_some_and(|c| c.starts_with(&format!("{}/", deck.id)))
    }) {
        known.extend(r.item.abbreviations.clone());
    }
    let abbreviations = deck_abbreviations(deck, card, &known);
    let text = starter_rubric(&deck.id, card, &abbreviations, &id);
    match args.output {
        Some(path) => {
            write_new_file(&path, &text)?;
            eprintln!(
                "Wrote {} (id `{id}`). Next: edit the aliases, then `planmark rubric check {}`.",
                path.display(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

/// Writes a file that must not exist yet, through a temporary file in the
/// same folder (written, fsynced, then linked in only if the name is free).
fn write_new_file(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: the folder {} does not exist (create it first: mkdir -p {})",
            path.display(),
            dir.display(),
            dir.display()
        );
    }
    if path.exists() {
        anyhow::bail!(
            "cannot create {}: it already exists, and it is never overwritten (choose another name)",
            path.display()
        );
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".planmark-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist_noclobber(path).map_err(|e| {
        anyhow::anyhow!(
            "cannot create {}: {} (it is never overwritten)",
            path.display(),
            e.error
        )
    })?;
    Ok(())
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
    let fit_bands = args.fit_bands || args.apply_bands;
    let pool_fit = args.pool && jobs.len() > 1;
    let mut per_rubric_cv: Vec<(u32, u32)> = Vec::new();
    let mut fits: Vec<Option<BandFit>> = Vec::new();
    let mut suggest_cvs: Vec<Option<SuggestCv>> = Vec::new();
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
        let max = entry.item.max_mark();
        let obs: Vec<Observation> = report
            .graded
            .iter()
            .map(|g| Observation::new(g, max))
            .collect();
        let fit = fit_and_validate(
            &entry.item.bands,
            &obs,
            &Limits::of(&entry.item),
            args.folds as usize,
            args.seed,
        );
        per_rubric_cv.extend(fit.cross_validated.iter().copied());
        let suggest_cv = if args.cv_suggest {
            Some(cross_validate_suggest(
                &entry.item,
                &samples.samples,
                args.folds as usize,
                args.seed,
            )?)
        } else {
            None
        };
        let f1 = report.micro.f1();
        let below =
            args.min_f1.is_some_and(|m| f1 < m) || args.min_qwk.is_some_and(|m| report.qwk < m);
        failed |= below;
        if !args.json {
            print_report(ctx, &entry.item.id, sample_path, &report, &fit);
            if let Some(cv) = &suggest_cv {
                println!(
                    "Factors (cross-validated: each factor's best suggestion accepted on {} of {} folds, scored on the other): micro-precision {:.3}, recall {:.3}, F1 {:.3} (as it stands: {:.3}); marks exact {:.0}%, mean difference {:.2}, quadratic weighted kappa {:.3}\n",
                    cv.k - 1,
                    cv.k,
                    cv.micro.precision(),
                    cv.micro.recall(),
                    cv.micro.f1(),
                    report.micro.f1(),
                    cv.marks.exact * 100.0,
                    cv.marks.mean_abs_error,
                    cv.marks.qwk
                );
            }
            if fit_bands && !pool_fit {
                print_band_fit(ctx, &entry.item.id, report.samples, &fit, max);
            }
            if below {
                println!(
                    "{}",
                    render::error_line("below the required --min-f1 / --min-qwk", ctx.color_stdout)
                );
            }
        }
        fits.push(Some(fit));
        suggest_cvs.push(suggest_cv);
        all_reports.push(report);
    }
    // One band scheme fitted over every rubric's plans.
    let pooled_fit = if fit_bands && pool_fit {
        let first = &jobs[0].0.item;
        let shape = |r: &planmark::Rubric| -> Vec<(u32, [u32; 2])> {
            r.bands.iter().map(|b| (b.level, b.marks)).collect()
        };
        if let Some((other, _, _)) = jobs.iter().find(|(e, _, _)| {
            shape(&e.item) != shape(first) || e.item.max_mark() != first.max_mark()
        }) {
            anyhow::bail!(
                "--pool fits one band scheme, so the rubrics need the same levels and marks: `{}` and `{}` differ (fit them separately without --pool)",
                first.id,
                other.item.id
            );
        }
        let mut obs = Vec::new();
        let mut limits = Limits::of(first);
        for ((entry, _, _), report) in jobs.iter().zip(&all_reports) {
            limits = limits.meet(Limits::of(&entry.item));
            obs.extend(
                report
                    .graded
                    .iter()
                    .map(|g| Observation::new(g, entry.item.max_mark())),
            );
        }
        let mut fit = fit_and_validate(&first.bands, &obs, &limits, args.folds as usize, args.seed);
        // "Current" is each rubric's own bands, not the first one's.
        fit.before = all_reports
            .iter()
            .flat_map(|r| r.pairs.iter().copied())
            .collect();
        if !args.json {
            print_band_fit(
                ctx,
                &format!(
                    "{} rubrics pooled (one scheme, starting from {}'s bands)",
                    jobs.len(),
                    first.id
                ),
                obs.len(),
                &fit,
                first.max_mark(),
            );
        }
        Some(fit)
    } else {
        None
    };
    let pooled = planmark::authoring::calibrate::pool(&all_reports);
    let pooled_cv = MarkAgreement::of(
        &per_rubric_cv,
        all_reports.first().map_or(0, |r| r.max_mark),
    );
    if !args.json && all_reports.len() > 1 {
        println!(
            "{} {} rubrics, {} samples: factor micro-precision {:.3}, recall {:.3}, F1 {:.3}; marks exact {:.0}%, mean difference {:.2}{}{}",
            paint("All together:", BOLD, ctx.color_stdout),
            pooled.rubrics,
            pooled.samples,
            pooled.micro.precision(),
            pooled.micro.recall(),
            pooled.micro.f1(),
            pooled.exact * 100.0,
            pooled.mean_abs_error,
            pooled
                .qwk
                .map(|q| format!(", quadratic weighted kappa {q:.3}"))
                .unwrap_or_default(),
            pooled
                .judgement
                .map(|j| format!("; judgement agreement {:.0}%", j.accuracy * 100.0))
                .unwrap_or_default()
        );
        if pooled.qwk.is_some() {
            println!(
                "  cross-validated (bands fitted per rubric on the other folds): marks exact {:.0}%, mean difference {:.2}, quadratic weighted kappa {:.3}",
                pooled_cv.exact * 100.0,
                pooled_cv.mean_abs_error,
                pooled_cv.qwk
            );
        }
    }
    if args.json {
        let slim: Vec<serde_json::Value> = all_reports
            .iter()
            .zip(&fits)
            .zip(&suggest_cvs)
            .map(|((r, fit), scv)| {
                let mut v = serde_json::json!({
                    "rubric": r.rubric, "samples": r.samples,
                    "micro": {"precision": r.micro.precision(), "recall": r.micro.recall(), "f1": r.micro.f1()},
                    "factors": r.factors.iter().map(|(id, c)| (id.clone(), serde_json::json!({
                        "tp": c.tp, "fp": c.fp, "fn": c.fn_, "precision": c.precision(), "recall": c.recall(), "f1": c.f1()
                    }))).collect::<serde_json::Map<_, _>>(),
                    "marks": {"exact": r.exact, "adjacent": r.adjacent, "mean_abs_error": r.mean_abs_error, "mean_error": r.mean_error, "qwk": r.qwk},
                    "judgement": r.judgement,
                    "disagreements": r.disagreements,
                });
                if let Some(fit) = fit {
                    let [_, tuned, cv] = fit.agreement(r.max_mark);
                    v["cross_validated"] = serde_json::json!({
                        "folds": fit.k, "seed": args.seed, "fitted": "bands", "marks": cv,
                    });
                    if fit_bands && !pool_fit {
                        v["band_fit"] = band_fit_json(fit, r.max_mark, tuned);
                    }
                }
                if let Some(cv) = scv {
                    v["cross_validated"]["suggest"] = serde_json::json!({
                        "micro": {"tp": cv.micro.tp, "fp": cv.micro.fp, "fn": cv.micro.fn_,
                                  "precision": cv.micro.precision(), "recall": cv.micro.recall(), "f1": cv.micro.f1()},
                        "marks": cv.marks,
                    });
                }
                v
            })
            .collect();
        let mut pooled_json = serde_json::json!({
            "samples": pooled.samples,
            "micro": {"precision": pooled.micro.precision(), "recall": pooled.micro.recall(), "f1": pooled.micro.f1()},
            "exact": pooled.exact,
            "qwk": pooled.qwk,
            "mean_abs_error": pooled.mean_abs_error,
            "mean_error": pooled.mean_error,
            "judgement": pooled.judgement,
            "cross_validated": {"folds": args.folds, "seed": args.seed, "fitted": "bands per rubric", "marks": pooled_cv},
        });
        if let Some(fit) = &pooled_fit {
            let max = all_reports.first().map_or(0, |r| r.max_mark);
            let [_, tuned, _] = fit.agreement(max);
            pooled_json["band_fit"] = band_fit_json(fit, max, tuned);
        }
        let out = serde_json::json!({ "rubrics": slim, "pooled": pooled_json });
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    if tested == 0 {
        anyhow::bail!(
            "no rubric here has samples: add ID.samples.toml beside a rubric ([[sample]] id, text, factors, mark)"
        );
    }
    if args.apply_bands {
        for ((entry, _, _), fit) in jobs.iter().zip(&fits) {
            let bands = match (&pooled_fit, fit) {
                (Some(p), _) => &p.bands,
                (None, Some(f)) => &f.bands,
                (None, None) => continue,
            };
            apply_bands(ctx, entry, bands, args.json)?;
        }
    }
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

fn suggest(ctx: &Context, args: SuggestArgs) -> Result<u8> {
    use planmark::authoring::calibrate::parse_samples;
    use planmark::authoring::suggest::{Kind, Options, Proposal, pick, suggest};
    let lib = ctx.library();
    let entry = lib.rubric(&args.rubric)?;
    let rubric = &entry.item;
    // Refuse before any work if the teacher asked to edit a built-in.
    let target = if args.accept || !args.apply.is_empty() {
        Some(editable(&entry)?)
    } else {
        None
    };
    let mut samples = Vec::new();
    let files: Vec<(PathBuf, String)> = if args.samples.is_empty() {
        match lib.samples_for(&entry) {
            Some(f) => vec![f],
            None => anyhow::bail!(
                "rubric `{}` has no samples beside it: give marked plans with --samples FILE",
                rubric.id
            ),
        }
    } else {
        args.samples
            .iter()
            .map(|p| {
                planmark::error::read_text(p, planmark::library::FILE_LIMIT, "a samples file")
                    .map(|t| (p.clone(), t))
            })
            .collect::<Result<_, _>>()?
    };
    for (path, text) in &files {
        let file = match parse_samples(path, text) {
            Ok(f) => f,
            Err(d) => {
                eprint!("{}", render::diagnostics(&d, ctx.color_stderr));
                return Ok(exit::BAD_INPUT);
            }
        };
        if let Some(other) = file.rubric.as_deref().filter(|r| *r != rubric.id) {
            anyhow::bail!(
                "{} was marked against rubric `{other}`, not `{}`",
                path.display(),
                rubric.id
            );
        }
        let unknown: Vec<&str> = file
            .samples
            .iter()
            .flat_map(|s| s.factors.iter())
            .filter(|f| rubric.factor(f).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            anyhow::bail!(
                "{} credits factors that rubric `{}` does not have: {}",
                path.display(),
                rubric.id,
                unknown.join(", ")
            );
        }
        samples.extend(file.samples);
    }
    let question = rubric
        .card
        .as_deref()
        .and_then(|c| lib.card(c).ok())
        .map(|(_, card)| card.question.clone());
    let opts = Options {
        per_factor: args.per_factor.max(1),
        untested_swaps: args.untested_swaps,
        swaps: !args.no_swaps,
        question,
    };
    let s = suggest(rubric, &samples, &opts)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print_suggestions(ctx, &s);
    }
    let Some(path) = target else {
        return Ok(exit::OK);
    };
    let chosen: Vec<&Proposal> = if args.accept {
        let mut chosen = Vec::new();
        let stdin = std::io::stdin();
        let mut line = String::new();
        for p in &s.proposals {
            if p.kind == Kind::With {
                eprint!(
                    "#{} with: count {} in `{}` only beside {}? [y/N/q] ",
                    p.number,
                    quote(&p.text),
                    p.factor,
                    p.with
                        .iter()
                        .map(|w| quote(w))
                        .collect::<Vec<_>>()
                        .join(" or ")
                );
            } else {
                eprint!(
                    "#{} {}: add {} to `{}` {}? [y/N/q] ",
                    p.number,
                    p.kind.as_str(),
                    quote(&p.text),
                    p.factor,
                    p.kind.key()
                );
            }
            line.clear();
            if std::io::BufRead::read_line(&mut stdin.lock(), &mut line)? == 0 {
                eprintln!();
                break;
            }
            match line.trim().to_lowercase().as_str() {
                "y" | "yes" => chosen.push(p),
                "q" | "quit" => break,
                _ => {}
            }
        }
        chosen
    } else {
        match pick(&s, &args.apply) {
            Ok(c) => c,
            Err(n) => anyhow::bail!(
                "there is no proposal {n}: this run made {} (numbers 1 to {})",
                s.proposals.len(),
                s.proposals.len()
            ),
        }
    };
    if chosen.is_empty() {
        eprintln!("Nothing accepted; {} is unchanged.", path.display());
        return Ok(exit::OK);
    }
    let new = planmark::authoring::edit::add_proposals(&path, &entry.text, &chosen)?;
    // The result must still be a rubric the grader accepts.
    if let Err(d) = planmark::model::parse_rubric(&path, &new) {
        eprint!("{}", render::diagnostics(&d, ctx.color_stderr));
        anyhow::bail!(
            "the changed rubric would not load, so {} is unchanged",
            path.display()
        );
    }
    let say = |line: String| {
        if args.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    say(format!(
        "{} {}",
        paint("Changing", BOLD, ctx.color_stdout),
        path.display()
    ));
    say(planmark::authoring::edit::diff(&entry.text, &new));
    planmark::authoring::edit::write_atomically(&path, &new)?;
    let kinds: Vec<String> = chosen
        .iter()
        .map(|p| match p.kind {
            Kind::Exclude => format!("exclude {}", quote(&p.text)),
            Kind::Not => format!("not {}", quote(&p.text)),
            Kind::With => format!("{} with companions", quote(&p.text)),
            _ => quote(&p.text),
        })
        .collect();
    say(format!(
        "Wrote {} ({}). Measure it on plans these were not made from: `planmark rubric test {} --samples OTHER.toml`.",
        path.display(),
        kinds.join(", "),
        path.display()
    ));
    Ok(exit::OK)
}

fn quote(s: &str) -> String {
    format!("“{s}”")
}

fn print_suggestions(ctx: &Context, s: &planmark::authoring::suggest::Suggestions) {
    use planmark::authoring::suggest::Kind;
    let c = ctx.color_stdout;
    println!(
        "{} {}: {} samples, factor micro-precision {:.3}, recall {:.3}, F1 {:.3}",
        paint("Rubric", BOLD, c),
        s.rubric,
        s.samples,
        s.micro.precision(),
        s.micro.recall(),
        s.micro.f1()
    );
    for f in &s.factors {
        println!(
            "\n{} — {}: found {} of the teacher's {}, {} the teacher did not credit (F1 {:.2})",
            paint(&f.factor, BOLD, c),
            f.label,
            f.counts.tp,
            f.counts.tp + f.counts.fn_,
            f.counts.fp,
            f.counts.f1()
        );
        if !f.missed.is_empty() {
            println!("  missed (the teacher credited it, the grader did not):");
            for m in &f.missed {
                match &m.text {
                    Some(t) => println!("    {}: {}", m.sample, quote(t)),
                    None => println!(
                        "    {}: (no sentence shares a word with the factor: the plan says it in other words)",
                        m.sample
                    ),
                }
            }
        }
        if !f.false_credits.is_empty() {
            println!("  credited where the teacher did not:");
            for m in &f.false_credits {
                let words: Vec<String> = m.words.iter().map(|w| quote(w)).collect();
                println!(
                    "    {}: {} (matched {})",
                    m.sample,
                    quote(m.text.as_deref().unwrap_or_default()),
                    words.join(", ")
                );
            }
        }
    }
    println!();
    if s.proposals.is_empty() {
        println!("No proposals: no change tried improved a factor on these samples.");
        return;
    }
    println!(
        "{} (measured by grading every sample with the change; nothing is changed until you --apply N,M or --accept):",
        paint("Proposals", BOLD, c)
    );
    let mut t = render::new_table(c);
    t.set_header(vec![
        "#",
        "factor",
        "kind",
        "change",
        "right / plans",
        "precision",
        "recall",
        "factor F1",
    ]);
    for p in &s.proposals {
        let change = match (&p.kind, &p.from) {
            (Kind::Swap, Some(from)) => format!("{} → {}", quote(from), quote(&p.text)),
            (Kind::With, _) => {
                let with: Vec<String> = p.with.iter().map(|w| quote(w)).collect();
                format!("{} only with {}", quote(&p.text), with.join(" or "))
            }
            _ => format!("+ {}", quote(&p.text)),
        };
        let f1 = if p.tested {
            format!("{:.2} → {:.2}", p.before.f1(), p.after.f1())
        } else {
            "untested".to_string()
        };
        t.add_row(vec![
            p.number.to_string(),
            p.factor.clone(),
            p.kind.as_str().to_string(),
            change,
            format!("{} / {}", p.right, p.touched),
            format!("{:.2}", p.precision),
            format!("{:.2}", p.recall),
            f1,
        ]);
    }
    println!("{t}");
    println!(
        "precision: of the plans a change touches (a new wording matches, or an exclusion un-credits), the share the teacher agrees with; recall: the share of the teacher's credits a new wording finds, or of the false credits an exclusion removes."
    );
}

/// What `rubric suggest`'s automatic loop scores on plans it never saw.
struct SuggestCv {
    k: usize,
    micro: planmark::authoring::calibrate::Counts,
    marks: MarkAgreement,
}

fn cross_validate_suggest(
    rubric: &planmark::Rubric,
    samples: &[planmark::authoring::calibrate::Sample],
    k: usize,
    seed: u64,
) -> Result<SuggestCv> {
    use planmark::authoring::calibrate::{Counts, evaluate};
    let fold = planmark::authoring::fit_bands::folds(samples.len(), k, seed);
    let k = fold.iter().max().map_or(1, |m| m + 1);
    let mut micro = Counts::default();
    let mut pairs = vec![(0, 0); samples.len()];
    for f in 0..k {
        let (train, test): (Vec<_>, Vec<_>) = samples
            .iter()
            .cloned()
            .zip(&fold)
            .partition(|(_, g)| **g != f);
        let train: Vec<_> = train.into_iter().map(|(s, _)| s).collect();
        let test: Vec<_> = test.into_iter().map(|(s, _)| s).collect();
        let tuned = planmark::authoring::suggest::auto_accept(rubric, &train)?;
        let grader = planmark::Grader::new(tuned.clone())?;
        // Bands fitted on the same training plans, as --fit-bands would.
        let train_report = evaluate(&grader, &train);
        let max = tuned.max_mark();
        let obs: Vec<Observation> = train_report
            .graded
            .iter()
            .map(|g| Observation::new(g, max))
            .collect();
        let bands = planmark::authoring::fit_bands::fit(&tuned.bands, &obs, &Limits::of(&tuned));
        let test_report = evaluate(&grader, &test);
        micro.tp += test_report.micro.tp;
        micro.fp += test_report.micro.fp;
        micro.fn_ += test_report.micro.fn_;
        let mut held = test_report.graded.iter();
        for (i, _) in fold.iter().enumerate().filter(|(_, g)| **g == f) {
            if let Some(g) = held.next() {
                let o = Observation::new(g, max);
                pairs[i] = (
                    g.teacher_mark,
                    planmark::authoring::fit_bands::predict(&bands, &o).1,
                );
            }
        }
    }
    Ok(SuggestCv {
        k,
        micro,
        marks: MarkAgreement::of(&pairs, rubric.max_mark()),
    })
}

fn band_fit_json(fit: &BandFit, max: u32, tuned: MarkAgreement) -> serde_json::Value {
    let [before, _, cv] = fit.agreement(max);
    serde_json::json!({
        "bands": fit.bands,
        "toml": bands_toml(&fit.bands),
        "before": before,
        "tuned": tuned,
        "cross_validated": cv,
        "folds": fit.k,
    })
}

/// Refuses built-in rubrics: they are part of the program, and a teacher's
/// changes belong in their own copy.
pub(super) fn editable(entry: &planmark::library::Entry<planmark::Rubric>) -> Result<PathBuf> {
    match &entry.origin {
        planmark::library::Origin::File(p) => Ok(p.clone()),
        planmark::library::Origin::BuiltIn(_) => anyhow::bail!(
            "rubric `{}` is built in and is never edited: copy it into your library first (a `rubrics/` folder under `planmark where`'s library, or any folder given with --library), then run this on the copy's path",
            entry.item.id
        ),
    }
}

fn apply_bands(
    ctx: &Context,
    entry: &planmark::library::Entry<planmark::Rubric>,
    bands: &[planmark::model::Band],
    quiet: bool,
) -> Result<()> {
    let path = editable(entry)?;
    // A pooled scheme keeps each rubric's own descriptors.
    let mut bands = bands.to_vec();
    for (b, own) in bands.iter_mut().zip(&entry.item.bands) {
        if b.level == own.level {
            b.descriptor = own.descriptor.clone();
        }
    }
    let new = planmark::authoring::edit::set_bands(&path, &entry.text, &bands)?;
    if new == entry.text {
        if !quiet {
            println!(
                "{}: the bands already agree; nothing to change.",
                path.display()
            );
        }
        return Ok(());
    }
    let out = |line: String| {
        if quiet {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    out(format!(
        "{} {}",
        paint("Changing", BOLD, ctx.color_stdout),
        path.display()
    ));
    out(planmark::authoring::edit::diff(&entry.text, &new));
    planmark::authoring::edit::write_atomically(&path, &new)?;
    out(format!(
        "Wrote {}. Check it with `planmark rubric check {}`.",
        path.display(),
        path.display()
    ));
    Ok(())
}

fn print_band_fit(ctx: &Context, what: &str, plans: usize, fit: &BandFit, max: u32) {
    let c = ctx.color_stdout;
    println!(
        "{} for {what} ({plans} plans; {}-fold cross-validation)",
        paint("Band fit", BOLD, c),
        fit.k
    );
    let mut t = render::new_table(c);
    t.set_header(vec![
        "bands",
        "quadratic weighted kappa",
        "mean difference",
        "grader minus teacher",
        "exact",
    ]);
    let [before, tuned, cv] = fit.agreement(max);
    for (name, a) in [
        ("current", before),
        ("fitted, tuned (on all these plans)", tuned),
        ("fitted, cross-validated", cv),
    ] {
        t.add_row(vec![
            name.to_string(),
            format!("{:.3}", a.qwk),
            format!("{:.2}", a.mean_abs_error),
            format!("{:+.2}", a.mean_error),
            format!("{:.0}%", a.exact * 100.0),
        ]);
    }
    println!("{t}");
    println!(
        "Fitted bands (paste over the rubric's [[band]] tables, or rerun with --apply-bands):"
    );
    println!("{}", bands_toml(&fit.bands));
}

fn print_report(ctx: &Context, id: &str, path: &str, r: &Report, fit: &BandFit) {
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
        "Marks (tuned: the rubric as it stands): exact agreement {:.0}%, within one mark {:.0}%, mean difference {:.2} (grader {} on average), quadratic weighted kappa {:.3}",
        r.exact * 100.0,
        r.adjacent * 100.0,
        r.mean_abs_error,
        signed(r.mean_error),
        r.qwk
    );
    let [_, _, cv] = fit.agreement(r.max_mark);
    println!(
        "Marks (cross-validated: bands fitted on {} of {} folds, scored on the other): exact agreement {:.0}%, mean difference {:.2}, quadratic weighted kappa {:.3}",
        fit.k.saturating_sub(1),
        fit.k,
        cv.exact * 100.0,
        cv.mean_abs_error,
        cv.qwk
    );
    if let Some(j) = &r.judgement {
        println!(
            "Judgement: agrees with the teacher on {} of {} plans ({:.0}%): {} missed, {} found where the teacher saw none",
            j.agree,
            j.samples,
            j.accuracy * 100.0,
            j.missed,
            j.extra
        );
    }
    if !r.disagreements.is_empty() {
        println!(
            "\n{}",
            paint("Where the grader and the teacher disagree", BOLD, c)
        );
        for d in &r.disagreements {
            let level = |l: Option<u32>| l.map(|l| format!(" (level {l})")).unwrap_or_default();
            let judgement = match d.teacher_judgement {
                Some(t) if t != d.grader_judgement => format!(
                    "; judgement {} by the grader, {} by the teacher",
                    found(d.grader_judgement),
                    found(t)
                ),
                _ => String::new(),
            };
            println!(
                "  {}: grader {}{}, teacher {}{}{judgement}",
                d.sample,
                d.grader_mark,
                level(Some(d.grader_level)),
                d.teacher_mark,
                level(d.teacher_level),
            );
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

fn found(b: bool) -> &'static str {
    if b { "found" } else { "not found" }
}

/// "3.20 higher", "1.50 lower", "neither higher nor lower".
fn signed(x: f64) -> String {
    if x > 0.005 {
        format!("{x:.2} higher")
    } else if x < -0.005 {
        format!("{:.2} lower", -x)
    } else {
        "neither higher nor lower".to_string()
    }
}
