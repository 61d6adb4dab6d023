//! Errors as pages a student can act on: what happened and what to do, with
//! the right status code. Never a Debug dump.

use super::layout;
use crate::study::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<crate::error::Error> for WebError {
    fn from(e: crate::error::Error) -> WebError {
        match e {
            crate::error::Error::NotFound { .. } | crate::error::Error::AmbiguousCard { .. } => {
                WebError::NotFound(e.to_string())
            }
            other => WebError::BadRequest(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::NotFound(m) => page_error(StatusCode::NOT_FOUND, "Not found", m),
            WebError::BadRequest(m) => page_error(StatusCode::BAD_REQUEST, "Cannot do that", m),
            WebError::Store(StoreError::Busy { .. }) => page_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "planmark is busy saving work from another window or the command line. \
                 Nothing is lost: wait a moment and send it again.",
            ),
            WebError::Store(e) => page_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The study database had a problem",
                &e.to_string(),
            ),
            WebError::Internal(m) => {
                page_error(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", m)
            }
        }
    }
}

/// A whole page saying what went wrong.
pub fn page_error(status: StatusCode, title: &str, message: &str) -> Response {
    let body = layout::page(
        title,
        None,
        html! {
            h1 { (title) }
            p.error role="alert" { (message) }
            p { a href="/" { "Back to the start page" } }
        },
    );
    (status, body).into_response()
}

pub async fn not_found() -> Response {
    page_error(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}
