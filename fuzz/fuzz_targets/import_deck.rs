//! Any text through every importer (page, Quizlet with several separators,
//! Anki): never panics, and what one imports exports and re-imports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::interchange::{anki, knowt, termdef};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let seps = [("\t", "\n"), (",", "\n"), ("\t", ";"), (" - ", "|")];
    let imported = match kind % 3 {
        0 => knowt::import(text, "x"),
        1 => {
            let (t, c) = seps[(kind as usize / 3) % seps.len()];
            termdef::import(text, "x", "t", t, c)
        }
        _ => anki::import(text, "x"),
    };
    let deck = imported.deck;
    let again = anki::import(&anki::export(&deck), "x").deck;
    assert_eq!(again.cards.len(), deck.cards.len());
});
