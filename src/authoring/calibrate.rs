//! Calibration: grading labelled sample plans and measuring how well the
//! grader agrees with the teacher, per factor (precision, recall, F1) and per
//! mark (exact and adjacent agreement, quadratic weighted kappa). Pure.

use crate::grade::Grader;
use crate::grade::bands::Tally;
use crate::model::{FileDiagnostics, load};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A plan with the teacher's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub id: String,
    pub text: String,
    /// Factor ids the teacher credits.
    #[serde(default)]
    pub factors: Vec<String>,
    /// The teacher's mark.
    pub mark: u32,
    /// Whether the teacher found a judgement (examiner layout only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<bool>,
    /// The teacher's level (examiner layout only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// What kind of plan this is: strong, trap, paraphrase, … (examiner layout only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The teacher's reasons for close calls (examiner layout only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A plan in the examiner's layout: `[[plan]]` tables whose credited factor
/// ids are under `covered` (as in `../shared/devdata`), beside the
/// `[[sample]]` layout with `factors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExaminerPlan {
    id: String,
    text: String,
    #[serde(default)]
    covered: Vec<String>,
    mark: u32,
    #[serde(default)]
    judgement: Option<bool>,
    #[serde(default)]
    level: Option<u32>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

impl From<ExaminerPlan> for Sample {
    fn from(p: ExaminerPlan) -> Sample {
        Sample {
            id: p.id,
            text: p.text,
            factors: p.covered,
            mark: p.mark,
            judgement: p.judgement,
            level: p.level,
            kind: p.kind,
            notes: p.notes,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleFile {
    /// The rubric id these plans were marked against, when the file says.
    #[serde(default)]
    pub rubric: Option<String>,
    #[serde(default, rename = "sample")]
    pub samples: Vec<Sample>,
}

/// What a samples file may hold: either layout, not both.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnySampleFile {
    #[serde(default)]
    rubric: Option<String>,
    #[serde(default)]
    sample: Vec<Sample>,
    #[serde(default)]
    plan: Vec<ExaminerPlan>,
}

/// One JSON line: a sample in either layout.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AnySample {
    Sample(Sample),
    Plan(ExaminerPlan),
}

/// Reads samples from TOML (`[[sample]]` tables with `factors`, or the
/// examiner's `[[plan]]` tables with `covered`) or JSON lines (one object a
/// line, with either key).
pub fn parse_samples(path: &Path, text: &str) -> Result<SampleFile, FileDiagnostics> {
    let is_jsonl = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    if !is_jsonl {
        let any: AnySampleFile = load::parse(path, text, load::Format::Toml)?;
        let mut samples = any.sample;
        samples.extend(any.plan.into_iter().map(Sample::from));
        return Ok(SampleFile {
            rubric: any.rubric,
            samples,
        });
    }
    let mut samples = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let s: AnySample =
                load::parse(path, trimmed, load::Format::Json).map_err(|mut d| {
                    d.text = text.to_string();
                    for diag in &mut d.diagnostics {
                        diag.span = diag.span.clone().map(|s| s.start + offset..s.end + offset);
                    }
                    d
                })?;
            samples.push(match s {
                AnySample::Sample(s) => s,
                AnySample::Plan(p) => p.into(),
            });
        }
        offset += line.len();
    }
    Ok(SampleFile {
        rubric: None,
        samples,
    })
}

/// Precision and recall counts for one factor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Where the grader and the teacher disagree on one sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub sample: String,
    /// Factors the grader credited that the teacher did not, with the words matched.
    pub extra: Vec<(String, Vec<String>)>,
    /// Factors the teacher credited that the grader missed.
    pub missed: Vec<String>,
    pub teacher_mark: u32,
    pub grader_mark: u32,
    /// The teacher's level, when the samples give it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teacher_level: Option<u32>,
    pub grader_level: u32,
    /// Whether the teacher found a judgement, when the samples say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teacher_judgement: Option<bool>,
    /// Whether the grader found one.
    pub grader_judgement: bool,
}

/// One sample as graded: what the band rules saw, and both verdicts. Band
/// fitting and cross-validation work from these without grading again.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub id: String,
    pub tally: Tally,
    /// Words in the plan: an empty plan scores 0 whatever the bands say.
    pub words: usize,
    pub teacher_mark: u32,
    pub teacher_level: Option<u32>,
    pub teacher_judgement: Option<bool>,
    pub grader_mark: u32,
    pub grader_level: u32,
}

/// How often the grader finds a judgement where the teacher does (only
/// samples that say whether they have one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct JudgementAgreement {
    pub samples: usize,
    pub agree: usize,
    pub accuracy: f64,
    /// The teacher found a judgement, the grader did not.
    pub missed: usize,
    /// The grader found a judgement the teacher did not.
    pub extra: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub rubric: String,
    pub samples: usize,
    pub factors: BTreeMap<String, Counts>,
    pub micro: Counts,
    pub exact: f64,
    pub adjacent: f64,
    pub mean_abs_error: f64,
    /// Grader mark minus teacher mark, on average: above 0 the grader overshoots.
    pub mean_error: f64,
    pub qwk: f64,
    /// Judgement agreement, when the samples say whether each has one.
    pub judgement: Option<JudgementAgreement>,
    pub disagreements: Vec<Disagreement>,
    /// (teacher mark, grader mark) per sample.
    pub pairs: Vec<(u32, u32)>,
    pub max_mark: u32,
    #[serde(skip)]
    pub graded: Vec<Graded>,
}

/// Agreement between two lists of marks: exact, within one, mean absolute
/// and signed error (second minus first), quadratic weighted kappa.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MarkAgreement {
    pub exact: f64,
    pub adjacent: f64,
    pub mean_abs_error: f64,
    pub mean_error: f64,
    pub qwk: f64,
}

impl MarkAgreement {
    pub fn of(pairs: &[(u32, u32)], max: u32) -> MarkAgreement {
        let n = pairs.len().max(1) as f64;
        MarkAgreement {
            exact: pairs.iter().filter(|(a, b)| a == b).count() as f64 / n,
            adjacent: pairs.iter().filter(|(a, b)| a.abs_diff(*b) <= 1).count() as f64 / n,
            mean_abs_error: pairs
                .iter()
                .map(|(a, b)| a.abs_diff(*b) as f64)
                .sum::<f64>()
                / n,
            mean_error: pairs.iter().map(|&(a, b)| b as f64 - a as f64).sum::<f64>() / n,
            qwk: quadratic_weighted_kappa(pairs, max),
        }
    }
}

/// Several rubrics' samples taken together: micro-averaged factor counts, and
/// mark agreement when every rubric has the same maximum mark.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pooled {
    pub rubrics: usize,
    pub samples: usize,
    pub micro: Counts,
    pub exact: f64,
    pub qwk: Option<f64>,
    pub mean_abs_error: f64,
    pub mean_error: f64,
    pub judgement: Option<JudgementAgreement>,
}

pub fn pool(reports: &[Report]) -> Pooled {
    let micro = reports.iter().fold(Counts::default(), |a, r| Counts {
        tp: a.tp + r.micro.tp,
        fp: a.fp + r.micro.fp,
        fn_: a.fn_ + r.micro.fn_,
    });
    let pairs: Vec<(u32, u32)> = reports
        .iter()
        .flat_map(|r| r.pairs.iter().copied())
        .collect();
    let same_scale = reports.windows(2).all(|w| w[0].max_mark == w[1].max_mark);
    let marks = MarkAgreement::of(&pairs, reports.first().map_or(0, |r| r.max_mark));
    let mut judgement =
        reports
            .iter()
            .filter_map(|r| r.judgement)
            .fold(JudgementAgreement::default(), |a, j| JudgementAgreement {
                samples: a.samples + j.samples,
                agree: a.agree + j.agree,
                accuracy: 0.0,
                missed: a.missed + j.missed,
                extra: a.extra + j.extra,
            });
    if judgement.samples > 0 {
        judgement.accuracy = judgement.agree as f64 / judgement.samples as f64;
    }
    Pooled {
        rubrics: reports.len(),
        samples: pairs.len(),
        micro,
        exact: marks.exact,
        qwk: (same_scale && !reports.is_empty()).then_some(marks.qwk),
        mean_abs_error: marks.mean_abs_error,
        mean_error: marks.mean_error,
        judgement: (judgement.samples > 0).then_some(judgement),
    }
}

/// Grades every sample and compares with the teacher.
pub fn evaluate(grader: &Grader, samples: &[Sample]) -> Report {
    let rubric = grader.rubric();
    let mut factors: BTreeMap<String, Counts> = rubric
        .factors
        .iter()
        .map(|f| (f.id.clone(), Counts::default()))
        .collect();
    let mut disagreements = Vec::new();
    let mut pairs = Vec::with_capacity(samples.len());
    let mut graded = Vec::with_capacity(samples.len());
    let mut judgement = JudgementAgreement::default();
    for s in samples {
        let r = grader.grade(&s.id, &s.text);
        let expected: BTreeSet<&str> = s.factors.iter().map(String::as_str).collect();
        let mut extra = Vec::new();
        let mut missed = Vec::new();
        for f in &r.factors {
            let c = factors.entry(f.id.clone()).or_default();
            match (f.covered, expected.contains(f.id.as_str())) {
                (true, true) => c.tp += 1,
                (true, false) => {
                    c.fp += 1;
                    extra.push((
                        f.id.clone(),
                        f.matches.iter().map(|m| m.text.clone()).collect(),
                    ));
                }
                (false, true) => {
                    c.fn_ += 1;
                    missed.push(f.id.clone());
                }
                (false, false) => {}
            }
        }
        let found = r.judgement.found;
        if let Some(want) = s.judgement {
            judgement.samples += 1;
            match (want, found) {
                (a, b) if a == b => judgement.agree += 1,
                (true, false) => judgement.missed += 1,
                _ => judgement.extra += 1,
            }
        }
        let level_differs = s.level.is_some_and(|l| l != r.level);
        let judgement_differs = s.judgement.is_some_and(|j| j != found);
        if !extra.is_empty()
            || !missed.is_empty()
            || r.mark != s.mark
            || level_differs
            || judgement_differs
        {
            disagreements.push(Disagreement {
                sample: s.id.clone(),
                extra,
                missed,
                teacher_mark: s.mark,
                grader_mark: r.mark,
                teacher_level: s.level,
                grader_level: r.level,
                teacher_judgement: s.judgement,
                grader_judgement: found,
            });
        }
        pairs.push((s.mark, r.mark));
        graded.push(Graded {
            id: s.id.clone(),
            tally: tally_of(&r),
            words: r.words,
            teacher_mark: s.mark,
            teacher_level: s.level,
            teacher_judgement: s.judgement,
            grader_mark: r.mark,
            grader_level: r.level,
        });
    }
    let micro = factors.values().fold(Counts::default(), |a, c| Counts {
        tp: a.tp + c.tp,
        fp: a.fp + c.fp,
        fn_: a.fn_ + c.fn_,
    });
    let marks = MarkAgreement::of(&pairs, rubric.max_mark());
    if judgement.samples > 0 {
        judgement.accuracy = judgement.agree as f64 / judgement.samples as f64;
    }
    Report {
        rubric: rubric.id.clone(),
        samples: samples.len(),
        factors,
        micro,
        exact: marks.exact,
        adjacent: marks.adjacent,
        mean_abs_error: marks.mean_abs_error,
        mean_error: marks.mean_error,
        qwk: marks.qwk,
        judgement: (judgement.samples > 0).then_some(judgement),
        disagreements,
        pairs,
        max_mark: rubric.max_mark(),
        graded,
    }
}

/// What the band rules see of a graded plan.
pub fn tally_of(r: &crate::grade::GradeResult) -> Tally {
    Tally {
        factors: r.covered,
        coverage: r.coverage,
        for_: r.balance.for_,
        against: r.balance.against,
        judgement: r.judgement.found,
        evidenced: r.evidenced,
        narrative: r.narrative,
    }
}

/// Cohen's kappa with quadratic weights, for marks 0..=max (marks above
/// `max` count as `max`). 1 is perfect agreement, 0 is chance level.
/// Returns 1 when both raters give every sample the same single mark.
///
/// Computed from sums over the marks that occur, in O(n): with weights
/// (a − b)², the observed disagreement is Σ(aᵢ − bᵢ)² and the disagreement
/// expected by chance is Σᵢ Σⱼ (aᵢ − bⱼ)² / n = Σa² + Σb² − 2·Σa·Σb / n. The
/// usual (k − 1)² normalisation cancels, and marks nobody gave add nothing,
/// so no (max + 1)² matrix is needed (a max-mark of 100,000 once needed one
/// of 80 GB).
pub fn quadratic_weighted_kappa(pairs: &[(u32, u32)], max: u32) -> f64 {
    if pairs.is_empty() {
        return 1.0;
    }
    let n = pairs.len() as f64;
    let (mut observed, mut sum_a, mut sum_b, mut sq_a, mut sq_b) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(a, b) in pairs {
        let (a, b) = (a.min(max) as f64, b.min(max) as f64);
        observed += (a - b) * (a - b);
        sum_a += a;
        sum_b += b;
        sq_a += a * a;
        sq_b += b * b;
    }
    let expected = sq_a + sq_b - 2.0 * sum_a * sum_b / n;
    if expected <= 1e-9 * (sq_a + sq_b).max(1.0) {
        return if observed == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - observed / expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qwk_matches_a_hand_computed_example() {
        // Marks 0..=2, weights w_ij = (i-j)²/4. Pairs: (0,0) (1,1) (2,1) (2,2).
        // Observed weighted disagreement: one pair off by 1 → 1/4 = 0.25.
        // Marginals a = [1,1,2], b = [1,2,1], n = 4. Expected weighted sum
        // Σ w_ij a_i b_j / n = (¼·2 + 1·1 + ¼·1 + ¼·1 + 1·2 + ¼·4) / 4 = 5/4.
        // κ = 1 − 0.25 / 1.25 = 0.8.
        let k = quadratic_weighted_kappa(&[(0, 0), (1, 1), (2, 1), (2, 2)], 2);
        assert!((k - 0.8).abs() < 1e-12, "{k}");
    }

    /// The textbook definition, with the full (max + 1)² matrix.
    fn qwk_by_matrix(pairs: &[(u32, u32)], max: u32) -> f64 {
        let k = max as usize + 1;
        let mut observed = vec![vec![0f64; k]; k];
        let (mut ha, mut hb) = (vec![0f64; k], vec![0f64; k]);
        for &(a, b) in pairs {
            observed[a as usize][b as usize] += 1.0;
            ha[a as usize] += 1.0;
            hb[b as usize] += 1.0;
        }
        let n = pairs.len() as f64;
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..k {
            for j in 0..k {
                let w = (i as f64 - j as f64).powi(2);
                num += w * observed[i][j];
                den += w * ha[i] * hb[j] / n;
            }
        }
        1.0 - num / den
    }

    #[test]
    fn qwk_over_occurring_marks_equals_the_matrix_definition() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let max = rng.u32(1..40);
            let n = rng.usize(2..30);
            let pairs: Vec<(u32, u32)> = (0..n)
                .map(|_| (rng.u32(0..=max), rng.u32(0..=max)))
                .collect();
            if pairs.iter().all(|p| p.0 == pairs[0].0) && pairs.iter().all(|p| p.1 == pairs[0].1) {
                continue;
            }
            let (fast, slow) = (
                quadratic_weighted_kappa(&pairs, max),
                qwk_by_matrix(&pairs, max),
            );
            assert!((fast - slow).abs() < 1e-9, "{pairs:?}: {fast} vs {slow}");
        }
    }

    /// Issue 9 item 5: max-mark 100,000 used to build a 10¹⁰-cell matrix
    /// (and max-mark 20,000 used 3.1 GB).
    #[test]
    fn qwk_with_a_huge_max_mark_needs_no_matrix() {
        let pairs = [
            (0, 0),
            (100_000, 99_000),
            (50_000, 50_000),
            (25_000, 30_000),
        ];
        let k = quadratic_weighted_kappa(&pairs, 100_000);
        // Observed Σ(a−b)² = 1e6 + 25e6 = 26e6. Σa = 175e3, Σb = 179e3,
        // Σa² = 1e10 + 2.5e9 + 6.25e8 = 13.125e9, Σb² = 9.801e9 + 2.5e9 + 9e8
        // = 13.201e9; expected = 26.326e9 − 2·175e3·179e3/4 = 10.6635e9.
        let want = 1.0 - 26e6 / 10.6635e9;
        assert!((k - want).abs() < 1e-12, "{k} vs {want}");
        assert!(quadratic_weighted_kappa(&[(u32::MAX, 0), (0, u32::MAX)], u32::MAX) < 0.0);
    }

    #[test]
    fn perfect_and_reversed_agreement() {
        assert_eq!(quadratic_weighted_kappa(&[(0, 0), (3, 3), (5, 5)], 5), 1.0);
        assert!(quadratic_weighted_kappa(&[(0, 5), (5, 0)], 5) < 0.0);
    }

    #[test]
    fn both_sample_layouts_read_the_same() {
        let ours = "[[sample]]\nid = \"a\"\ntext = \"T arrogant\"\nfactors = [\"x\"]\nmark = 3\n";
        let examiner = "rubric = \"r\"\n[[plan]]\nid = \"a\"\nkind = \"short\"\ncovered = [\"x\"]\njudgement = false\nlevel = 1\nmark = 3\nnotes = \"n\"\ntext = \"T arrogant\"\n";
        let a = parse_samples(Path::new("a.toml"), ours).unwrap();
        let b = parse_samples(Path::new("b.toml"), examiner).unwrap();
        assert_eq!(b.rubric.as_deref(), Some("r"));
        assert_eq!(a.samples[0].factors, b.samples[0].factors);
        assert_eq!(b.samples[0].level, Some(1));
        assert_eq!(b.samples[0].kind.as_deref(), Some("short"));
        let jsonl = "{\"id\":\"a\",\"text\":\"t\",\"covered\":[\"x\"],\"mark\":2}\n{\"id\":\"b\",\"text\":\"t\",\"factors\":[\"y\"],\"mark\":1}\n";
        let c = parse_samples(Path::new("c.jsonl"), jsonl).unwrap();
        assert_eq!(c.samples[0].factors, ["x"]);
        assert_eq!(c.samples[1].factors, ["y"]);
    }

    #[test]
    fn f1_counts() {
        let c = Counts {
            tp: 8,
            fp: 1,
            fn_: 1,
        };
        assert!((c.f1() - 16.0 / 18.0).abs() < 1e-12);
    }
}
