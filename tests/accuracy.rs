//! The grader against labelled student plans for the seed question: per-factor
//! precision and recall, and mark agreement. Fails below micro-F1 0.90.

use planmark::Grader;
use planmark::calibrate::{evaluate, parse_samples};
use planmark::library::Library;
use std::path::Path;

#[test]
fn seed_question_plans_are_graded_like_an_examiner() {
    let path = Path::new("tests/fixtures/stalin-trotsky.samples.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_samples(path, &text).unwrap();
    assert!(file.samples.len() >= 40, "need at least 40 labelled plans");
    let rubric = Library::builtin().rubric("stalin-trotsky").unwrap().item;
    let grader = Grader::new(rubric).unwrap();
    let report = evaluate(&grader, &file.samples);

    println!(
        "{:<26} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "factor", "tp", "fp", "fn", "precision", "recall"
    );
    for (id, c) in &report.factors {
        println!(
            "{id:<26} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    for d in &report.disagreements {
        println!(
            "{}: teacher {} grader {}; extra {:?}; missed {:?}",
            d.sample, d.teacher_mark, d.grader_mark, d.extra, d.missed
        );
    }
    println!(
        "micro P {:.3} R {:.3} F1 {:.3}; marks exact {:.2} adjacent {:.2} MAE {:.2} QWK {:.3}",
        report.micro.precision(),
        report.micro.recall(),
        report.micro.f1(),
        report.exact,
        report.adjacent,
        report.mean_abs_error,
        report.qwk
    );
    assert!(
        report.micro.f1() >= 0.90,
        "micro-F1 {:.3} is below 0.90",
        report.micro.f1()
    );
    assert!(
        report.qwk >= 0.80,
        "mark QWK {:.3} is below 0.80",
        report.qwk
    );
}
