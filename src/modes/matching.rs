//! Match: headlines numbered 1.., details lettered a.., both shuffled; the
//! student pairs them ("3c", or several at once: "3c 4b") until all are
//! matched.

use super::shuffle;

/// One headline and its detail, from a card.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPair {
    /// `DECK/CARD`.
    pub card: String,
    pub headline: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MatchOutcome {
    Matched { headline: String },
    Wrong,
    AlreadyMatched,
}

#[derive(Debug, Clone)]
pub struct MatchGame {
    /// Pairs in display order of headlines.
    pairs: Vec<MatchPair>,
    /// Display order of the details: `detail_order[letter] = pair index`.
    detail_order: Vec<usize>,
    matched: Vec<bool>,
    /// Headlines paired wrongly at least once.
    missed: Vec<bool>,
    mistakes: u32,
}

impl MatchGame {
    pub fn new(mut pairs: Vec<MatchPair>, seed: u64) -> MatchGame {
        shuffle(&mut pairs, seed);
        let mut detail_order: Vec<usize> = (0..pairs.len()).collect();
        shuffle(&mut detail_order, seed.wrapping_add(1));
        let n = pairs.len();
        MatchGame {
            pairs,
            detail_order,
            matched: vec![false; n],
            missed: vec![false; n],
            mistakes: 0,
        }
    }

    /// Headlines with their 1-based numbers, and whether each is matched.
    pub fn headlines(&self) -> Vec<(usize, &str, bool)> {
        self.pairs
            .iter()
            .enumerate()
            .map(|(i, p)| (i + 1, p.headline.as_str(), self.matched[i]))
            .collect()
    }

    /// Details with their letters, and whether each is matched.
    pub fn details(&self) -> Vec<(char, &str, bool)> {
        self.detail_order
            .iter()
            .enumerate()
            .map(|(k, &i)| (letter(k), self.pairs[i].detail.as_str(), self.matched[i]))
            .collect()
    }

    /// Reads one pair: "3c", "3 c" or "c3".
    pub fn parse(&self, input: &str) -> Result<(usize, usize), String> {
        match self.parse_pairs(input)?.as_slice() {
            [one] => Ok(*one),
            _ => Err("type one number and one letter, e.g. 2b".to_string()),
        }
    }

    /// Reads one or more pairs: "3c 4b", "3c, 4b", "c3 b4", "3 c". Each is
    /// (headline index, letter index), 0-based.
    pub fn parse_pairs(&self, input: &str) -> Result<Vec<(usize, usize)>, String> {
        #[derive(Clone, Copy)]
        enum Tok {
            Num(usize),
            Let(usize),
        }
        let n = self.pairs.len();
        let example = "type a number and a letter for each pair, e.g. 1b or 1b 2a";
        let mut toks = Vec::new();
        let mut chars = input.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_whitespace() || c == ',' || c == ';' {
                continue;
            } else if c.is_ascii_digit() {
                let mut v = c.to_digit(10).unwrap_or(0) as usize;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    v = v.saturating_mul(10).saturating_add(d as usize);
                    chars.next();
                }
                toks.push(Tok::Num(v));
            } else if c.is_ascii_alphabetic() {
                toks.push(Tok::Let((c.to_ascii_lowercase() as u8 - b'a') as usize));
            } else {
                return Err(example.to_string());
            }
        }
        if toks.is_empty() || toks.len() % 2 == 1 {
            return Err(example.to_string());
        }
        toks.chunks(2)
            .map(|pair| {
                let (number, k) = match *pair {
                    [Tok::Num(x), Tok::Let(k)] | [Tok::Let(k), Tok::Num(x)] => (x, k),
                    _ => return Err(example.to_string()),
                };
                if number == 0 || number > n || k >= n {
                    return Err(format!(
                        "numbers go from 1 to {n} and letters from a to {}",
                        letter(n.saturating_sub(1))
                    ));
                }
                Ok((number - 1, k))
            })
            .collect()
    }

    /// Reads a whole answer that must pair every headline once and use every
    /// letter once, as a test asks.
    pub fn parse_all(&self, input: &str) -> Result<Vec<(usize, usize)>, String> {
        let pairs = self.parse_pairs(input)?;
        let n = self.pairs.len();
        let mut heads = vec![false; n];
        let mut letters = vec![false; n];
        for &(h, k) in &pairs {
            if std::mem::replace(&mut heads[h], true) {
                return Err(format!("{} is paired twice; pair each number once", h + 1));
            }
            if std::mem::replace(&mut letters[k], true) {
                return Err(format!("{} is used twice; use each letter once", letter(k)));
            }
        }
        if pairs.len() < n {
            let missing: Vec<String> = (0..n)
                .filter(|&h| !heads[h])
                .map(|h| (h + 1).to_string())
                .collect();
            return Err(format!(
                "pair all {n}: {} {} no letter yet",
                missing.join(", "),
                if missing.len() == 1 { "has" } else { "have" }
            ));
        }
        Ok(pairs)
    }

    /// Whether each pair is right, without changing the game.
    pub fn check(&self, pairs: &[(usize, usize)]) -> Vec<bool> {
        pairs
            .iter()
            .map(|&(h, k)| self.detail_order[k] == h)
            .collect()
    }

    pub fn try_pair(&mut self, headline: usize, letter: usize) -> MatchOutcome {
        let pair = self.detail_order[letter];
        if self.matched[headline] || self.matched[pair] {
            return MatchOutcome::AlreadyMatched;
        }
        if pair == headline {
            self.matched[headline] = true;
            MatchOutcome::Matched {
                headline: self.pairs[headline].headline.clone(),
            }
        } else {
            self.mistakes += 1;
            self.missed[headline] = true;
            MatchOutcome::Wrong
        }
    }

    pub fn done(&self) -> bool {
        self.matched.iter().all(|m| *m)
    }

    pub fn mistakes(&self) -> u32 {
        self.mistakes
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The score as recorded: a pair is right when matched with no wrong try
    /// first; a pair never matched is not right.
    pub fn outcome(&self) -> super::Outcome {
        super::Outcome::from_items((0..self.pairs.len()).map(|i| {
            (
                self.pairs[i].card.as_str(),
                self.matched[i] || self.missed[i],
                self.matched[i] && !self.missed[i],
            )
        }))
    }

    /// The right answer for a headline ("3c").
    pub fn answer_for(&self, headline: usize) -> String {
        let k = self
            .detail_order
            .iter()
            .position(|&i| i == headline)
            .unwrap_or(0);
        format!("{}{}", headline + 1, letter(k))
    }

    /// Every right answer in headline order: "1c 2a 3b".
    pub fn answers(&self) -> String {
        (0..self.pairs.len())
            .map(|h| self.answer_for(h))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn letter(k: usize) -> char {
    (b'a' + k.min(25) as u8) as char
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(n: usize) -> MatchGame {
        let pairs = (0..n)
            .map(|i| MatchPair {
                card: format!("d/c{}", i % 2),
                headline: format!("h{i}"),
                detail: format!("d{i}"),
            })
            .collect();
        MatchGame::new(pairs, 3)
    }

    #[test]
    fn pairs_match_only_their_own_detail() {
        let mut g = game(5);
        assert!(g.parse("9z").is_err());
        assert!(g.parse("hello").is_err());
        let mut wrongs = 0;
        for i in 0..g.len() {
            let right = g.answer_for(i);
            let (h, k) = g.parse(&right).unwrap();
            // A letter whose detail belongs to a headline not yet matched.
            let unmatched_other = (0..g.len()).find(|&x| x != k && !g.details()[x].2);
            if let Some(wrong) = unmatched_other {
                assert_eq!(g.try_pair(h, wrong), MatchOutcome::Wrong);
                wrongs += 1;
            }
            assert!(matches!(g.try_pair(h, k), MatchOutcome::Matched { .. }));
            assert_eq!(g.try_pair(h, k), MatchOutcome::AlreadyMatched);
        }
        assert!(g.done());
        assert_eq!(g.mistakes(), wrongs);
        assert_eq!(wrongs, 4, "the last headline has no wrong letter left");
        assert_eq!(g.outcome().correct, 1, "only the last was right first time");
        let (h, d) = (g.headlines(), g.details());
        let detail_of = |n: &str| n.replace('h', "d");
        // Each headline's number-letter answer points at its own detail.
        for (num, head, _) in h {
            let letter = g.answer_for(num - 1).chars().last().unwrap();
            let shown = d.iter().find(|(c, _, _)| *c == letter).unwrap().1;
            assert_eq!(shown, detail_of(head));
        }
    }

    #[test]
    fn several_pairs_read_in_any_of_the_usual_ways() {
        let g = game(5);
        assert_eq!(g.parse_pairs("3a 4b").unwrap(), [(2, 0), (3, 1)]);
        assert_eq!(g.parse_pairs("3a,4b").unwrap(), [(2, 0), (3, 1)]);
        assert_eq!(g.parse_pairs("a3 B4").unwrap(), [(2, 0), (3, 1)]);
        assert_eq!(g.parse_pairs("3 a").unwrap(), [(2, 0)]);
        assert!(g.parse_pairs("3a 4").is_err());
        assert!(g.parse_pairs("3a 9b").unwrap_err().contains("1 to 5"));
        assert!(g.parse("3a 4b").is_err(), "parse takes exactly one pair");
    }

    #[test]
    fn a_test_answer_must_pair_every_headline_once() {
        let g = game(3);
        assert_eq!(
            g.parse_all("1c 2a").unwrap_err(),
            "pair all 3: 3 has no letter yet"
        );
        assert!(
            g.parse_all("1a 1b 2c")
                .unwrap_err()
                .contains("paired twice")
        );
        assert!(g.parse_all("1a 2a 3c").unwrap_err().contains("used twice"));
        let right = g.parse_all(&g.answers()).unwrap();
        assert_eq!(g.check(&right), [true, true, true]);
    }

    #[test]
    fn stopping_before_any_pair_matches_scores_nothing() {
        let mut g = game(5);
        let (h, k) = g.parse(&g.answer_for(0)).unwrap();
        let wrong = (k + 1) % 5;
        assert_eq!(g.try_pair(h, wrong), MatchOutcome::Wrong);
        let o = g.outcome();
        assert_eq!((o.correct, o.total, o.answered), (0, 5, 1));
        assert!(!o.finished);
    }
}
