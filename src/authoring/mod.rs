//! What teachers run on rubrics: `check` (lints with source spans),
//! `calibrate` (`rubric test`: agreement with teacher-marked plans) and
//! `starter` (`rubric new`: a first rubric drafted from a card). Pure: these
//! call the grader and the model, never the terminal.

pub mod calibrate;
pub mod check;
pub mod edit;
pub mod fit_bands;
pub mod starter;
pub mod suggest;
