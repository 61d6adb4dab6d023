//! The README stays true: its grading example is the real output, and every
//! command it lists exists.

use crate::common::planmark;

fn readme() -> String {
    std::fs::read_to_string("README.md").unwrap()
}

/// The first fenced block: `$ cat plan.txt`, the plan, the command, the output.
#[test]
fn the_grading_transcript_is_what_planmark_prints() {
    let text = readme();
    let start = text
        .find("```\n$ cat plan.txt\n")
        .expect("transcript block")
        + 4;
    let block = &text[start..start + text[start..].find("\n```").unwrap()];
    let mut lines = block.lines();
    assert_eq!(lines.next(), Some("$ cat plan.txt"));
    let mut plan = String::new();
    for l in lines.by_ref() {
        if l.starts_with("$ planmark") {
            break;
        }
        plan.push_str(l);
        plan.push('\n');
    }
    let shown: Vec<&str> = lines.collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.txt");
    std::fs::write(&path, &plan).unwrap();
    let out = planmark()
        .args(["grade", "--rubric", "stalin-trotsky"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    let printed: Vec<&str> = printed.lines().collect();
    assert_eq!(printed, shown, "README transcript is out of date");
}

#[test]
fn every_listed_command_has_help() {
    let text = readme();
    let mut checked = 0;
    for line in text.lines().filter(|l| l.starts_with("| `planmark ")) {
        let cmd = line.trim_start_matches("| `planmark ");
        for part in cmd.split("`, `planmark ") {
            let sub = part.split([' ', '`']).next().unwrap();
            planmark().args([sub, "--help"]).assert().success();
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} commands found in the README table"
    );
}
