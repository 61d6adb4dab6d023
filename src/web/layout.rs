//! The page shell (header, navigation, main), shared pieces of markup, and
//! the embedded script and style sheet.

use super::App;
use crate::grade::GradeResult;
use axum::http::header;
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};

const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
}

pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
}

/// A whole page. `csrf` is given to pages with forms (and to the script,
/// through a meta tag).
pub fn page(title: &str, csrf: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(token) = csrf {
                    meta name="csrf" content=(token);
                }
                title { (title) " · planmark" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "planmark" }
                    nav aria-label="Main" {
                        a href="/practice" { "Practice" }
                        a href="/flashcards" { "Flashcards" }
                        a href="/sort" { "Sort" }
                        a href="/match" { "Match" }
                        a href="/learn" { "Learn" }
                        a href="/test" { "Test" }
                        a href="/history" { "History" }
                        a href="/stats" { "Stats" }
                        a href="/teacher" { "Teacher" }
                    }
                }
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(app: &App) -> Markup {
    html! { input type="hidden" name="csrf" value=(app.csrf); }
}

/// A date and time as `2026-11-30 14:05` (UTC).
pub fn date(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub fn minutes(ms: i64) -> String {
    format!("{}:{:02}", ms / 60_000, ms / 1000 % 60)
}

/// The plan with each matched stretch in a `<mark>` naming its factor
/// (evidence in a second colour), the judgement underlined.
pub fn highlighted_plan(plan: &str, r: &GradeResult) -> Markup {
    let mut spans: Vec<(usize, usize, &str, &str)> = r
        .factors
        .iter()
        .flat_map(|f| {
            f.matches
                .iter()
                .map(move |m| (m.start, m.end, f.id.as_str(), "factor"))
                .chain(
                    f.evidence_matches
                        .iter()
                        .map(move |m| (m.start, m.end, f.id.as_str(), "evidence")),
                )
        })
        .collect();
    spans.sort_unstable();
    let label = |id: &str| {
        r.factor(id)
            .map_or_else(|| id.to_string(), |f| f.label.clone())
    };
    // (plain text before, marked text, factor id, kind)
    let mut pieces: Vec<(&str, &str, &str, &str)> = Vec::new();
    let mut pos = 0;
    for (s, e, id, kind) in spans {
        if e <= pos || e > plan.len() || !plan.is_char_boundary(s) || !plan.is_char_boundary(e) {
            continue;
        }
        let s = s.max(pos);
        pieces.push((&plan[pos..s], &plan[s..e], id, kind));
        pos = e;
    }
    let rest = &plan[pos.min(plan.len())..];
    html! {
        @for (before, marked, id, kind) in pieces {
            (before)
            mark class=(kind) data-factor=(id) title=(label(id)) { (marked) }
        }
        (rest)
    }
}

/// `✓` or `✗` with words for screen readers.
pub fn tick(ok: bool) -> Markup {
    html! {
        @if ok {
            span.tick.ok aria-hidden="true" { "✓" } span.sr { "covered: " }
        } @else {
            span.tick.no aria-hidden="true" { "✗" } span.sr { "missing: " }
        }
    }
}

/// Plural `s`.
pub fn s(n: impl Into<u64>) -> &'static str {
    if n.into() == 1 { "" } else { "s" }
}
