//! Grading many plans at once on several threads, keeping their order.

use super::{GradeResult, Grader};

/// Grades `plans` (id, text) on up to `threads` threads; results come back in
/// the same order. Pure: no I/O.
pub fn grade_all(grader: &Grader, plans: &[(String, String)], threads: usize) -> Vec<GradeResult> {
    let threads = threads.clamp(1, plans.len().max(1));
    if threads == 1 {
        return plans
            .iter()
            .map(|(id, text)| grader.grade(id, text))
            .collect();
    }
    let chunk = plans.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = plans
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(id, t)| grader.grade(id, t))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("grading never panics"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_rubric;

    #[test]
    fn parallel_results_match_sequential_ones_in_order() {
        let rubric = parse_rubric(
            std::path::Path::new("r.toml"),
            "id = \"r\"\nmax-mark = 1\n[[factor]]\nid = \"a\"\nlabel = \"A\"\nphrases = [\"alpha\"]\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
        )
        .unwrap();
        let g = Grader::new(rubric).unwrap();
        let plans: Vec<(String, String)> = (0..101)
            .map(|i| {
                (
                    format!("p{i}"),
                    if i % 3 == 0 {
                        "alpha".into()
                    } else {
                        "beta".into()
                    },
                )
            })
            .collect();
        let one = grade_all(&g, &plans, 1);
        let four = grade_all(&g, &plans, 4);
        assert_eq!(one, four);
        assert_eq!(four[3].id, "p3");
        assert_eq!(four[3].mark, 1);
        assert_eq!(four[4].mark, 0);
    }
}
