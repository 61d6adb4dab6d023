//! planmark: practise and mark A-level history essay plans.
//!
//! The library is the engine; it never prints. A plan travels
//! [`text`] (tokens with spans) → [`grade`] (a [`grade::GradeResult`]) → the CLI.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod grade;
pub mod interchange;
pub mod model;
pub mod modes;
pub mod text;

pub use grade::{GradeResult, Grader};
pub use model::{Deck, Rubric};
pub mod alloc;
pub mod authoring;
pub mod display;
pub mod error;
pub mod fsutil;
pub mod input;
pub mod library;
pub mod report;
pub mod study;
pub mod web;
