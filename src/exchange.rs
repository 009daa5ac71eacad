//! What goes over the wire: requests as the browser sends them and the
//! server's responses.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::header_list::HeaderList;

/// Whether a request on the wire is a CORS preflight or the request itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// An `OPTIONS` CORS-preflight request.
    Preflight,
    /// The page's request (or one of its redirect hops).
    Actual,
}

/// A request exactly as the browser puts it on the wire, as far as CORS
/// is concerned.
///
/// `headers` holds the page's headers (after the browser dropped the ones
/// script may not set), `Accept`, `Origin` and the
/// `Access-Control-Request-*` headers. Headers every request carries and
/// that CORS does not look at (`User-Agent`, `Accept-Encoding`,
/// `Sec-Fetch-*`, `Referer`) are left out; whether cookies and HTTP
/// authentication went with the request is `credentials`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRequest {
    /// Preflight or actual.
    pub kind: RequestKind,
    /// The method, byte for byte.
    pub method: String,
    /// The URL (the fragment never goes on the wire, but is kept here).
    pub url: Url,
    /// The header lines, in order.
    pub headers: HeaderList,
    /// Whether cookies and HTTP authentication were attached
    /// (fetch: #http-network-or-cache-fetch, includeCredentials).
    pub credentials: bool,
    /// Whether the request carries a body.
    pub has_body: bool,
}

impl WireRequest {
    /// Whether this is a preflight.
    pub fn is_preflight(&self) -> bool {
        self.kind == RequestKind::Preflight
    }

    /// The `Origin` header's value, if sent.
    pub fn origin(&self) -> Option<String> {
        self.headers.get_str("origin")
    }
}

/// What a server answered.
///
/// ```
/// use cors_sim::ServerResponse;
/// let r = ServerResponse::new(204)
///     .header("Access-Control-Allow-Origin", "https://app.example")
///     .header("Access-Control-Allow-Methods", "PUT");
/// assert_eq!(r.status, 204);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerResponse {
    /// The status code.
    pub status: u16,
    /// The header lines, as received (surrounding whitespace is stripped
    /// before any check, as HTTP parsers do).
    #[serde(default)]
    pub headers: HeaderList,
    /// The body, if any (text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl ServerResponse {
    /// A response with `status` and no headers.
    pub fn new(status: u16) -> ServerResponse {
        ServerResponse {
            status,
            headers: HeaderList::new(),
            body: None,
        }
    }

    /// Appends a header line.
    pub fn header(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> ServerResponse {
        self.headers.append(name, value);
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<String>) -> ServerResponse {
        self.body = Some(body.into());
        self
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> ServerResponse {
        ServerResponse::new(status).header("Location", location)
    }

    /// Converts from an `http::Response`, keeping every header line in order
    /// (the body is taken as UTF-8, lossily).
    pub fn from_http<B: AsRef<[u8]>>(response: &http::Response<B>) -> ServerResponse {
        let mut headers = HeaderList::new();
        for (name, value) in response.headers() {
            headers.append(name.as_str(), value.as_bytes());
        }
        let body = response.body().as_ref();
        ServerResponse {
            status: response.status().as_u16(),
            headers,
            body: if body.is_empty() {
                None
            } else {
                Some(String::from_utf8_lossy(body).into_owned())
            },
        }
    }
}

/// One request sent and the response it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// The request as sent.
    pub request: WireRequest,
    /// The response received.
    pub response: ServerResponse,
}

/// Whether `status` is a redirect status (301, 302, 303, 307, 308).
///
/// fetch: #redirect-status
pub fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether `status` is an ok status (200–299).
///
/// fetch: #ok-status
pub fn is_ok_status(status: u16) -> bool {
    (200..=299).contains(&status)
}

/// Whether `status` is a null body status (101, 103, 204, 205, 304).
///
/// fetch: #null-body-status
pub fn is_null_body_status(status: u16) -> bool {
    matches!(status, 101 | 103 | 204 | 205 | 304)
}
