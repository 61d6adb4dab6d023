//! The teacher page: mark a class (an uploaded CSV export or pasted plans)
//! with a rubric from the library or an uploaded one, as the markbook CSV or
//! the HTML class report of `grade --report`; and `rubric check` / `rubric
//! test` on a rubric, with the diagnostics. Uploads are read in memory
//! (20 MiB at most) and never written anywhere; a file's name is used only
//! to tell TOML from JSON.

use super::error::WebError;
use super::layout;
use super::{App, UPLOAD_LIMIT};
use crate::authoring::calibrate::{evaluate, parse_samples};
use crate::authoring::check::{CheckContext, check_rubric};
use crate::grade::Grader;
use crate::interchange::classlist;
use crate::model::{FileDiagnostics, Rubric, Severity, parse_rubric};
use crate::report;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::path::{Path, PathBuf};

/// A plan in a paste or CSV cell is at most this long, as anywhere else.
const PLAN_LIMIT: u64 = crate::input::INPUT_LIMIT;

pub fn page_view(app: &App, note: Option<Markup>) -> Markup {
    let rubrics: Vec<(&str, &str)> = app
        .lib
        .rubrics
        .iter()
        .map(|r| {
            (
                r.item.id.as_str(),
                r.item.title.as_deref().unwrap_or(r.item.id.as_str()),
            )
        })
        .collect();
    let select = |name: &str| {
        html! {
            select id=(name) name="rubric" {
                @for (id, title) in &rubrics { option value=(id) { (title) " (" (id) ")" } }
            }
        }
    };
    layout::page(
        "Teacher",
        Some(&app.csrf),
        html! {
            h1 { "Teacher" }
            @if let Some(n) = note { (n) }
            section {
                h2 { "Mark a class" }
                p.help { "Upload a CSV export of a form or spreadsheet (a column named plan, text, answer or response; "
                    "students from id, student, name or email), or paste the cells with their header row. "
                    "Nothing is saved: you get the markbook or the class report back." }
                form method="post" enctype="multipart/form-data" action={"/teacher/grade?csrf=" (app.csrf)} {
                    label for="class-rubric" { "Rubric" }
                    (select("class-rubric"))
                    label for="rubric-upload" { "…or your own rubric file (.toml or .json)" }
                    input #rubric-upload type="file" name="rubric_file" accept=".toml,.json";
                    label for="csv" { "Class CSV" }
                    input #csv type="file" name="csv" accept=".csv,.tsv,.txt,text/csv";
                    label for="pasted" { "…or paste the plans (cells with a header row, or plans separated by blank lines)" }
                    textarea #pasted name="pasted" rows="6" {}
                    label for="text-column" { "Plan column (if not found by name)" }
                    input #text-column type="text" name="text_column";
                    label for="id-column" { "Student column (if not found by name)" }
                    input #id-column type="text" name="id_column";
                    div.buttons {
                        button type="submit" name="output" value="report" { "Class report" }
                        button.secondary type="submit" name="output" value="markbook" { "Download the markbook (CSV)" }
                    }
                }
            }
            section {
                h2 { "Check a rubric" }
                p.help { "Runs " code { "rubric check" } " (errors and likely mis-grades, with the line) and, when marked sample plans "
                    "are given or the library has them, " code { "rubric test" } " (agreement with the teacher's marks)." }
                form method="post" enctype="multipart/form-data" action={"/teacher/rubric?csrf=" (app.csrf)} {
                    label for="check-rubric" { "Rubric" }
                    (select("check-rubric"))
                    label for="check-upload" { "…or a rubric file to check (.toml or .json)" }
                    input #check-upload type="file" name="rubric_file" accept=".toml,.json";
                    label for="samples" { "Marked samples (optional: .samples.toml or .jsonl)" }
                    input #samples type="file" name="samples" accept=".toml,.jsonl,.json";
                    div.buttons { button type="submit" { "Check the rubric" } }
                }
            }
        },
    )
}

pub async fn page(State(app): State<App>) -> Markup {
    page_view(&app, None)
}

/// The fields of a teacher form, read from the upload.
#[derive(Default)]
struct Upload {
    rubric: String,
    rubric_file: Option<(String, String)>,
    csv: Option<Vec<u8>>,
    samples: Option<(String, String)>,
    pasted: String,
    text_column: String,
    id_column: String,
    output: String,
}

/// The name an uploaded file goes by: its base name, with a `.toml` or
/// `.json` ending kept so the format can be told; never a path.
fn safe_name(file_name: Option<&str>, default: &str) -> String {
    let base = file_name
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect::<String>();
    if base.is_empty() || base.starts_with('.') {
        default.to_string()
    } else {
        base
    }
}

fn text_of(bytes: Vec<u8>, what: &str) -> Result<String, WebError> {
    String::from_utf8(bytes).map_err(|_| {
        WebError::BadRequest(format!(
            "The {what} is not UTF-8 text: save it as UTF-8 and upload it again."
        ))
    })
}

async fn read_upload(mut form: Multipart) -> Result<Upload, WebError> {
    let mut u = Upload::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::BadRequest(format!(
                "The upload is over {} MiB.",
                UPLOAD_LIMIT / (1024 * 1024)
            ))
        } else {
            WebError::BadRequest(format!("The upload could not be read: {}", e.body_text()))
        }
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(bad)?.to_vec();
        match name.as_str() {
            "rubric" => u.rubric = text_of(bytes, "rubric name")?,
            "rubric_file" if !bytes.is_empty() => {
                u.rubric_file = Some((
                    safe_name(file_name.as_deref(), "rubric.toml"),
                    text_of(bytes, "rubric file")?,
                ))
            }
            "csv" if !bytes.is_empty() => u.csv = Some(bytes),
            "samples" if !bytes.is_empty() => {
                u.samples = Some((
                    safe_name(file_name.as_deref(), "samples.toml"),
                    text_of(bytes, "samples file")?,
                ))
            }
            "pasted" => u.pasted = text_of(bytes, "pasted text")?,
            "text_column" => u.text_column = text_of(bytes, "column name")?,
            "id_column" => u.id_column = text_of(bytes, "column name")?,
            "output" => u.output = text_of(bytes, "choice")?,
            _ => {}
        }
    }
    Ok(u)
}

/// The rubric to use: the uploaded file, else the library's by id. Returns
/// the rubric's display path and text too.
fn chosen_rubric(
    app: &App,
    u: &Upload,
) -> Result<(PathBuf, String, Result<Rubric, FileDiagnostics>), WebError> {
    if let Some((name, text)) = &u.rubric_file {
        let path = PathBuf::from(name);
        let parsed = parse_rubric(&path, text);
        return Ok((path, text.clone(), parsed));
    }
    let entry = app.lib.rubric_by_id(u.rubric.trim()).ok_or_else(|| {
        WebError::NotFound(format!(
            "There is no rubric `{}` in the library.",
            u.rubric.trim()
        ))
    })?;
    Ok((
        entry.origin.path().to_path_buf(),
        entry.text.clone(),
        Ok(entry.item.clone()),
    ))
}

fn diagnostics_view(d: &FileDiagnostics) -> Markup {
    let line_col = |at: usize| {
        let at = at.min(d.text.len());
        let before = &d.text[..d.text.floor_char_boundary_compat(at)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    };
    html! {
        ul.diagnostics #diagnostics {
            @for diag in &d.diagnostics {
                li.error[diag.severity == Severity::Error] {
                    strong { (if diag.severity == Severity::Error { "error" } else { "warning" }) ": " } (diag.message)
                    @if let Some(span) = &diag.span {
                        @let (line, col) = line_col(span.start);
                        " — " code { (d.path.display()) ":" (line) ":" (col) }
                        @if let Some(text) = d.text.lines().nth(line - 1) { pre { (text) } }
                        @if let Some(label) = &diag.label { p.help { "^ " (label) } }
                    }
                    @if let Some(h) = &diag.help { p.help { "help: " (h) } }
                }
            }
        }
    }
}

/// A byte index moved back to a character boundary.
trait FloorBoundary {
    fn floor_char_boundary_compat(&self, at: usize) -> usize;
}

impl FloorBoundary for String {
    fn floor_char_boundary_compat(&self, mut at: usize) -> usize {
        while at > 0 && !self.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
}

/// Plans pasted as cells with a header row, or as blocks between blank lines.
fn pasted_plans(text: &str, u: &Upload) -> Result<Vec<classlist::Row>, WebError> {
    let header = text.lines().next().unwrap_or("").to_ascii_lowercase();
    let has_header = !u.text_column.trim().is_empty()
        || classlist::TEXT_COLUMN_GUESSES
            .iter()
            .any(|g| header.split([',', ';', '\t']).any(|h| h.trim() == *g));
    if has_header {
        return csv_plans(text.as_bytes().to_vec(), u);
    }
    Ok(text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .enumerate()
        .map(|(i, b)| Ok((format!("plan {}", i + 1), b.to_string())))
        .collect())
}

fn csv_plans(bytes: Vec<u8>, u: &Upload) -> Result<Vec<classlist::Row>, WebError> {
    let given = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let (text_column, id_column) = (given(&u.text_column), given(&u.id_column));
    let rows = classlist::read_csv(
        std::io::Cursor::new(bytes),
        text_column.as_deref(),
        id_column.as_deref(),
        PLAN_LIMIT,
    )
    .map_err(|m| WebError::BadRequest(format!("The class CSV cannot be read: {m}")))?;
    Ok(rows.collect())
}

pub async fn grade(State(app): State<App>, form: Multipart) -> Result<Response, WebError> {
    let u = read_upload(form).await?;
    let (path, _, parsed) = chosen_rubric(&app, &u)?;
    let rubric = match parsed {
        Ok(r) => r,
        Err(d) => {
            let note = html! { div.error { p { "The rubric " code { (path.display()) } " has errors, so nothing was marked:" } (diagnostics_view(&d)) } };
            return Ok((
                axum::http::StatusCode::BAD_REQUEST,
                page_view(&app, Some(note)),
            )
                .into_response());
        }
    };
    let rows = match (&u.csv, u.pasted.trim().is_empty()) {
        (Some(bytes), _) => csv_plans(bytes.clone(), &u)?,
        (None, false) => pasted_plans(&u.pasted, &u)?,
        (None, true) => {
            return Err(WebError::BadRequest(
                "Upload a class CSV or paste the plans first.".into(),
            ));
        }
    };
    let problems: Vec<(String, String)> = rows
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if !problems.is_empty() {
        let note = html! { div.error { p { "Some rows could not be read; fix them and upload again:" }
        ul { @for (id, m) in &problems { li { strong { (id) } ": " (m) } } } } };
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            page_view(&app, Some(note)),
        )
            .into_response());
    }
    let plans: Vec<(String, String)> = rows.into_iter().filter_map(Result::ok).collect();
    let question = rubric.question.clone().or_else(|| {
        let card = rubric.card.as_deref()?;
        app.lib.card(card).ok().map(|(_, c)| c.question.clone())
    });
    let markbook = u.output == "markbook";
    let out = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let grader = Grader::new(rubric).map_err(|e| e.to_string())?;
        let results = crate::grade::batch::grade_all(&grader, &plans, 2);
        if markbook {
            let ids: Vec<String> = grader
                .rubric()
                .factors
                .iter()
                .map(|f| f.id.clone())
                .collect();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(report::markbook_header(&ids))
                .map_err(|e| e.to_string())?;
            for r in &results {
                w.write_record(report::markbook_row(r))
                    .map_err(|e| e.to_string())?;
            }
            return w.into_inner().map_err(|e| e.to_string());
        }
        let mut summary = report::ClassSummary::new(grader.rubric(), question, true);
        let mut sections = String::new();
        for (n, (r, (_, text))) in results.iter().zip(&plans).enumerate() {
            summary.add(r);
            sections.push_str(&report::plan_section(r, text, n + 1));
        }
        let mut html = Vec::new();
        report::write_html(&summary, sections.as_bytes(), &mut html).map_err(|e| e.to_string())?;
        Ok(html)
    })
    .await
    .map_err(|_| WebError::Internal("marking stopped unexpectedly".into()))?
    .map_err(WebError::BadRequest)?;
    let id: String = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("rubric")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut resp = out.into_response();
    let h = resp.headers_mut();
    if markbook {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"markbook-{id}.csv\""))
        {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    } else {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // The report is the same self-contained file `grade --report` writes,
        // with its own inline style sheet; it has no script at all.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        );
    }
    Ok(resp)
}

pub async fn rubric(State(app): State<App>, form: Multipart) -> Result<Markup, WebError> {
    let u = read_upload(form).await?;
    let (path, text, parsed) = chosen_rubric(&app, &u)?;
    let card = parsed.as_ref().ok().and_then(|r| r.card.clone());
    let found = card
        .as_deref()
        .map(|c| app.lib.card(c).ok().map(|(_, card)| card));
    let ctx = CheckContext {
        card: found.flatten(),
        card_missing: matches!(found, Some(None)),
    };
    let report = check_rubric(&path, &text, &ctx);
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report.diagnostics.len() - errors;
    // Samples: the upload, else the library's own for a library rubric.
    let samples = match &u.samples {
        Some((name, text)) => Some((PathBuf::from(name), text.clone())),
        None if u.rubric_file.is_none() => app
            .lib
            .rubric_by_id(u.rubric.trim())
            .and_then(|e| app.lib.samples_for(e)),
        None => None,
    };
    let calibration = match (parsed, samples) {
        (Ok(rubric), Some((spath, stext))) => {
            Some(match parse_samples(Path::new(&spath), &stext) {
                Ok(file) => {
                    let grader =
                        Grader::new(rubric).map_err(|e| WebError::BadRequest(e.to_string()))?;
                    Ok(evaluate(&grader, &file.samples))
                }
                Err(d) => Err(d),
            })
        }
        _ => None,
    };
    Ok(layout::page(
        "Rubric check",
        Some(&app.csrf),
        html! {
            h1 { "Rubric check: " (path.display()) }
            p #check-summary role="status" { (errors) " error" (if errors == 1 { "" } else { "s" }) ", " (warnings) " warning" (if warnings == 1 { "" } else { "s" }) }
            @if report.diagnostics.is_empty() { p.right { "✓ No problems found." } } @else { (diagnostics_view(&report)) }
            h2 { "Rubric test" }
            @match &calibration {
                None => p.help { "No marked samples: upload a samples file to see how the rubric agrees with a teacher's marks." },
                Some(Err(d)) => div.error { p { "The samples file has errors:" } (diagnostics_view(d)) },
                Some(Ok(r)) => {
                    p #calibration {
                        (r.samples) " samples · factor F1 " (format!("{:.2}", r.micro.f1()))
                        " · exact mark " (format!("{:.0}%", r.exact * 100.0))
                        " · within one " (format!("{:.0}%", r.adjacent * 100.0))
                        " · QWK " (format!("{:.3}", r.qwk))
                        " · mean error " (format!("{:+.2}", r.mean_error))
                    }
                    @if !r.disagreements.is_empty() {
                        div.table-wrap { table {
                            thead { tr { th scope="col" { "Sample" } th scope="col" { "Teacher" } th scope="col" { "Grader" } th scope="col" { "Credited, not by the teacher" } th scope="col" { "Missed" } } }
                            tbody { @for d in r.disagreements.iter().take(30) {
                                tr { td { (d.sample) } td { (d.teacher_mark) } td { (d.grader_mark) }
                                    td { @for (f, words) in &d.extra { (f) " (" (words.join(", ")) ") " } }
                                    td { (d.missed.join(", ")) } }
                            } }
                        } }
                    }
                }
            }
            p { a href="/teacher" { "Back to the teacher page" } }
        },
    ))
}
