//! The integration tests, one module per area, built as one test binary.
//!
//! One binary instead of one per file: each test binary links the whole
//! crate and its dependencies, and nineteen of them filled the CI disk.
//! Run one area with `cargo test --test suite <module>::`, e.g.
//! `cargo test --test suite teacher::`.

mod common;

mod accuracy;
mod browser;
mod cli;
mod hardening;
mod interchange;
mod library;
mod matching;
mod modes;
mod properties;
mod readme;
mod report;
mod sense;
mod snapshots;
mod structure;
mod study;
mod teacher;
mod terminal;
mod web;
mod web_serve;
