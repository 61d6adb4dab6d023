//! Charts drawn on the server as inline SVG: no charting library and no
//! script. Colours come from attributes (the style sheet may restyle them);
//! each chart has a text alternative.

use crate::study::analytics::{DeckMastery, MissedFactor};
use maud::{Markup, html};
use std::collections::BTreeMap;

const BLUE: &str = "#3b5bdb";
const GREY: &str = "#dee2e6";

/// A card's recent marks, oldest first, as a small line chart.
pub fn trend(marks: &[u32], max: u32) -> Markup {
    let (w, h, pad) = (160.0, 60.0, 6.0);
    let max = f64::from(max.max(1));
    let n = marks.len().max(2) - 1;
    let points: Vec<(f64, f64)> = marks
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            let x = pad + (w - 2.0 * pad) * i as f64 / n as f64;
            let y = h - pad - (h - 2.0 * pad) * f64::from(m) / max;
            (x, y)
        })
        .collect();
    let line: String = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let desc = format!(
        "Marks over the last {} attempts: {}",
        marks.len(),
        marks
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    html! {
        svg.chart.trend viewBox={"0 0 " (w) " " (h)} width="160" height="60" role="img" aria-label=(desc) {
            title { (desc) }
            line x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) stroke=(GREY) {}
            polyline points=(line) fill="none" stroke=(BLUE) stroke-width="2" {}
            @for (x, y) in &points { circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2.5" fill=(BLUE) {} }
        }
    }
}

/// How many attempts reached each level, 0 to `top`.
pub fn levels(counts: &BTreeMap<u32, u32>, top: u32) -> Markup {
    let top = top.max(counts.keys().max().copied().unwrap_or(0));
    let most = counts.values().max().copied().unwrap_or(0).max(1);
    let bars = top + 1;
    let (w, h, base) = (60.0 * f64::from(bars), 150.0, 125.0);
    let desc = (0..=top)
        .map(|l| format!("Level {l}: {}", counts.get(&l).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        svg.chart.levels viewBox={"0 0 " (w) " " (h)} role="img" aria-label=(desc) {
            title { (desc) }
            @for l in 0..=top {
                @let n = counts.get(&l).copied().unwrap_or(0);
                @let bh = 100.0 * f64::from(n) / f64::from(most);
                @let x = 60.0 * f64::from(l) + 10.0;
                rect x=(x) y=(format!("{:.1}", base - bh)) width="40" height=(format!("{bh:.1}")) fill=(BLUE) {}
                text x=(x + 20.0) y=(format!("{:.1}", base - bh - 4.0)) text-anchor="middle" font-size="12" { (n) }
                text x=(x + 20.0) y=(base + 16.0) text-anchor="middle" font-size="12" { "L" (l) }
            }
        }
    }
}

/// The factors missed most, as horizontal bars of the share of attempts.
pub fn missed(list: &[MissedFactor]) -> Markup {
    let row = 26.0;
    let h = row * list.len() as f64 + 4.0;
    html! {
        svg.chart.missed viewBox={"0 0 600 " (h)} role="img" aria-label="Factors missed most, as a share of attempts" {
            title { "Factors missed most" }
            @for (i, m) in list.iter().enumerate() {
                @let share = f64::from(m.missed) / f64::from(m.attempts.max(1));
                @let y = row * i as f64 + 2.0;
                rect x="0" y=(y) width="200" height="18" fill=(GREY) {}
                rect x="0" y=(y) width=(format!("{:.1}", 200.0 * share)) height="18" fill="#c92a2a" {}
                text x="208" y=(y + 14.0) font-size="12" {
                    (format!("{:.0}%", share * 100.0)) " · " (m.label) " (" (m.card) ")"
                }
            }
        }
    }
}

/// Mastery per study mode for each deck, as grouped bars.
pub fn mastery(decks: &[DeckMastery]) -> Markup {
    let modes = ["Learn", "Test", "Match", "Sort", "Spaced"];
    let colours = ["#2f9e44", "#f08c00", "#7048e8", "#1c7ed6", "#c2255c"];
    let group = 16.0 * modes.len() as f64 + 30.0;
    let h = group * decks.len() as f64 + 30.0;
    html! {
        svg.chart.mastery viewBox={"0 0 600 " (h)} role="img" aria-label="Mastery per mode per deck (the table below gives the numbers)" {
            title { "Mastery per mode per deck" }
            @for (k, (name, colour)) in modes.iter().zip(colours).enumerate() {
                rect x=(10.0 + 100.0 * k as f64) y="4" width="12" height="12" fill=(colour) {}
                text x=(26.0 + 100.0 * k as f64) y="14" font-size="12" { (name) }
            }
            @for (i, d) in decks.iter().enumerate() {
                @let y0 = 30.0 + group * i as f64;
                text x="0" y=(y0 + 12.0) font-size="13" font-weight="bold" { (d.deck) }
                @let values = [d.modes.learn, d.modes.test, d.modes.matching, d.modes.sort, d.modes.spaced];
                @for (k, v) in values.iter().enumerate() {
                    @let y = y0 + 18.0 + 16.0 * k as f64;
                    rect x="0" y=(y) width="400" height="12" fill=(GREY) {}
                    @if let Some(v) = v {
                        rect x="0" y=(y) width=(format!("{:.1}", 400.0 * v)) height="12" fill=(colours[k]) {}
                    }
                    text x="408" y=(y + 11.0) font-size="11" {
                        (modes[k]) " " (v.map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0)))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_has_one_point_per_mark_and_says_them() {
        let svg = trend(&[3, 10, 18], 25).into_string();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("3, 10, 18"));
    }

    #[test]
    fn every_level_gets_a_bar_even_when_empty() {
        let counts = BTreeMap::from([(2, 4), (5, 1)]);
        let svg = levels(&counts, 5).into_string();
        assert_eq!(svg.matches("<rect").count(), 6);
        assert!(svg.contains("Level 3: 0"));
    }
}
