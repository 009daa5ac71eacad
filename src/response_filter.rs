//! Filtered responses: what JavaScript sees.
//!
//! fetch: #concept-filtered-response, #concept-filtered-response-basic,
//! #concept-filtered-response-cors, #concept-filtered-response-opaque,
//! #concept-filtered-response-opaque-redirect

use serde::{Deserialize, Serialize};
use url::Url;

use crate::exchange::{ServerResponse, is_null_body_status};
use crate::header_list::HeaderList;
use crate::response_headers::{
    is_cors_safelisted_response_header_name, is_forbidden_response_header_name,
};

/// `Response.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseType {
    /// Same-origin (or `data:`): everything but `Set-Cookie`.
    Basic,
    /// Cross-origin through CORS: status and body, safelisted and exposed headers.
    Cors,
    /// `no-cors` cross-origin: nothing readable, status 0.
    Opaque,
    /// A redirect with redirect mode `manual`: nothing readable, status 0.
    #[serde(rename = "opaqueredirect")]
    OpaqueRedirect,
}

impl ResponseType {
    /// The string `Response.type` returns.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        }
    }
}

impl std::fmt::Display for ResponseType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `Response` as JavaScript sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsResponse {
    /// `response.type`.
    #[serde(rename = "type")]
    pub type_: ResponseType,
    /// `response.status` (0 for opaque kinds).
    pub status: u16,
    /// `response.url` (`None` is the empty string).
    pub url: Option<Url>,
    /// `response.redirected`.
    pub redirected: bool,
    /// The headers `response.headers` holds, in order.
    pub headers: HeaderList,
    /// The body, readable as text (`None` when null).
    pub body: Option<String>,
}

impl JsResponse {
    /// `response.ok`.
    pub fn ok(&self) -> bool {
        (200..=299).contains(&self.status)
    }

    /// `response.headers.get(name)`: the combined value of a visible header.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get_str(name)
    }
}

fn body_of(response: &ServerResponse, method: &str) -> Option<String> {
    if method == "HEAD" || is_null_body_status(response.status) {
        None
    } else {
        Some(response.body.clone().unwrap_or_default())
    }
}

/// The basic filtered response: every header but `Set-Cookie`/`Set-Cookie2`.
///
/// fetch: #concept-filtered-response-basic
pub fn basic(response: &ServerResponse, url_list: &[Url], method: &str) -> JsResponse {
    let mut headers = response.headers.normalized();
    headers.retain(|h| !is_forbidden_response_header_name(&h.name));
    JsResponse {
        type_: ResponseType::Basic,
        status: response.status,
        url: url_list.last().cloned().map(strip_fragment),
        redirected: url_list.len() > 1,
        headers,
        body: body_of(response, method),
    }
}

/// The CORS filtered response: the safelisted response headers and those in
/// `exposed` (never `Set-Cookie`).
///
/// fetch: #concept-filtered-response-cors
pub fn cors(
    response: &ServerResponse,
    url_list: &[Url],
    method: &str,
    exposed: &[String],
) -> JsResponse {
    let mut headers = response.headers.normalized();
    headers.retain(|h| is_cors_safelisted_response_header_name(&h.name, exposed));
    JsResponse {
        type_: ResponseType::Cors,
        status: response.status,
        url: url_list.last().cloned().map(strip_fragment),
        redirected: url_list.len() > 1,
        headers,
        body: body_of(response, method),
    }
}

/// The opaque filtered response: status 0, no headers, no body, no URL.
///
/// fetch: #concept-filtered-response-opaque
pub fn opaque() -> JsResponse {
    JsResponse {
        type_: ResponseType::Opaque,
        status: 0,
        url: None,
        redirected: false,
        headers: HeaderList::new(),
        body: None,
    }
}

/// The opaque-redirect filtered response: status 0, no headers, no body;
/// the URL is the request's.
///
/// fetch: #concept-filtered-response-opaque-redirect
pub fn opaque_redirect(url_list: &[Url]) -> JsResponse {
    JsResponse {
        type_: ResponseType::OpaqueRedirect,
        status: 0,
        url: url_list.last().cloned().map(strip_fragment),
        redirected: false,
        headers: HeaderList::new(),
        body: None,
    }
}

/// `response.url` never includes a fragment.
fn strip_fragment(mut url: Url) -> Url {
    url.set_fragment(None);
    url
}
