//! Any bytes as JSON-lines plans (`grade --jsonl`): never panics, never
//! yields more plans than there are lines, and (the input being under the
//! 1 MiB line limit) never refuses a line as too long.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::input::jsonl_plans;

fuzz_target!(|data: &[u8]| {
    let lines = data.split(|&b| b == b'\n').count();
    let mut n = 0;
    for item in jsonl_plans(std::io::Cursor::new(data.to_vec())) {
        n += 1;
        match item {
            Ok(plan) => {
                let _ = plan.text.len();
            }
            Err(e) => {
                assert!(e.id.starts_with("line "));
                // (A JSON error may quote the line, "limit" and all.)
                assert!(!e.message.starts_with("the line is "), "{}", e.message);
            }
        }
    }
    assert!(n <= lines, "{n} plans from {lines} lines");
});
