//! Class results: running totals for the terminal summary, and the
//! self-contained HTML report (mark distribution, students × factors heatmap,
//! the factors the class missed most, and every plan with its matched words
//! highlighted and its feedback). Writes to any `Write`; never prints.

use crate::grade::GradeResult;
use crate::model::{Rubric, Side};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One student's line in the heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentRow {
    pub id: String,
    pub mark: u32,
    pub level: u32,
    pub covered: Vec<bool>,
}

/// Running totals over a class. With `keep_students` off it stays the same
/// size however many plans are added.
#[derive(Debug, Clone)]
pub struct ClassSummary {
    pub rubric: String,
    pub question: Option<String>,
    pub max_mark: u32,
    /// (id, label, side, hint) of each factor, in rubric order.
    pub factors: Vec<(String, String, Side, Option<String>)>,
    pub plans: u32,
    pub total_marks: u64,
    /// How many plans got each mark (index = mark).
    pub marks: Vec<u32>,
    pub levels: BTreeMap<u32, u32>,
    /// The levels the rubric's bands define, lowest first.
    pub band_levels: Vec<u32>,
    /// How many plans covered each factor.
    pub factor_hits: Vec<u32>,
    pub with_judgement: u32,
    pub students: Option<Vec<StudentRow>>,
}

impl ClassSummary {
    pub fn new(rubric: &Rubric, question: Option<String>, keep_students: bool) -> ClassSummary {
        ClassSummary {
            rubric: rubric.id.clone(),
            question,
            max_mark: rubric.max_mark(),
            factors: rubric
                .factors
                .iter()
                .map(|f| (f.id.clone(), f.label.clone(), f.side, f.hint.clone()))
                .collect(),
            plans: 0,
            total_marks: 0,
            // Validation bounds max-mark; the cap keeps an unchecked rubric
            // from asking for gigabytes here.
            marks: vec![
                0;
                rubric
                    .max_mark()
                    .min(crate::model::validate::MAX_MARK_LIMIT) as usize
                    + 1
            ],
            levels: BTreeMap::new(),
            band_levels: {
                let mut l: Vec<u32> = rubric.bands.iter().map(|b| b.level).collect();
                l.sort_unstable();
                l.dedup();
                l
            },
            factor_hits: vec![0; rubric.factors.len()],
            with_judgement: 0,
            students: keep_students.then(Vec::new),
        }
    }

    pub fn add(&mut self, r: &GradeResult) {
        self.plans += 1;
        self.total_marks += u64::from(r.mark);
        if let Some(slot) = self.marks.get_mut(r.mark as usize) {
            *slot += 1;
        }
        *self.levels.entry(r.level).or_default() += 1;
        for (hits, f) in self.factor_hits.iter_mut().zip(&r.factors) {
            *hits += u32::from(f.covered);
        }
        self.with_judgement += u32::from(r.judgement.found);
        if let Some(students) = &mut self.students {
            students.push(StudentRow {
                id: r.id.clone(),
                mark: r.mark,
                level: r.level,
                covered: r.factors.iter().map(|f| f.covered).collect(),
            });
        }
    }

    pub fn mean_mark(&self) -> f64 {
        if self.plans == 0 {
            0.0
        } else {
            self.total_marks as f64 / self.plans as f64
        }
    }

    /// Factor indices, most often missed first.
    pub fn most_missed(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.factors.len()).collect();
        idx.sort_by_key(|&i| (self.factor_hits[i], i));
        idx
    }

    /// Share of plans (0–1) that covered factor `i`.
    pub fn coverage_of(&self, i: usize) -> f64 {
        if self.plans == 0 {
            0.0
        } else {
            self.factor_hits[i] as f64 / self.plans as f64
        }
    }
}

/// The markbook's header: the plan's id, mark, level, coverage, judgement,
/// then one column per factor id (1 covered, 0 not).
pub fn markbook_header(factor_ids: &[String]) -> Vec<String> {
    let mut header: Vec<String> = ["id", "mark", "max_mark", "level", "coverage", "judgement"]
        .map(str::to_string)
        .to_vec();
    header.extend(factor_ids.iter().cloned());
    header
        .into_iter()
        .map(|h| spreadsheet_cell(&h).into_owned())
        .collect()
}

/// One plan's row of the markbook, matching [`markbook_header`].
pub fn markbook_row(r: &GradeResult) -> Vec<String> {
    let mut row = vec![
        spreadsheet_cell(&crate::display::clean(&r.id)).into_owned(),
        r.mark.to_string(),
        r.max_mark.to_string(),
        r.level.to_string(),
        format!("{:.3}", r.coverage),
        u8::from(r.judgement.found).to_string(),
    ];
    row.extend(r.factors.iter().map(|f| u8::from(f.covered).to_string()));
    row
}

/// A text cell made safe for a spreadsheet (OWASP "CSV injection"): a cell
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be
/// run as a formula by Excel, LibreOffice or Sheets, so it gets a leading
/// `'`, which spreadsheets show as text. Numbers planmark writes itself never
/// pass through here; ids, names and labels do.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A safe, unique HTML anchor for the `n`th plan (1-based): `plan-3-ann-lee`.
/// Ids may repeat and hold spaces or quotes; the number keeps anchors apart.
pub fn anchor(n: usize, id: &str) -> String {
    let slug = crate::interchange::slug(id);
    format!("plan-{n}-{slug}")
}

/// `plan[range]` escaped, with the matched spans that fall inside it wrapped
/// in `<mark>` (titled with their factor).
fn marked(
    plan: &str,
    range: std::ops::Range<usize>,
    spans: &[(usize, usize, &str, &str)],
) -> String {
    let mut body = String::new();
    let mut pos = range.start;
    for &(s, e, label, kind) in spans {
        let (s, e) = (s.max(pos), e.min(range.end));
        if e <= s || !plan.is_char_boundary(s) || !plan.is_char_boundary(e) {
            continue;
        }
        body.push_str(&escape(&plan[pos..s]));
        body.push_str(&format!(
            "<mark class=\"{kind}\" title=\"{}\">{}</mark>",
            escape(label),
            escape(&plan[s..e])
        ));
        pos = e;
    }
    if pos < range.end {
        body.push_str(&escape(&plan[pos..range.end]));
    }
    body
}

/// The plan with every matched span wrapped in `<mark>` (titled with its
/// factor) and the judgement sentence highlighted, and its feedback: one
/// `<section>` of the report. `n` numbers the plan (1-based) for its anchor.
pub fn plan_section(r: &GradeResult, plan: &str, n: usize) -> String {
    let mut spans: Vec<(usize, usize, &str, &str)> = r
        .factors
        .iter()
        .flat_map(|f| {
            f.matches
                .iter()
                .map(move |m| (m.start, m.end, f.label.as_str(), "factor"))
                .chain(
                    f.evidence_matches
                        .iter()
                        .map(move |m| (m.start, m.end, f.label.as_str(), "evidence")),
                )
        })
        .filter(|(s, e, _, _)| s < e && *e <= plan.len())
        .collect();
    spans.sort_unstable();
    let judgement = match (r.judgement.found, r.judgement.start, r.judgement.end) {
        (true, Some(s), Some(e))
            if s < e && e <= plan.len() && plan.is_char_boundary(s) && plan.is_char_boundary(e) =>
        {
            Some((s, e))
        }
        _ => None,
    };
    let body = match judgement {
        Some((s, e)) => format!(
            "{}<span class=\"judgement\" title=\"Judgement\">{}</span>{}",
            marked(plan, 0..s, &spans),
            marked(plan, s..e, &spans),
            marked(plan, e..plan.len(), &spans)
        ),
        None => marked(plan, 0..plan.len(), &spans),
    };
    let feedback: String = r
        .feedback
        .iter()
        .map(|l| format!("<li>{}</li>", escape(l)))
        .collect();
    format!(
        "<section class=\"plan\" id=\"{}\"><h3>{} <span class=\"score\">{}/{} · Level {}</span></h3>\
         <pre>{body}</pre><ul class=\"feedback\">{feedback}</ul></section>\n",
        anchor(n, &r.id),
        escape(&r.id),
        r.mark,
        r.max_mark,
        r.level
    )
}

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1d2433; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #e3e7ef; padding-bottom: .3rem; }
.question { color: #4a5568; font-style: italic; }
.stats { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.stat { background: #f4f6fb; border-radius: 8px; padding: .6rem 1rem; } .stat b { display: block; font-size: 1.4rem; }
.bars { display: flex; align-items: flex-end; gap: 6px; height: 160px; border-bottom: 1px solid #cbd2e0; padding-top: 1rem; }
.bar { flex: 1; background: #4c6ef5; border-radius: 4px 4px 0 0; position: relative; min-height: 2px; }
.bar span { position: absolute; top: -1.3rem; width: 100%; text-align: center; font-size: .8rem; }
.barlabels { display: flex; gap: 6px; } .barlabels div { flex: 1; text-align: center; font-size: .8rem; color: #4a5568; }
table.heatmap { border-collapse: collapse; font-size: .8rem; }
.heatmap th.f { writing-mode: vertical-rl; transform: rotate(180deg); height: 13rem; max-height: 13rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; text-align: left; padding: 4px 3px; font-weight: 500; }
.heatmap td, .heatmap th { border: 1px solid #fff; }
.heatmap td.name { padding: 2px 8px; white-space: nowrap; } .heatmap td.mark { padding: 2px 6px; text-align: right; }
td.cell { width: 22px; height: 20px; } td.cell.hit { background: #2f9e44; } td.cell.miss { background: #f1f3f5; }
th.for { color: #1c7ed6; } th.against { color: #c2255c; }
.missed li { margin: .3rem 0; } .pct { display: inline-block; min-width: 3.2rem; font-weight: 600; }
section.plan { border: 1px solid #e3e7ef; border-radius: 8px; padding: .4rem 1rem; margin: 1rem 0; }
section.plan h3 { margin: .5rem 0; } .score { color: #4a5568; font-weight: 500; margin-left: .5rem; }
pre { white-space: pre-wrap; font: inherit; background: #fbfcfe; padding: .5rem; border-radius: 6px; }
mark.factor { background: #d3f9d8; border-bottom: 2px solid #2f9e44; padding: 0 1px; }
mark.evidence { background: #fff3bf; border-bottom: 2px solid #f08c00; padding: 0 1px; }
span.judgement { background: #e7f5ff; outline: 2px solid #74c0fc; border-radius: 3px; }
.feedback { color: #343a40; font-size: .9rem; }
"#;

/// Writes the whole report: the summary parts from `summary` (which must have
/// kept its students) and the plan sections already rendered by
/// [`plan_section`], copied from `sections`.
pub fn write_html(
    summary: &ClassSummary,
    mut sections: impl io::Read,
    out: &mut impl Write,
) -> io::Result<()> {
    let title = format!("Class report: {}", summary.rubric);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&title)
    )?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    if let Some(q) = &summary.question {
        writeln!(out, "<p class=\"question\">{}</p>", escape(q))?;
    }
    let judged = if summary.plans == 0 {
        0.0
    } else {
        summary.with_judgement as f64 / summary.plans as f64
    };
    writeln!(
        out,
        "<div class=\"stats\"><div class=\"stat\"><b>{}</b>plans</div><div class=\"stat\"><b>{:.1} / {}</b>mean mark</div>\
         <div class=\"stat\"><b>{:.0}%</b>gave a judgement</div></div>",
        summary.plans,
        summary.mean_mark(),
        summary.max_mark,
        judged * 100.0
    )?;

    // Mark distribution by level: every level the rubric defines, empty or
    // not, plus any other level a plan reached (0 when no band applied).
    writeln!(out, "<h2>Mark distribution</h2>")?;
    let mut shown: Vec<u32> = summary
        .band_levels
        .iter()
        .chain(summary.levels.keys())
        .copied()
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let most = summary.levels.values().max().copied().unwrap_or(1).max(1);
    write!(out, "<div class=\"bars\" id=\"distribution\">")?;
    for &level in &shown {
        let n = summary.levels.get(&level).copied().unwrap_or(0);
        write!(
            out,
            "<div class=\"bar\" style=\"height:{:.0}%\" title=\"Level {level}: {n} plans\"><span>{n}</span></div>",
            n as f64 / most as f64 * 100.0
        )?;
    }
    write!(out, "</div><div class=\"barlabels\">")?;
    for level in &shown {
        write!(out, "<div>Level {level}</div>")?;
    }
    writeln!(out, "</div>")?;

    // Heatmap.
    writeln!(
        out,
        "<h2>Students × factors</h2><table class=\"heatmap\" id=\"heatmap\"><thead><tr><th>Student</th><th>Mark</th>"
    )?;
    for (id, label, side, _) in &summary.factors {
        write!(
            out,
            "<th class=\"f {}\" title=\"{}\">{}</th>",
            side.as_str(),
            escape(id),
            escape(label)
        )?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for (i, s) in summary.students.iter().flatten().enumerate() {
        write!(
            out,
            "<tr><td class=\"name\"><a href=\"#{}\">{}</a></td><td class=\"mark\">{}</td>",
            anchor(i + 1, &s.id),
            escape(&s.id),
            s.mark
        )?;
        for (covered, (_, label, _, _)) in s.covered.iter().zip(&summary.factors) {
            write!(
                out,
                "<td class=\"cell {}\" title=\"{}: {}\"></td>",
                if *covered { "hit" } else { "miss" },
                escape(label),
                if *covered { "covered" } else { "missing" }
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table>")?;

    // Most missed.
    writeln!(
        out,
        "<h2>What the class missed most</h2><ol class=\"missed\">"
    )?;
    for i in summary.most_missed().into_iter().take(8) {
        let (_, label, side, hint) = &summary.factors[i];
        let missed = 1.0 - summary.coverage_of(i);
        writeln!(
            out,
            "<li><span class=\"pct\">{:.0}%</span> missed <b>{}</b> ({}){}</li>",
            missed * 100.0,
            escape(label),
            side.as_str(),
            hint.as_deref()
                .map(|h| format!(" — {}", escape(h)))
                .unwrap_or_default()
        )?;
    }
    writeln!(out, "</ol><h2>Plans</h2>")?;
    io::copy(&mut sections, out)?;
    writeln!(out, "</body></html>")
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_cell;

    #[test]
    fn formula_cells_are_defused() {
        for bad in [
            "=HYPERLINK(\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(spreadsheet_cell(bad), format!("'{bad}"));
        }
        assert_eq!(spreadsheet_cell("Ann Lee"), "Ann Lee");
        assert_eq!(spreadsheet_cell(""), "");
    }
}
