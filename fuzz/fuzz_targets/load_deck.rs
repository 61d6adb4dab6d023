//! Any text as a TOML or JSON deck: never panics, and a deck that loads
//! exports to every interchange format and back without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::interchange::{anki, knowt, termdef};
use planmark::model::parse_deck;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let path = if kind % 2 == 0 { "d.toml" } else { "d.json" };
    let Ok(deck) = parse_deck(Path::new(path), text) else {
        return;
    };
    let _ = anki::import(&anki::export(&deck), "x");
    let _ = termdef::import(&termdef::export(&deck, "\t", "\n"), "x", "t", "\t", "\n");
    let _ = knowt::import(&termdef::export(&deck, "\t", "\n"), "x");
});
