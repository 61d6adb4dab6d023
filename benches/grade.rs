//! Grading speed: one 300-word plan against the shipped seed rubric,
//! compiling the rubric, a class of 10,000 plans, and hostile plans at the
//! input limit. Run with `cargo bench`.

use criterion::{Criterion, criterion_group, criterion_main};

// The binary's allocator: grading allocates many small strings, and the
// numbers here should be the ones a student's `planmark` gets.
#[global_allocator]
static GLOBAL: planmark::alloc::Allocator = planmark::alloc::Allocator;

use planmark::Grader;
use planmark::library::Library;
use std::hint::black_box;

/// A realistic 300-word plan: abbreviations, a typo or two, bullets and prose.
fn plan_300_words() -> String {
    let plan = include_str!("plan-300-words.txt");
    assert!(
        plan.split_whitespace().count() >= 290,
        "{}",
        plan.split_whitespace().count()
    );
    plan.to_string()
}

fn bench(c: &mut Criterion) {
    let rubric = Library::builtin().rubric("stalin-trotsky").unwrap().item;
    let grader = Grader::new(rubric.clone()).unwrap();
    let plan = plan_300_words();
    c.bench_function("grade 300-word plan (stalin-trotsky)", |b| {
        b.iter(|| grader.grade("bench", black_box(&plan)))
    });
    c.bench_function("compile stalin-trotsky rubric", |b| {
        b.iter(|| Grader::new(black_box(rubric.clone())).unwrap())
    });
}

/// A class of 10,000 plans graded on 2 threads (the machine's cores).
fn class(c: &mut Criterion) {
    let rubric = Library::builtin().rubric("stalin-trotsky").unwrap().item;
    let grader = Grader::new(rubric).unwrap();
    let text = std::fs::read_to_string("rubrics/stalin-trotsky.samples.toml").unwrap();
    let samples =
        planmark::authoring::calibrate::parse_samples(std::path::Path::new("s.toml"), &text)
            .unwrap();
    let plans: Vec<(String, String)> = (0..10_000)
        .map(|i| {
            let s = &samples.samples[i % samples.samples.len()];
            (format!("student-{i}"), s.text.clone())
        })
        .collect();
    let mut group = c.benchmark_group("class");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(plans.len() as u64));
    group.bench_function("grade 10,000 plans on 2 threads", |b| {
        b.iter(|| planmark::grade::batch::grade_all(&grader, black_box(&plans), 2))
    });
    group.finish();
}

include!("support/hostile.rs");

/// Hostile plans just under the 1 MiB input limit, the shapes that were
/// once quadratic (issue 9): each should grade in under 100 ms.
fn adversarial(c: &mut Criterion) {
    let rubric = Library::builtin().rubric("stalin-trotsky").unwrap().item;
    let grader = Grader::new(rubric).unwrap();
    let limit = planmark::input::INPUT_LIMIT as usize;
    let plans = hostile_plans(limit);
    let mut group = c.benchmark_group("adversarial 1 MiB");
    group.sample_size(10);
    for (name, plan) in &plans {
        assert!(plan.len() <= limit);
        group.bench_function(*name, |b| b.iter(|| grader.grade("x", black_box(plan))));
    }
    group.finish();
}

criterion_group!(benches, bench, class, adversarial);
criterion_main!(benches);
