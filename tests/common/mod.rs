//! Shared by the integration tests: the real binary, with the user's own
//! library folders and colour settings kept out so output is reproducible.

use assert_cmd::Command;

pub fn planmark() -> Command {
    let mut c = Command::cargo_bin("planmark").unwrap();
    c.env_remove("PLANMARK_LIBRARY").env("NO_COLOR", "1");
    c
}
