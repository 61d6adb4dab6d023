//! Any bytes as a class CSV (`grade --csv`), with the plan and student
//! columns guessed or named by the first byte: never panics, and the row
//! checks agree with the CSV reader. The input is under the 1 MiB row limit,
//! so no row may be refused as too long, and a file with no quote character
//! can have no quote problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::input::csv_plans;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let columns = [None, Some("plan"), Some("Answer"), Some("x")];
    let text_column = columns[kind as usize % 4];
    let id_column = columns[(kind as usize / 4) % 4];
    let quotes = rest.contains(&b'"');
    let items = match csv_plans(
        std::io::Cursor::new(rest.to_vec()),
        Path::new("class.csv"),
        text_column,
        id_column,
    ) {
        Ok(items) => items,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for item in items {
        match item {
            Ok(plan) => assert!(!plan.id.is_empty()),
            Err(e) => {
                assert!(!e.id.is_empty());
                assert!(
                    !(e.message.starts_with("the row at ") && e.message.contains("limit")),
                    "{}",
                    e.message
                );
                assert!(quotes || !e.message.contains("quote"), "{}", e.message);
            }
        }
    }
});
