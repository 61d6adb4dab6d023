//! Who may talk to the server, and what every response carries.
//!
//! - **Host**: requests must name a loopback host (`127.0.0.1`, `localhost`,
//!   `[::1]`), a host given with `--allow-host`, or, in token mode, an IP
//!   address. A web page on another site whose DNS name is rebound to
//!   127.0.0.1 names its own host, and is refused.
//! - **Token** (LAN mode): the token arrives once in the URL (`?token=…`),
//!   is moved into an HttpOnly, SameSite=Strict cookie, and the browser is
//!   sent to the same page without it; every request needs it after that.
//! - **Origin + CSRF**: a request that changes anything (every method but
//!   GET/HEAD) must come from this origin when the browser says where it
//!   comes from, and must carry the server's CSRF token (form field `csrf`,
//!   query `csrf`, or header `X-CSRF-Token`), which only pages served from
//!   here contain.
//! - **Body limits**: 1 MiB for forms and plans, 20 MiB for the teacher's
//!   uploads, refused before the body is read when its length says so.
//! - **Headers**: a Content-Security-Policy that allows only this server's
//!   own script and style (no inline script), no framing, no sniffing, no
//!   referrer sent to other sites.

use super::error::page_error;
use super::{Access, App, FORM_LIMIT, UPLOAD_LIMIT};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const TOKEN_COOKIE: &str = "planmark_token";

/// 32 random hex digits from the operating system's generator.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The host part of a `Host` header value: `[::1]:8080` → `::1`,
/// `localhost:80` → `localhost`.
fn host_name(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    value.rsplit_once(':').map_or(value, |(h, _)| h)
}

fn host_allowed(app: &App, host: &str) -> bool {
    let name = host_name(host).to_ascii_lowercase();
    let ip = name.parse::<std::net::IpAddr>().ok();
    name == "localhost"
        || ip.is_some_and(|ip| ip.is_loopback() || matches!(app.access, Access::Token(_)))
        || app
            .extra_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&name))
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The value of `name` in a query string or urlencoded form.
fn form_value(encoded: &[u8], name: &str) -> Option<String> {
    form_urlencoded_pairs(encoded)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(encoded: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .unwrap_or_default()
        .into_iter()
}

fn refuse(status: StatusCode, title: &str, message: &str) -> Response {
    page_error(status, title, message)
}

/// The checks every request passes before a handler sees it.
pub async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "No Host",
            "The request did not say which host it was for.",
        );
    };
    if !host_allowed(&app, host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "Wrong address",
            "This planmark only answers requests made to its own address (e.g. http://127.0.0.1:PORT). \
             Open the URL that `planmark serve` printed.",
        );
    }
    let host = host.to_string();

    if let Access::Token(token) = &app.access {
        let query_token = req
            .uri()
            .query()
            .and_then(|q| form_value(q.as_bytes(), "token"));
        let cookie_ok = cookie(req.headers(), TOKEN_COOKIE).is_some_and(|c| same_secret(c, token));
        match query_token {
            Some(given) if same_secret(&given, token) && req.method() == Method::GET => {
                // Move the token from the URL into a cookie, and drop it from
                // the address bar (and from history and referrers).
                let rest: Vec<(String, String)> = req
                    .uri()
                    .query()
                    .map(|q| form_urlencoded_pairs(q.as_bytes()).collect())
                    .unwrap_or_default();
                let rest: Vec<_> = rest.into_iter().filter(|(k, _)| k != "token").collect();
                let mut location = req.uri().path().to_string();
                if !rest.is_empty() {
                    location.push('?');
                    location.push_str(&serde_urlencoded::to_string(&rest).unwrap_or_default());
                }
                let mut resp =
                    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
                )) {
                    resp.headers_mut().insert(header::SET_COOKIE, v);
                }
                return resp;
            }
            _ if cookie_ok => {}
            _ => {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "Access token needed",
                    "This planmark is shared on the network and needs its access token. \
                     Open the full link (with ?token=…) that the person running it gave you.",
                );
            }
        }
    }

    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }

    // A state-changing request.
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let ok = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|o| o.eq_ignore_ascii_case(&host));
        if !ok {
            return refuse(
                StatusCode::FORBIDDEN,
                "Refused",
                "This request came from another web site, so it was refused.",
            );
        }
    }
    let limit = if req.uri().path().starts_with("/teacher/") {
        UPLOAD_LIMIT
    } else {
        FORM_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let given = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            req.uri()
                .query()
                .and_then(|q| form_value(q.as_bytes(), "csrf"))
        });
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (req, given) = match given {
        Some(g) => (req, Some(g)),
        None if is_form => {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, limit).await {
                Ok(b) => b,
                Err(_) => return too_large(limit),
            };
            let given = form_value(&bytes, "csrf");
            (Request::from_parts(parts, Body::from(bytes)), given)
        }
        None => (req, None),
    };
    if !given.is_some_and(|g| same_secret(&g, &app.csrf)) {
        return refuse(
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form did not carry the page's security token (perhaps planmark was restarted since the page was opened). \
             Go back, reload the page, and send it again: a plan you were writing is kept as a draft.",
        );
    }
    next.run(req).await
}

fn too_large(limit: usize) -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Too large",
        &format!(
            "That is more than the {} MiB this page accepts.",
            limit / (1024 * 1024)
        ),
    )
}

/// Headers on every response.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // A handler may set a stricter or a report-specific policy of its own.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: with no referrer at all Chromium
    // sends `Origin: null` on form posts, which the Origin check refuses.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(host_name("localhost"), "localhost");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        let t = random_token().unwrap();
        assert_eq!(t.len(), 32);
        assert_ne!(t, random_token().unwrap());
    }
}
