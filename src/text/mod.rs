//! Plan text → matchable terms with byte spans of the original: folding,
//! stemming, segmenting and shorthand expansion. Knows nothing about rubrics.

pub mod dictionary;
pub mod expand;
pub mod fold;
pub mod lexicon;
pub mod numbers;
pub mod pattern;
pub mod tokenize;
pub mod word;

pub use expand::Expander;
pub use tokenize::{Term, Token, TokenKind, tokenize};
pub use word::Word;
