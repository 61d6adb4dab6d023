//! The study modes students know from flashcard sites, shaped for essay plans,
//! as pure state machines: the CLI feeds them the student's answers, and the
//! random order comes from a seed passed in.

pub mod learn;
pub mod matching;
pub mod practice;
pub mod sort;
pub mod test;

/// Shuffles with a seeded generator, so a session can be replayed in tests.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    fastrand::Rng::with_seed(seed).shuffle(items);
}
