//! Snapshots of what people see: the one-plan table, the class table and the
//! JSON contract, so any change to them is reviewed (`cargo insta review`).

const PLAN: &str = "Overall S won mainly through his control as gen sec.\n\
    - T arrogant, relied on his rep from the CW\n\
    - Lenins testamant hidden in May 1924, called S rude\n\
    - SIOC (1924) v permanent revolution\n";

fn planmark(args: &[&str], stdin: &str) -> String {
    let out = crate::common::planmark()
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn one_plan_table() {
    insta::assert_snapshot!(planmark(&["grade", "--rubric", "stalin-trotsky"], PLAN));
}

#[test]
fn one_plan_json() {
    let json: serde_json::Value = serde_json::from_str(&planmark(
        &["grade", "--rubric", "stalin-trotsky", "--format", "json"],
        PLAN,
    ))
    .unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn class_table() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("class.csv");
    std::fs::write(
        &csv,
        format!(
            "Name,Plan\nAmy,\"{}\"\nBen,Stalin was General Secretary\nCat,\n",
            PLAN.replace('"', "\"\"")
        ),
    )
    .unwrap();
    let csv = csv.to_str().unwrap().to_string();
    insta::assert_snapshot!(planmark(
        &["grade", "--rubric", "february-1917", "--csv", &csv],
        ""
    ));
}
