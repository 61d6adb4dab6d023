//! CPU time to grade the benchmark's 300-word plan, from `getrusage`: unlike
//! criterion's wall-clock time it does not count the time other programs on
//! a busy machine hold the cores. Run with
//! `cargo run --release --example grade_cpu`.

// The binary's allocator, as in benches/grade.rs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let plan = include_str!("../benches/plan-300-words.txt");
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
