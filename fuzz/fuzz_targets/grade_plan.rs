//! Any plan text against every shipped rubric: grading never panics, every
//! reported span lies on character boundaries of the plan, and coverage and
//! mark stay in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::Grader;
use std::sync::OnceLock;

fn graders() -> &'static Vec<Grader> {
    static G: OnceLock<Vec<Grader>> = OnceLock::new();
    G.get_or_init(|| {
        planmark::library::Library::builtin()
            .rubrics
            .into_iter()
            .map(|e| Grader::new(e.item).expect("shipped rubrics compile"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(plan) = std::str::from_utf8(rest) else {
        return;
    };
    let graders = graders();
    let g = &graders[pick as usize % graders.len()];
    let r = g.grade("fuzz", plan);
    assert!(r.coverage.is_finite() && (0.0..=1.0).contains(&r.coverage));
    assert!(r.mark <= r.max_mark);
    for f in &r.factors {
        for m in f.matches.iter().chain(&f.evidence_matches) {
            assert!(m.start <= m.end && m.end <= plan.len());
            assert!(plan.is_char_boundary(m.start) && plan.is_char_boundary(m.end));
        }
    }
    if let (Some(s), Some(e)) = (r.judgement.start, r.judgement.end) {
        assert!(s <= e && e <= plan.len() && plan.is_char_boundary(s) && plan.is_char_boundary(e));
    }
});
