// Hostile plans just under the 1 MiB input limit (issue 9): the shapes that
// were once quadratic, and those with the most lines. Shared, through
// `include!`, by benches/grade.rs (criterion) and examples/grade_cpu.rs
// (CPU time), so both measure the same plans.

/// (name, plan) for each hostile shape, each at most `limit` bytes.
fn hostile_plans(limit: usize) -> Vec<(&'static str, String)> {
    let fill = |unit: &str, tail: &str| {
        let n = (limit - tail.len()) / unit.len();
        let mut s = unit.repeat(n);
        s.push_str(tail);
        s
    };
    vec![
        (
            "one word repeated, then a phrase",
            fill("zinoviev ", "and kamenev underestimated stalin"),
        ),
        ("one short sentence repeated", fill("Lenin testament. ", "")),
        (
            "one phrase repeated on one line",
            fill("testament hidden ", ""),
        ),
        (
            "many one-line bullets",
            fill("- gen sec appointments 1922\n", ""),
        ),
        // Contrast words on one line (each once looked back along it: 12 s).
        ("one contrast word repeated", fill("but ", "")),
        ("verdicts and contrasts", fill("success but ", "")),
        // Lines whose phrase an `exclude` blocks (each hit once checked
        // every blocked range in the plan: 3 s).
        ("many excluded lines", fill("- under party control\n", "")),
        // The most segments a plan can have: one letter a line.
        ("one letter a line", fill("i\n", "")),
    ]
}
