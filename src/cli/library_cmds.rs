//! `planmark decks`, `planmark rubrics` and `planmark show`.

use super::render::{self, BOLD, paint};
use super::{Context, exit};
use planmark::error::Error;

pub fn decks(ctx: &Context) -> Result<u8, Error> {
    let lib = ctx.library_quiet();
    let mut t = render::new_table(ctx.color_stdout);
    t.set_header(vec!["Deck", "Title", "Cards", "From"]);
    for d in &lib.decks {
        t.add_row(vec![
            d.item.id.clone(),
            d.item.title.clone(),
            d.item.cards.len().to_string(),
            d.origin.to_string(),
        ]);
    }
    render::keep_whole(&mut t, &[0]);
    println!("{t}");
    report_problems(ctx, &lib);
    Ok(exit::OK)
}

pub fn rubrics(ctx: &Context) -> Result<u8, Error> {
    let lib = ctx.library_quiet();
    let mut t = render::new_table(ctx.color_stdout);
    t.set_header(vec!["Rubric", "Card", "Factors", "Max mark", "From"]);
    for r in &lib.rubrics {
        t.add_row(vec![
            r.item.id.clone(),
            r.item.card.clone().unwrap_or_default(),
            r.item.factors.len().to_string(),
            r.item.max_mark().to_string(),
            r.origin.to_string(),
        ]);
    }
    render::keep_whole(&mut t, &[0, 1]);
    println!("{t}");
    report_problems(ctx, &lib);
    Ok(exit::OK)
}

fn report_problems(ctx: &Context, lib: &planmark::library::Library) {
    for p in &lib.problems {
        eprintln!(
            "{}",
            render::warning_line(
                &format!("skipped {}: it does not load", p.path.display()),
                ctx.color_stderr
            )
        );
        eprint!("{}", render::diagnostics(p, ctx.color_stderr));
    }
}

pub fn show(ctx: &Context, reference: &str) -> Result<u8, Error> {
    let lib = ctx.library();
    let (deck, card) = lib.card(reference)?;
    let c = ctx.color_stdout;
    println!("{} {}/{}", paint("Card:", BOLD, c), deck.id, card.id);
    println!("{}\n", paint(&card.question, BOLD, c));
    println!("{} {}\n", paint("Judgement:", BOLD, c), card.judgement);
    println!("{}", render::points_by_side(card, c, |_| "•".to_string()));
    if let Some(r) = lib.rubric_for_card(&deck.id, &card.id) {
        println!(
            "Rubric: {} (planmark grade --rubric {})",
            r.item.id, r.item.id
        );
    }
    Ok(exit::OK)
}
