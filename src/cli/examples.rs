//! The examples that end every command's `--help`, kept in one table so a
//! test can check that every command and subcommand has some and that each
//! one parses. Commands whose own help text already ends in examples (grade,
//! practice, serve, rubric new/test/suggest) keep them where they are.

use clap::Command;

/// (command path, example lines). Each line is a shell line: it may set an
/// environment variable first, redirect, or end in a `# comment`.
pub const EXAMPLES: &[(&[&str], &[&str])] = &[
    (
        &["decks"],
        &[
            "planmark decks",
            "planmark decks --library ./my-class       # also the decks in a folder",
        ],
    ),
    (
        &["rubrics"],
        &[
            "planmark rubrics",
            "planmark rubrics --library ./my-class     # also the rubrics in a folder",
        ],
    ),
    (
        &["show"],
        &[
            "planmark show stalin-trotsky",
            "planmark show russia-1917-53/women",
        ],
    ),
    (
        &["due"],
        &["planmark due", "planmark due --deck russia-1917-53"],
    ),
    (
        &["history"],
        &["planmark history", "planmark history stalin-trotsky"],
    ),
    (
        &["attempt"],
        &[
            "planmark attempt 3                        # attempt #3, as `planmark history` numbers them",
        ],
    ),
    (
        &["stats"],
        &[
            "planmark stats",
            "planmark stats --deck russia-1917-53 --format csv > progress.csv",
            "planmark stats --format json",
        ],
    ),
    (
        &["drafts"],
        &[
            "planmark drafts",
            "planmark drafts --show 2",
            "planmark practice --resume 2              # carry on with draft #2",
            "planmark drafts --delete 2",
        ],
    ),
    (
        &["where"],
        &[
            "planmark where",
            "PLANMARK_DB=/tmp/try.db planmark where    # a throw-away database for trying things",
        ],
    ),
    (
        &["flashcards"],
        &[
            "planmark flashcards",
            "planmark flashcards --deck russia-1917-53 --new 10",
        ],
    ),
    (
        &["sort"],
        &[
            "planmark sort --card stalin-trotsky",
            "planmark sort --deck russia-1917-53 --seed 7",
        ],
    ),
    (
        &["match"],
        &[
            "planmark match --card stalin-trotsky",
            "planmark match --deck russia-1917-53 -n 8",
        ],
    ),
    (
        &["learn"],
        &[
            "planmark learn                            # the card learnt least recently",
            "planmark learn --card great-terror",
        ],
    ),
    (
        &["test"],
        &["planmark test", "planmark test -n 3 --seed 11"],
    ),
    (
        &["deck"],
        &[
            "planmark deck import set-page.txt --id stalin -o stalin.toml",
            "planmark deck export russia-1917-53 --to quizlet -o russia.txt",
        ],
    ),
    (
        &["deck", "import"],
        &[
            "planmark deck import set-page.txt         # text copied from a Knowt or Quizlet set page",
            "planmark deck import export.txt --from quizlet --term-sep tab --card-sep newline",
            "planmark deck import anki.txt --id russia -o russia.toml",
        ],
    ),
    (
        &["deck", "export"],
        &[
            "planmark deck export russia-1917-53 --to anki -o russia-anki.txt",
            "planmark deck export russia-1917-53 --to quizlet",
        ],
    ),
    (
        &["rubric"],
        &[
            "planmark rubric check --deny-warnings",
            "planmark rubric new --card russia-1917-53/women -o my-women.toml",
            "planmark rubric test stalin-trotsky",
        ],
    ),
    (
        &["rubric", "check"],
        &[
            "planmark rubric check                     # every rubric in the library",
            "planmark rubric check my-women.toml --deny-warnings",
        ],
    ),
    (
        &["completions"],
        &[
            "planmark completions bash > ~/.local/share/bash-completion/completions/planmark",
            "planmark completions zsh > ~/.zfunc/_planmark",
            "planmark completions fish > ~/.config/fish/completions/planmark.fish",
            "planmark completions powershell >> $PROFILE",
        ],
    ),
    (
        &["man"],
        &[
            "planmark man > planmark.1 && man ./planmark.1",
            "planmark man grade > planmark-grade.1",
        ],
    ),
];

/// `cmd` with the examples above added to the help of each command that has
/// none of its own.
pub fn add_to(mut cmd: Command) -> Command {
    for (path, lines) in EXAMPLES {
        cmd = add_at(cmd, path, lines);
    }
    cmd
}

fn add_at(cmd: Command, path: &[&str], lines: &[&str]) -> Command {
    match path {
        [] => {
            let before = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if before.contains("Examples:") {
                return cmd;
            }
            let mut text = before;
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str("Examples:");
            for l in lines {
                text.push_str("\n  ");
                text.push_str(l);
            }
            cmd.after_help(text)
        }
        [first, rest @ ..] => cmd.mut_subcommand(*first, |sub| add_at(sub, rest, lines)),
    }
}

/// The `planmark …` command of an example line, as arguments (after any
/// `VAR=value` prefix, before a redirection, pipe, `&&` or comment).
#[cfg(test)]
pub fn args_of(line: &str) -> Option<Vec<String>> {
    let line = line.split(" # ").next().unwrap_or(line);
    let start = line.find("planmark ").or_else(|| {
        line.trim_end()
            .ends_with("planmark")
            .then(|| line.len() - "planmark".len())
    })?;
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line[start..].chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '|' | '>' | '<' | '&' | ';') => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// Every command path with its help's text after it, for the tests.
#[cfg(test)]
fn all_commands(cmd: &Command, path: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let help = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    out.push((path.clone(), help));
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        all_commands(sub, p, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example lines of a help text: the indented lines after "Examples:".
    fn example_lines(help: &str) -> Vec<String> {
        let Some((_, rest)) = help.split_once("Examples:") else {
            return Vec::new();
        };
        rest.lines()
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .map(|l| l.trim().to_string())
            .collect()
    }

    #[test]
    fn every_command_has_examples_and_each_one_parses() {
        let mut cmds = Vec::new();
        all_commands(&crate::cli::command(), Vec::new(), &mut cmds);
        assert!(cmds.len() > 25, "{} commands", cmds.len());
        for (path, help) in &cmds {
            let lines = example_lines(help);
            let name = format!("planmark {}", path.join(" "));
            assert!(!lines.is_empty(), "`{name} --help` has no examples");
            assert!(
                lines
                    .iter()
                    .any(|l| args_of(l).is_some_and(|a| a[1..].starts_with(path))),
                "`{name} --help` has no example of `{name}` itself: {lines:?}"
            );
            for line in &lines {
                let args =
                    args_of(line).unwrap_or_else(|| panic!("{name}: `{line}` runs no planmark"));
                if let Err(e) = crate::cli::command().try_get_matches_from(&args) {
                    panic!("{name}: the example `{line}` does not parse:\n{e}");
                }
            }
        }
    }

    #[test]
    fn example_lines_are_read_like_a_shell_would() {
        assert_eq!(
            args_of("PLANMARK_DB=/tmp/x.db planmark where   # a note").unwrap(),
            ["planmark", "where"]
        );
        assert_eq!(
            args_of("echo 'a b' | planmark grade --rubric x > out.txt").unwrap(),
            ["planmark", "grade", "--rubric", "x"]
        );
        assert_eq!(
            args_of("planmark man > planmark.1 && man ./planmark.1").unwrap(),
            ["planmark", "man"]
        );
        assert_eq!(
            args_of("planmark grade --text-column 'Your plan'").unwrap(),
            ["planmark", "grade", "--text-column", "Your plan"]
        );
        assert_eq!(args_of("echo hello"), None);
    }

    #[test]
    fn a_bad_example_would_be_caught() {
        let cmd = crate::cli::command();
        assert!(
            cmd.try_get_matches_from(["planmark", "stats", "--format", "jsonl"])
                .is_err()
        );
    }
}
