//! Match: headlines numbered 1.., details lettered a.., both shuffled; the
//! student pairs them ("3c") until all are matched.

use super::shuffle;

#[derive(Debug, Clone, PartialEq)]
pub enum MatchOutcome {
    Matched { headline: String },
    Wrong,
    AlreadyMatched,
}

#[derive(Debug, Clone)]
pub struct MatchGame {
    /// (headline, detail) pairs in display order of headlines.
    pairs: Vec<(String, String)>,
    /// Display order of the details: `detail_order[letter] = pair index`.
    detail_order: Vec<usize>,
    matched: Vec<bool>,
    mistakes: u32,
}

impl MatchGame {
    pub fn new(mut pairs: Vec<(String, String)>, seed: u64) -> MatchGame {
        shuffle(&mut pairs, seed);
        let mut detail_order: Vec<usize> = (0..pairs.len()).collect();
        shuffle(&mut detail_order, seed.wrapping_add(1));
        let n = pairs.len();
        MatchGame {
            pairs,
            detail_order,
            matched: vec![false; n],
            mistakes: 0,
        }
    }

    /// Headlines (1-based numbers) still to match.
    pub fn headlines(&self) -> Vec<(usize, &str, bool)> {
        self.pairs
            .iter()
            .enumerate()
            .map(|(i, (h, _))| (i + 1, h.as_str(), self.matched[i]))
            .collect()
    }

    /// Details with their letters.
    pub fn details(&self) -> Vec<(char, &str, bool)> {
        self.detail_order
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                (
                    (b'a' + k as u8) as char,
                    self.pairs[i].1.as_str(),
                    self.matched[i],
                )
            })
            .collect()
    }

    /// Reads "3c", "3 c" or "c3".
    pub fn parse(&self, input: &str) -> Result<(usize, usize), String> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let letters: Vec<char> = s.chars().filter(char::is_ascii_lowercase).collect();
        let n = self.pairs.len();
        let number: usize = digits
            .parse()
            .map_err(|_| format!("type a number and a letter, e.g. 1{}", 'a'))?;
        let [letter] = letters.as_slice() else {
            return Err("type one number and one letter, e.g. 2b".to_string());
        };
        let k = (*letter as u8 - b'a') as usize;
        if number == 0 || number > n || k >= n {
            return Err(format!(
                "numbers go from 1 to {n} and letters from a to {}",
                (b'a' + n as u8 - 1) as char
            ));
        }
        Ok((number - 1, k))
    }

    pub fn try_pair(&mut self, headline: usize, letter: usize) -> MatchOutcome {
        let pair = self.detail_order[letter];
        if self.matched[headline] || self.matched[pair] {
            return MatchOutcome::AlreadyMatched;
        }
        if pair == headline {
            self.matched[headline] = true;
            MatchOutcome::Matched {
                headline: self.pairs[headline].0.clone(),
            }
        } else {
            self.mistakes += 1;
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

    /// The right answer for a headline ("3c"), for tests and give-ups.
    pub fn answer_for(&self, headline: usize) -> String {
        let k = self
            .detail_order
            .iter()
            .position(|&i| i == headline)
            .unwrap_or(0);
        format!("{}{}", headline + 1, (b'a' + k as u8) as char)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_match_only_their_own_detail() {
        let pairs: Vec<(String, String)> =
            (0..5).map(|i| (format!("h{i}"), format!("d{i}"))).collect();
        let mut g = MatchGame::new(pairs, 3);
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
        let (h, d) = (g.headlines(), g.details());
        let detail_of = |n: &str| n.replace('h', "d");
        // Each headline's number-letter answer points at its own detail.
        for (num, head, _) in h {
            let letter = g.answer_for(num - 1).chars().last().unwrap();
            let shown = d.iter().find(|(c, _, _)| *c == letter).unwrap().1;
            assert_eq!(shown, detail_of(head));
        }
    }
}
