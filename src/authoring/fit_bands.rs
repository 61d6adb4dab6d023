//! Band calibration: the band thresholds (`min-factors`, `min-coverage`,
//! `min-per-side`, `min-evidence`, `judgement`) that best agree with a
//! teacher's marks, and a k-fold cross-validated estimate of how such a fit
//! scores on plans it was not fitted on. Pure: it works from the tallies the
//! grader already produced ([`Graded`]), so fitting never re-grades a plan.
//!
//! The search is coordinate descent on the squared mark error (what quadratic
//! weighted kappa weighs): one condition of one band at a time is set to the
//! value that lowers the error most, until nothing improves. Levels and mark
//! ranges stay as the teacher wrote them. Every scheme tried is one
//! `rubric check` accepts: conditions never ask more of a lower band than of
//! the band above, no band is made unreachable, and no threshold exceeds what
//! the rubric can give. The examiner's caps that the starting bands encode are
//! kept: a band that requires a judgement keeps requiring one (no judgement
//! caps a plan below it), and a band that asks for both sides keeps asking
//! for at least one factor per side (a one-sided plan is capped below it).

use super::calibrate::{Graded, MarkAgreement};
use crate::grade::bands::{Tally, mark_in_band, select};
use crate::model::{Band, Rubric, Side};

/// One labelled plan as the band rules see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub tally: Tally,
    /// An empty plan scores 0 whatever the bands say.
    pub empty: bool,
    pub teacher_mark: u32,
    pub max_mark: u32,
}

impl Observation {
    pub fn new(g: &Graded, max_mark: u32) -> Observation {
        Observation {
            tally: g.tally,
            empty: g.words == 0,
            teacher_mark: g.teacher_mark,
            max_mark,
        }
    }
}

/// The most a threshold may ask for, so the fitted bands stay reachable
/// (`rubric check` refuses a band asking for more factors than exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub factors: u32,
    pub per_side: u32,
    pub evidence: u32,
}

impl Limits {
    pub fn of(rubric: &Rubric) -> Limits {
        let side = |s: Side| rubric.factors.iter().filter(|f| f.side == s).count() as u32;
        Limits {
            factors: rubric.factors.len() as u32,
            per_side: side(Side::For).min(side(Side::Against)),
            evidence: rubric
                .factors
                .iter()
                .filter(|f| !f.evidence.is_empty())
                .count() as u32,
        }
    }

    /// The limits every one of several rubrics allows (for a pooled fit).
    pub fn meet(self, other: Limits) -> Limits {
        Limits {
            factors: self.factors.min(other.factors),
            per_side: self.per_side.min(other.per_side),
            evidence: self.evidence.min(other.evidence),
        }
    }
}

/// (level, mark) the grader gives a plan with this tally under `bands`: the
/// same rule as `Grader::grade` (first band whose conditions hold; the mark
/// within it by coverage; a rubric without bands marks by coverage alone).
pub fn predict(bands: &[Band], o: &Observation) -> (u32, u32) {
    if o.empty {
        return (0, 0);
    }
    let (level, mark) = match select(bands, &o.tally) {
        Some(i) => (bands[i].level, mark_in_band(bands, i, o.tally.coverage)),
        None if bands.is_empty() => (0, (o.tally.coverage * o.max_mark as f64).round() as u32),
        None => (0, 0),
    };
    (level, mark.min(o.max_mark))
}

/// Squared mark error of `bands` over `obs`.
fn loss(bands: &[Band], obs: &[Observation]) -> f64 {
    obs.iter()
        .map(|o| {
            let d = predict(bands, o).1 as f64 - o.teacher_mark as f64;
            d * d
        })
        .sum()
}

/// One fittable condition of a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Factors,
    Coverage,
    PerSide,
    Evidence,
    Judgement,
}

const CONDITIONS: [Condition; 5] = [
    Condition::Factors,
    Condition::Coverage,
    Condition::PerSide,
    Condition::Evidence,
    Condition::Judgement,
];

/// A condition's value: `None` is "not asked"; coverage in hundredths.
type Value = Option<u32>;

fn get(b: &Band, c: Condition) -> Value {
    match c {
        Condition::Factors => b.min_factors,
        Condition::Coverage => b.min_coverage.map(|x| (x * 100.0).round() as u32),
        Condition::PerSide => b.min_per_side,
        Condition::Evidence => b.min_evidence,
        Condition::Judgement => (b.judgement == Some(true)).then_some(1),
    }
}

fn set(b: &mut Band, c: Condition, v: Value) {
    match c {
        Condition::Factors => b.min_factors = v,
        Condition::Coverage => b.min_coverage = v.map(|x| x as f64 / 100.0),
        Condition::PerSide => b.min_per_side = v,
        Condition::Evidence => b.min_evidence = v,
        Condition::Judgement => b.judgement = v.map(|_| true),
    }
}

fn candidates(c: Condition, limits: &Limits) -> Vec<Value> {
    let upto = |n: u32| {
        std::iter::once(None)
            .chain((1..=n).map(Some))
            .collect::<Vec<_>>()
    };
    match c {
        Condition::Factors => upto(limits.factors),
        Condition::Coverage => std::iter::once(None)
            .chain((1..=19).map(|i| Some(i * 5)))
            .collect(),
        Condition::PerSide => upto(limits.per_side),
        Condition::Evidence => upto(limits.evidence),
        Condition::Judgement => vec![None, Some(1)],
    }
}

/// Whether meeting `lower`'s conditions always meets `upper`'s (then
/// `lower` can never apply: `rubric check` calls that an error).
fn implied(lower: &Band, upper: &Band) -> bool {
    CONDITIONS
        .iter()
        .all(|&c| get(upper, c).unwrap_or(0) <= get(lower, c).unwrap_or(0))
}

/// The scheme is one `rubric check` accepts and the caps are kept.
fn acceptable(bands: &[Band], start: &[Band], limits: &Limits) -> bool {
    for (i, b) in bands.iter().enumerate() {
        if b.min_factors.is_some_and(|n| n > limits.factors)
            || b.min_per_side.is_some_and(|n| n > limits.per_side)
            || b.min_evidence.is_some_and(|n| n > limits.evidence)
        {
            return false;
        }
        let s = &start[i];
        if s.judgement == Some(true) && b.judgement != Some(true) {
            return false;
        }
        if s.min_per_side.unwrap_or(0) >= 1 && b.min_per_side.unwrap_or(0) == 0 {
            return false;
        }
        // Coverage thresholds fall going down (`rubric check` warns otherwise).
        if let (Some(upper), Some(c)) = (i.checked_sub(1).map(|j| &bands[j]), b.min_coverage)
            && upper.min_coverage.is_some_and(|u| c > u)
        {
            return false;
        }
        // Bands are tried top to bottom: one that asks no more than a band
        // above it can never apply (a floor with no conditions is fine below
        // bands that have some).
        if bands[..i].iter().any(|upper| implied(b, upper)) {
            return false;
        }
    }
    true
}

/// Fits the thresholds of `start` to the teacher's marks in `obs`.
pub fn fit(start: &[Band], obs: &[Observation], limits: &Limits) -> Vec<Band> {
    let mut bands = start.to_vec();
    if obs.is_empty() || bands.is_empty() {
        return bands;
    }
    let mut best = loss(&bands, obs);
    // Each pass lowers the loss or stops; the cap only bounds the time.
    for _ in 0..50 {
        let mut improved = false;
        for i in 0..bands.len() {
            for c in CONDITIONS {
                let current = get(&bands[i], c);
                let mut choice = (best, current);
                for v in candidates(c, limits) {
                    if v == current {
                        continue;
                    }
                    set(&mut bands[i], c, v);
                    if acceptable(&bands, start, limits) {
                        let l = loss(&bands, obs);
                        if l + 1e-9 < choice.0 {
                            choice = (l, v);
                        }
                    }
                }
                set(&mut bands[i], c, choice.1);
                if choice.1 != current {
                    best = choice.0;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    bands
}

/// The fold (0..k) of each of `n` items: a seeded shuffle dealt round, so
/// the same seed always gives the same folds.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let k = k.clamp(1, n.max(1));
    let mut order: Vec<usize> = (0..n).collect();
    fastrand::Rng::with_seed(seed).shuffle(&mut order);
    let mut fold = vec![0; n];
    for (pos, &i) in order.iter().enumerate() {
        fold[i] = pos % k;
    }
    fold
}

/// What band fitting achieves: the fitted bands, and the marks they give
/// each plan when fitted on all plans (tuned) and when fitted without the
/// plan's own fold (cross-validated).
#[derive(Debug, Clone, PartialEq)]
pub struct BandFit {
    pub bands: Vec<Band>,
    /// (teacher, fitted-on-everything) per observation.
    pub tuned: Vec<(u32, u32)>,
    /// (teacher, fitted-on-the-other-folds) per observation.
    pub cross_validated: Vec<(u32, u32)>,
    /// (teacher, current bands) per observation.
    pub before: Vec<(u32, u32)>,
    pub k: usize,
}

impl BandFit {
    pub fn agreement(&self, max: u32) -> [MarkAgreement; 3] {
        [
            MarkAgreement::of(&self.before, max),
            MarkAgreement::of(&self.tuned, max),
            MarkAgreement::of(&self.cross_validated, max),
        ]
    }
}

/// Fits on all of `obs` and cross-validates with `k` seeded folds.
pub fn fit_and_validate(
    start: &[Band],
    obs: &[Observation],
    limits: &Limits,
    k: usize,
    seed: u64,
) -> BandFit {
    let bands = fit(start, obs, limits);
    let fold = folds(obs.len(), k, seed);
    let k = fold.iter().max().map_or(1, |m| m + 1);
    let mut cross_validated = vec![(0, 0); obs.len()];
    for f in 0..k {
        let train: Vec<Observation> = obs
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g != f)
            .map(|(o, _)| *o)
            .collect();
        let fitted = fit(start, &train, limits);
        for (i, o) in obs.iter().enumerate().filter(|(i, _)| fold[*i] == f) {
            cross_validated[i] = (o.teacher_mark, predict(&fitted, o).1);
        }
    }
    BandFit {
        tuned: obs
            .iter()
            .map(|o| (o.teacher_mark, predict(&bands, o).1))
            .collect(),
        before: obs
            .iter()
            .map(|o| (o.teacher_mark, predict(start, o).1))
            .collect(),
        bands,
        cross_validated,
        k,
    }
}

/// The bands as TOML `[[band]]` tables, to paste into a rubric.
pub fn bands_toml(bands: &[Band]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for b in bands {
        let _ = writeln!(s, "[[band]]\nlevel = {}", b.level);
        let _ = writeln!(s, "marks = [{}, {}]", b.marks[0], b.marks[1]);
        if let Some(d) = &b.descriptor {
            let _ = writeln!(s, "descriptor = {}", toml::Value::String(d.clone()));
        }
        if let Some(n) = b.min_factors {
            let _ = writeln!(s, "min-factors = {n}");
        }
        if let Some(c) = b.min_coverage {
            let _ = writeln!(s, "min-coverage = {c}");
        }
        if let Some(n) = b.min_per_side {
            let _ = writeln!(s, "min-per-side = {n}");
        }
        if b.judgement == Some(true) {
            let _ = writeln!(s, "judgement = true");
        }
        if let Some(n) = b.min_evidence {
            let _ = writeln!(s, "min-evidence = {n}");
        }
        if b.analysis == Some(true) {
            let _ = writeln!(s, "analysis = true");
        }
        s.push('\n');
    }
    s.truncate(s.trim_end().len() + 1);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(level: u32, marks: [u32; 2]) -> Band {
        Band {
            level,
            marks,
            descriptor: None,
            min_factors: None,
            min_coverage: None,
            min_per_side: None,
            judgement: None,
            min_evidence: None,
            analysis: None,
        }
    }

    fn obs(factors: u32, judgement: bool, teacher_mark: u32) -> Observation {
        Observation {
            tally: Tally {
                factors,
                coverage: factors as f64 / 10.0,
                for_: factors.div_ceil(2),
                against: factors / 2,
                judgement,
                evidenced: factors,
                narrative: false,
            },
            empty: false,
            teacher_mark,
            max_mark: 10,
        }
    }

    fn limits() -> Limits {
        Limits {
            factors: 10,
            per_side: 5,
            evidence: 10,
        }
    }

    /// A teacher who gives 2 marks from four factors with a judgement, 1 from
    /// two factors: the fit finds those thresholds from a scheme that asked
    /// for far more.
    #[test]
    fn fit_recovers_the_teachers_thresholds() {
        let mut top = band(2, [2, 2]);
        top.min_factors = Some(8);
        top.judgement = Some(true);
        let mut mid = band(1, [1, 1]);
        mid.min_factors = Some(6);
        let start = vec![top, mid, band(0, [0, 0])];
        let plans = [
            obs(5, true, 2),
            obs(4, true, 2),
            obs(6, false, 1),
            obs(4, false, 1),
            obs(2, true, 1),
            obs(2, false, 1),
            obs(1, true, 0),
            obs(0, false, 0),
        ];
        assert!(loss(&start, &plans) > 0.0);
        let fitted = fit(&start, &plans, &limits());
        assert_eq!(loss(&fitted, &plans), 0.0, "{fitted:#?}");
        assert_eq!(fitted[0].judgement, Some(true), "the judgement cap stays");
        assert!(fitted[0].min_factors.unwrap_or(0) <= 4);
        assert!(acceptable(&fitted, &start, &limits()));
    }

    /// The judgement requirement is a cap the examiner set: fitting never
    /// drops it, even when the marks would agree better without it.
    #[test]
    fn fit_keeps_the_examiners_caps() {
        let mut top = band(2, [2, 2]);
        top.judgement = Some(true);
        top.min_per_side = Some(1);
        top.min_factors = Some(3);
        let start = vec![top, band(1, [1, 1])];
        // A teacher who ignores judgement and balance.
        let plans = [obs(4, false, 2), obs(5, false, 2), obs(1, false, 1)];
        let fitted = fit(&start, &plans, &limits());
        assert_eq!(fitted[0].judgement, Some(true));
        assert!(fitted[0].min_per_side.unwrap_or(0) >= 1);
    }

    #[test]
    fn a_lower_band_never_becomes_unreachable() {
        let mut a = band(2, [2, 2]);
        a.min_factors = Some(3);
        let mut c = band(1, [1, 1]);
        c.min_factors = Some(3);
        assert!(implied(&c, &a));
        assert!(!acceptable(
            &[a.clone(), c],
            &[a.clone(), band(1, [1, 1])],
            &limits()
        ));
        // A floor with no conditions at the bottom is fine.
        assert!(acceptable(
            &[a.clone(), band(0, [0, 0])],
            &[a, band(0, [0, 0])],
            &limits()
        ));
    }

    /// `predict` must give the mark the grader gives, or fitted bands would
    /// promise agreement the rubric does not deliver.
    #[test]
    fn predict_agrees_with_the_grader() {
        let rubric: Rubric = toml::from_str(
            r#"id = "r"
max-mark = 10
[[factor]]
id = "a"
label = "A"
side = "for"
phrases = ["grain requisitioning"]
evidence = ["1918"]
[[factor]]
id = "b"
label = "B"
side = "against"
phrases = ["Whites divided"]
weight = 2.0
[[factor]]
id = "c"
label = "C"
side = "for"
phrases = ["Cheka"]
[[band]]
level = 2
marks = [6, 10]
min-coverage = 0.5
judgement = true
[[band]]
level = 1
marks = [1, 5]
min-factors = 1
min-coverage = 0.2
[[band]]
level = 0
marks = [0, 0]
"#,
        )
        .unwrap();
        let grader = crate::grade::Grader::new(rubric.clone()).unwrap();
        let plans = [
            "",
            "nothing relevant here",
            "- grain requisitioning in 1918",
            "Overall the Whites divided lost.\n- grain requisitioning",
            "Overall the Cheka mattered most.\n- Whites divided\n- grain requisitioning 1918",
            "- Cheka",
        ];
        for p in plans {
            let r = grader.grade("p", p);
            let o = Observation {
                tally: super::super::calibrate::tally_of(&r),
                empty: r.words == 0,
                teacher_mark: 0,
                max_mark: rubric.max_mark(),
            };
            assert_eq!(predict(&rubric.bands, &o), (r.level, r.mark), "{p:?}");
        }
    }

    #[test]
    fn folds_are_seeded_balanced_and_deterministic() {
        let a = folds(23, 5, 42);
        assert_eq!(a, folds(23, 5, 42));
        assert_ne!(a, folds(23, 5, 43));
        for f in 0..5 {
            let size = a.iter().filter(|&&x| x == f).count();
            assert!((4..=5).contains(&size), "fold {f} has {size}");
        }
        // More folds than items: leave-one-out.
        let b = folds(3, 10, 1);
        let mut sorted = b.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2]);
    }

    /// Cross-validation scores each plan with bands fitted without it: on
    /// plans that contradict each other it must do worse than the tuned fit.
    #[test]
    fn cross_validated_is_no_better_than_tuned() {
        let mut top = band(2, [2, 2]);
        top.min_factors = Some(5);
        let start = vec![top, band(1, [1, 1]), band(0, [0, 0])];
        let plans: Vec<Observation> = (0..20)
            .map(|i| obs(i % 7, i % 3 == 0, [0, 1, 2, 1, 2][i as usize % 5]))
            .collect();
        let r = fit_and_validate(&start, &plans, &limits(), 5, 9);
        let [before, tuned, cv] = r.agreement(2);
        assert!(tuned.mean_abs_error <= before.mean_abs_error);
        assert!(cv.mean_abs_error >= tuned.mean_abs_error);
        assert_eq!(r.cross_validated.len(), 20);
        assert_eq!(r.k, 5);
    }

    #[test]
    fn bands_print_as_toml_that_reads_back() {
        let mut top = band(2, [6, 10]);
        top.min_coverage = Some(0.45);
        top.judgement = Some(true);
        top.descriptor = Some("Good \"range\"".into());
        let text = bands_toml(&[top.clone(), band(1, [1, 5])]);
        #[derive(serde::Deserialize)]
        struct Doc {
            band: Vec<Band>,
        }
        let doc: Doc = toml::from_str(&text).unwrap();
        assert_eq!(doc.band[0], top);
        assert!(text.starts_with("[[band]]\nlevel = 2\nmarks = [6, 10]\n"));
    }
}
