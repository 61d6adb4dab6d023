//! Learn: factor recall. The student names one factor per line; each line is
//! graded against the card's rubric with the very grader `planmark grade`
//! uses, so abbreviations and misspellings count as they would in a plan, and
//! a line credits exactly the factors it would credit in a plan. A line that
//! names only a factor's evidence ("NKVD") is told so, since in a plan that
//! alone would not raise the factor either.

use crate::grade::Grader;

#[derive(Debug, Clone, PartialEq)]
pub enum LearnOutcome {
    /// Labels of the factors this line newly recalled.
    Recalled(Vec<String>),
    /// The line names only factors already recalled.
    AlreadyGiven(Vec<String>),
    /// The line raises no factor but holds the evidence of these (labels).
    EvidenceOnly(Vec<String>),
    NotAFactor,
}

pub struct LearnSession<'g> {
    grader: &'g Grader,
    /// The same rubric with each factor's evidence as its only phrases.
    evidence: Option<Grader>,
    recalled: Vec<String>,
    misses_in_a_row: u32,
    /// Factor ids in the order hints are given: missed last time first.
    hint_order: Vec<String>,
    hinted: Vec<String>,
}

impl<'g> LearnSession<'g> {
    /// `missed_before`: factors missed in the last session, offered first.
    pub fn new(grader: &'g Grader, missed_before: &[String]) -> LearnSession<'g> {
        let mut order: Vec<(bool, f64, usize, String)> = grader
            .rubric()
            .factors
            .iter()
            .enumerate()
            .map(|(i, f)| (!missed_before.contains(&f.id), -f.weight, i, f.id.clone()))
            .collect();
        order.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let mut by_evidence = grader.rubric().clone();
        by_evidence.factors.retain(|f| !f.evidence.is_empty());
        for f in &mut by_evidence.factors {
            f.phrases = std::mem::take(&mut f.evidence)
                .into_iter()
                .map(crate::model::PhraseSpec::from)
                .collect();
            f.with.clear();
            f.not.clear();
            f.period = None;
            f.patterns.clear();
            f.exclude.clear();
        }
        LearnSession {
            grader,
            evidence: Grader::new(by_evidence).ok(),
            recalled: Vec::new(),
            misses_in_a_row: 0,
            hint_order: order.into_iter().map(|(_, _, _, id)| id).collect(),
            hinted: Vec::new(),
        }
    }

    fn label(&self, id: &str) -> String {
        self.grader
            .rubric()
            .factor(id)
            .map_or_else(|| id.to_string(), |f| f.label.clone())
    }

    /// Grades one line. A hint comes with the second miss in a row; naming a
    /// factor already recalled is not a miss.
    pub fn answer(&mut self, line: &str) -> (LearnOutcome, Option<String>) {
        let result = self.grader.grade("learn", line);
        let covered: Vec<String> = result
            .factors
            .iter()
            .filter(|f| f.covered)
            .map(|f| f.id.clone())
            .collect();
        let new: Vec<String> = covered
            .iter()
            .filter(|id| !self.recalled.contains(id))
            .cloned()
            .collect();
        let outcome = if !new.is_empty() {
            self.misses_in_a_row = 0;
            self.recalled.extend(new.iter().cloned());
            LearnOutcome::Recalled(new.iter().map(|id| self.label(id)).collect())
        } else if !covered.is_empty() {
            LearnOutcome::AlreadyGiven(covered.iter().map(|id| self.label(id)).collect())
        } else {
            self.misses_in_a_row += 1;
            let evidence_of: Vec<String> = self
                .evidence
                .as_ref()
                .map(|g| g.grade("learn", line))
                .map(|r| {
                    r.factors
                        .iter()
                        .filter(|f| f.covered && !self.recalled.contains(&f.id))
                        .map(|f| self.label(&f.id))
                        .collect()
                })
                .unwrap_or_default();
            if evidence_of.is_empty() {
                LearnOutcome::NotAFactor
            } else {
                LearnOutcome::EvidenceOnly(evidence_of)
            }
        };
        let hint = if self.misses_in_a_row >= 2 {
            self.misses_in_a_row = 0;
            self.next_hint()
        } else {
            None
        };
        (outcome, hint)
    }

    fn next_hint(&mut self) -> Option<String> {
        let id = self
            .hint_order
            .iter()
            .find(|id| !self.recalled.contains(id) && !self.hinted.contains(id))
            .or_else(|| {
                self.hint_order
                    .iter()
                    .find(|id| !self.recalled.contains(id))
            })?
            .clone();
        self.hinted.push(id.clone());
        let f = self.grader.rubric().factor(&id)?;
        Some(match &f.hint {
            Some(h) => format!("({}) {h}", f.side),
            None => format!("({}) think about: {}", f.side, f.label),
        })
    }

    pub fn done(&self) -> bool {
        self.recalled.len() == self.grader.rubric().factors.len()
    }

    /// (recalled, total).
    pub fn score(&self) -> (u32, u32) {
        (
            self.recalled.len() as u32,
            self.grader.rubric().factors.len() as u32,
        )
    }

    /// Factor ids not recalled, in rubric order.
    pub fn missed(&self) -> Vec<String> {
        self.grader
            .rubric()
            .factors
            .iter()
            .filter(|f| !self.recalled.contains(&f.id))
            .map(|f| f.id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_rubric;

    fn grader() -> Grader {
        Grader::new(
            parse_rubric(
                std::path::Path::new("r.toml"),
                "id = \"r\"\nmax-mark = 1\n[abbreviations]\nT = \"Trotsky\"\n\
                 [[factor]]\nid = \"t\"\nlabel = \"Lenin's testament\"\nphrases = [\"Lenin's testament\"]\nhint = \"The will.\"\n\
                 [[factor]]\nid = \"f\"\nlabel = \"Funeral\"\nphrases = [\"funeral\"]\nweight = 2.0\n\
                 [[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
            )
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn recalls_misses_and_hints() {
        let g = grader();
        let mut s = LearnSession::new(&g, &["t".to_string()]);
        assert_eq!(
            s.answer("Lenins testamant").0,
            LearnOutcome::Recalled(vec!["Lenin's testament".into()])
        );
        assert_eq!(
            s.answer("the testament of Lenin").0,
            LearnOutcome::AlreadyGiven(vec!["Lenin's testament".into()])
        );
        // Repeating a factor is not a miss: no hint yet after one real miss.
        let (outcome, hint) = s.answer("Kronstadt");
        assert_eq!(outcome, LearnOutcome::NotAFactor);
        assert_eq!(hint, None);
        let (_, hint) = s.answer("Kronstadt again");
        assert_eq!(hint.as_deref(), Some("(neutral) think about: Funeral"));
        assert_eq!(s.missed(), ["f"]);
        s.answer("he missed the funeral");
        assert!(s.done());
        assert_eq!(s.score(), (2, 2));
    }

    #[test]
    fn naming_only_the_evidence_says_whose_evidence_it_is() {
        let g = Grader::new(
            parse_rubric(
                std::path::Path::new("r.toml"),
                "id = \"r\"\nmax-mark = 1\n\
                 [[factor]]\nid = \"below\"\nlabel = \"The NKVD and denunciations from below\"\n\
                 phrases = [\"denunciations\"]\nevidence = [\"NKVD\"]\n\
                 [[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
            )
            .unwrap(),
        )
        .unwrap();
        let mut s = LearnSession::new(&g, &[]);
        // The grader credits no factor for "NKVD" alone, in a plan or here.
        assert!(!g.grade("plan", "NKVD").factors[0].covered);
        assert_eq!(
            s.answer("NKVD").0,
            LearnOutcome::EvidenceOnly(vec!["The NKVD and denunciations from below".into()])
        );
        assert_eq!(
            s.answer("NKVD denunciations").0,
            LearnOutcome::Recalled(vec!["The NKVD and denunciations from below".into()])
        );
    }

    #[test]
    fn factors_missed_last_time_are_hinted_first() {
        let g = grader();
        let mut s = LearnSession::new(&g, &["t".to_string()]);
        s.answer("x");
        let (_, hint) = s.answer("y");
        assert_eq!(hint.as_deref(), Some("(neutral) The will."));
    }
}
