//! Shared by the integration tests: the real binary, with the user's own
//! library folders and colour settings kept out so output is reproducible.

use assert_cmd::Command;

pub fn planmark() -> Command {
    // PLANMARK_TEST_BIN runs the tests against another build, e.g. to see a
    // regression test fail on the code before its fix.
    let mut c = match std::env::var_os("PLANMARK_TEST_BIN") {
        Some(bin) => Command::new(bin),
        None => Command::cargo_bin("planmark").unwrap(),
    };
    c.env_remove("PLANMARK_LIBRARY").env("NO_COLOR", "1");
    c
}
