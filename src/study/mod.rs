//! Studying: the SQLite store, the FSRS scheduler adapter and the analytics
//! behind `planmark stats`. The clock is always passed in.

pub mod analytics;
pub mod drafts;
pub mod schedule;
pub mod store;

pub use schedule::{
    CardState, Idle, PickReason, Rating, Scheduler, describe_due, idle_reason, pick_next,
    rating_for,
};
pub use store::{Attempt, Draft, LastReview, NewAttempt, Session, Store, StoreError};
