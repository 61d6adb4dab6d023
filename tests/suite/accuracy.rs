//! The grader against labelled student plans for the seed question: per-factor
//! precision and recall, and mark agreement. Fails below micro-F1 0.90.

use planmark::Grader;
use planmark::authoring::calibrate::{Report, evaluate, parse_samples};
use planmark::library::Library;
use std::path::Path;

fn report(path: &str) -> (usize, Report) {
    let path = Path::new(path);
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_samples(path, &text).unwrap();
    let rubric = Library::builtin().rubric("stalin-trotsky").unwrap().item;
    let grader = Grader::new(rubric).unwrap();
    (file.samples.len(), evaluate(&grader, &file.samples))
}

/// Prints the table a teacher would read (shown with `--nocapture`).
fn print(report: &Report) {
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
}

#[test]
fn seed_question_plans_are_graded_like_an_examiner() {
    let (n, report) = report("tests/fixtures/stalin-trotsky.samples.toml");
    print(&report);
    assert!(n >= 40, "need at least 40 labelled plans");
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

/// Plans written after the rubric was tuned and never used to tune it.
#[test]
fn held_out_plans_are_graded_nearly_as_well() {
    let (_, report) = report("tests/fixtures/stalin-trotsky.heldout.samples.toml");
    print(&report);
    assert!(
        report.micro.f1() >= 0.85,
        "held-out micro-F1 {:.3} is below 0.85",
        report.micro.f1()
    );
    assert!(
        report.qwk >= 0.75,
        "held-out mark QWK {:.3} is below 0.75",
        report.qwk
    );
}

/// Every shipped rubric ships at least eight labelled plans, and across all of
/// them the grader agrees with the teacher.
#[test]
fn every_shipped_rubric_is_calibrated() {
    let lib = Library::builtin();
    let mut reports = Vec::new();
    for entry in &lib.rubrics {
        let (path, text) = lib
            .samples_for(entry)
            .unwrap_or_else(|| panic!("{} ships no samples", entry.item.id));
        let samples = parse_samples(&path, &text).unwrap();
        assert!(
            samples.samples.len() >= 8,
            "{}: only {} samples",
            entry.item.id,
            samples.samples.len()
        );
        assert!(
            samples
                .samples
                .iter()
                .any(|s| s.id.contains("trap") || s.text.to_lowercase().contains("trap")),
            "{}: no trap sample",
            entry.item.id
        );
        let grader = Grader::new(entry.item.clone()).unwrap();
        reports.push(evaluate(&grader, &samples.samples));
    }
    let pooled = planmark::authoring::calibrate::pool(&reports);
    println!(
        "{} rubrics, {} samples: micro-F1 {:.3}, QWK {:?}",
        pooled.rubrics,
        pooled.samples,
        pooled.micro.f1(),
        pooled.qwk
    );
    assert!(pooled.rubrics >= 16);
    assert!(
        pooled.micro.f1() >= 0.90,
        "pooled micro-F1 {:.3}",
        pooled.micro.f1()
    );
    assert!(pooled.qwk.unwrap() >= 0.80, "pooled QWK {:?}", pooled.qwk);
}
