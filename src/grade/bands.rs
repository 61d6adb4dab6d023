//! Mark bands (levels of response): which band a plan reaches, the mark within
//! it, and what the next band up asks for.
//!
//! The mark rule: bands are tried top to bottom and the first whose conditions
//! all hold applies. Within its `marks = [lo, hi]` the mark is
//! `lo + round((hi - lo) × t)`, where `t` is how far the plan's coverage has
//! climbed from this band's `min-coverage` (0 when unset) towards the
//! `min-coverage` of the band above (1.0 for the top band, or when the band
//! above sets none), clamped to 0–1.

use crate::model::Band;

/// The numbers a band's conditions are checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    pub factors: u32,
    pub coverage: f64,
    pub for_: u32,
    pub against: u32,
    pub judgement: bool,
    pub evidenced: u32,
    /// The plan is a bare timeline (see [`crate::grade::narrative`]).
    pub narrative: bool,
}

/// What a band asks for that the plan lacks.
pub fn unmet(band: &Band, t: &Tally) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(n) = band.min_factors
        && t.factors < n
    {
        let more = n - t.factors;
        out.push(format!("raise {more} more factor{}", plural(more)));
    }
    if let Some(c) = band.min_coverage
        && t.coverage + 1e-9 < c
    {
        out.push(format!(
            "cover more of the key factors ({:.0}% of the rubric's weight, you have {:.0}%)",
            c * 100.0,
            t.coverage * 100.0
        ));
    }
    if let Some(n) = band.min_per_side {
        for (side, have) in [("for", t.for_), ("against", t.against)] {
            if have < n {
                let more = n - have;
                out.push(format!("add {more} more '{side}' factor{}", plural(more)));
            }
        }
    }
    if band.judgement == Some(true) && !t.judgement {
        out.push("state a clear judgement".to_string());
    }
    if band.analysis == Some(true) && t.narrative {
        out.push(
            "say why each event matters to the question: a list of dates is narrative, not argument"
                .to_string(),
        );
    }
    if let Some(n) = band.min_evidence
        && t.evidenced < n
    {
        let more = n - t.evidenced;
        out.push(format!(
            "back {more} more factor{} with precise evidence (dates, names, figures)",
            plural(more)
        ));
    }
    out
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The index of the band that applies, if any.
pub fn select(bands: &[Band], t: &Tally) -> Option<usize> {
    bands.iter().position(|b| unmet(b, t).is_empty())
}

/// The mark within band `i` for this coverage (see the module docs).
pub fn mark_in_band(bands: &[Band], i: usize, coverage: f64) -> u32 {
    let band = &bands[i];
    let [lo, hi] = band.marks;
    if hi <= lo {
        return lo;
    }
    let floor = band.min_coverage.unwrap_or(0.0);
    let ceiling = i
        .checked_sub(1)
        .and_then(|j| bands[j].min_coverage)
        .filter(|&c| c > floor)
        .unwrap_or(1.0);
    let t = if ceiling > floor {
        ((coverage - floor) / (ceiling - floor)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    lo + ((hi - lo) as f64 * t).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(level: u32, marks: [u32; 2], cov: Option<f64>) -> Band {
        Band {
            level,
            marks,
            descriptor: None,
            min_factors: None,
            min_coverage: cov,
            min_per_side: None,
            judgement: None,
            min_evidence: None,
            analysis: None,
        }
    }

    fn tally(coverage: f64) -> Tally {
        Tally {
            factors: 0,
            coverage,
            for_: 0,
            against: 0,
            judgement: false,
            evidenced: 0,
            narrative: false,
        }
    }

    #[test]
    fn mark_rises_with_coverage_within_the_band() {
        let bands = [band(2, [6, 10], Some(0.5)), band(1, [1, 5], Some(0.1))];
        assert_eq!(mark_in_band(&bands, 1, 0.1), 1);
        assert_eq!(mark_in_band(&bands, 1, 0.3), 3);
        assert_eq!(mark_in_band(&bands, 1, 0.49), 5);
        assert_eq!(mark_in_band(&bands, 0, 0.75), 8);
        assert_eq!(mark_in_band(&bands, 0, 1.0), 10);
    }

    #[test]
    fn first_band_whose_conditions_hold_applies() {
        let mut top = band(2, [2, 2], None);
        top.judgement = Some(true);
        let bands = [top, band(1, [1, 1], Some(0.2)), band(0, [0, 0], None)];
        assert_eq!(select(&bands, &tally(0.5)), Some(1));
        assert_eq!(select(&bands, &tally(0.1)), Some(2));
        let with_judgement = Tally {
            judgement: true,
            ..tally(0.0)
        };
        assert_eq!(select(&bands, &with_judgement), Some(0));
        assert_eq!(unmet(&bands[0], &tally(0.5)), ["state a clear judgement"]);
    }

    #[test]
    fn a_narrative_plan_cannot_reach_an_analysis_band() {
        let mut argued = band(3, [11, 15], None);
        argued.analysis = Some(true);
        let bands = [argued, band(2, [6, 10], None)];
        let timeline = Tally {
            narrative: true,
            ..tally(0.8)
        };
        assert_eq!(select(&bands, &timeline), Some(1));
        assert_eq!(select(&bands, &tally(0.8)), Some(0));
        assert!(unmet(&bands[0], &timeline)[0].contains("narrative"));
    }
}
