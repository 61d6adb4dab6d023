//! CPU time to grade the benchmark's 300-word plan, from `getrusage`: unlike
//! criterion's wall-clock time it does not count the time other programs on
//! a busy machine hold the cores. Run with
//! `cargo run --release --example grade_cpu`.

// The binary's allocator, as in benches/grade.rs.
#[global_allocator]
static GLOBAL: planmark::alloc::Allocator = planmark::alloc::Allocator;

use planmark::Grader;
use planmark::library::Library;
use std::hint::black_box;

/// User + system CPU seconds this process has used.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn main() {
    const ROUNDS: usize = 5;
    const PER_ROUND: usize = 2000;
    let Ok(entry) = Library::builtin().rubric("stalin-trotsky") else {
        eprintln!("the built-in stalin-trotsky rubric is missing");
        std::process::exit(1);
    };
    let Ok(grader) = Grader::new(entry.item) else {
        eprintln!("the built-in stalin-trotsky rubric does not compile");
        std::process::exit(1);
    };
    if std::env::args().nth(1).as_deref() == Some("hostile") {
        hostile(&grader);
        return;
    }
    let plan = include_str!("../benches/plan-300-words.txt");
    // `-- count N [FILE]`: N grades of the plan (or of FILE) and no timing,
    // for a profiler such as `valgrind --tool=callgrind`, which counts
    // instructions exactly.
    if std::env::args().nth(1).as_deref() == Some("count") {
        let n = std::env::args()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(100);
        let file = std::env::args().nth(3).map(std::fs::read_to_string);
        let plan = match file {
            None => plan.to_string(),
            Some(Ok(text)) => text,
            Some(Err(e)) => {
                eprintln!("cannot read the plan: {e}");
                std::process::exit(1);
            }
        };
        for _ in 0..n {
            black_box(grader.grade("count", black_box(&plan)));
        }
        return;
    }
    for _ in 0..PER_ROUND / 4 {
        black_box(grader.grade("warm-up", black_box(plan)));
    }
    let mut rounds: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = cpu_seconds();
            for _ in 0..PER_ROUND {
                black_box(grader.grade("bench", black_box(plan)));
            }
            (cpu_seconds() - start) / PER_ROUND as f64 * 1e6
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    println!(
        "300-word plan: {:.0} µs CPU per grade (median of {ROUNDS} rounds of {PER_ROUND}; best {:.0}, worst {:.0})",
        rounds[ROUNDS / 2],
        rounds[0],
        rounds[ROUNDS - 1]
    );
}

include!("../benches/support/hostile.rs");

/// CPU time for the hostile 1 MiB plans of benches/grade.rs (issue 9):
/// `cargo run --release --example grade_cpu -- hostile`.
fn hostile(grader: &Grader) {
    let limit = planmark::input::INPUT_LIMIT as usize;
    let plans = hostile_plans(limit);
    // `-- hostile WORDS`: only the shapes whose name holds WORDS.
    let only = std::env::args().nth(2).unwrap_or_default();
    for (name, plan) in plans
        .iter()
        .filter(|(name, _)| name.contains(only.as_str()))
    {
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let start = cpu_seconds();
                black_box(grader.grade("x", black_box(plan)));
                (cpu_seconds() - start) * 1e3
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        println!(
            "{name}: {:.0} ms CPU (median of 5; best {:.0})",
            runs[2], runs[0]
        );
    }
}
