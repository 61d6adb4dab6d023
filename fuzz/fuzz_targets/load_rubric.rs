//! Any text as a TOML or JSON rubric: loading never panics, every diagnostic
//! renders (as the CLI renders it), and a rubric that loads compiles and
//! grades a plan.
#![no_main]

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use libfuzzer_sys::fuzz_target;
use planmark::model::{FileDiagnostics, diag::clamp_to_chars, parse_rubric};
use std::path::Path;

fn render(fd: &FileDiagnostics) {
    for d in &fd.diagnostics {
        let title = Level::ERROR.primary_title(d.message.as_str());
        if let Some(span) = &d.span {
            let span = clamp_to_chars(&fd.text, span.clone());
            let group = title.element(
                Snippet::source(fd.text.as_str())
                    .line_start(1)
                    .annotation(AnnotationKind::Primary.span(span)),
            );
            let _ = Renderer::plain().render(&[group]);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let path = if kind % 2 == 0 { "r.toml" } else { "r.json" };
    match parse_rubric(Path::new(path), text) {
        Ok(rubric) => {
            if let Ok(g) = planmark::Grader::new(rubric) {
                let r = g.grade("p", "Overall Trotsky was arrogant; Lenin's testament 1924.");
                assert!(r.coverage.is_finite());
                let mut summary = planmark::report::ClassSummary::new(g.rubric(), None, true);
                summary.add(&r);
                let mut out = Vec::new();
                planmark::report::write_html(&summary, std::io::empty(), &mut out).unwrap();
                assert!(
                    out.len() < 1 << 22,
                    "report of one plan is {} bytes",
                    out.len()
                );
            }
        }
        Err(fd) => render(&fd),
    }
});
