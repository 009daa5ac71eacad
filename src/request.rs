//! The request a page makes: what `fetch(url, init)` is given.
//!
//! fetch: #concept-request, #concept-request-mode,
//! #concept-request-credentials-mode, #concept-request-redirect-mode,
//! #use-cors-preflight-flag, #unsafe-request-flag, #dom-request

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::InputError;
use crate::header_list::HeaderList;
use crate::origin::Origin;

macro_rules! name_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v),+
        }
        impl $name {
            /// The name used in JavaScript and in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $name {
            type Err = InputError;
            fn from_str(s: &str) -> Result<Self, InputError> {
                match s {
                    $($s => Ok($name::$v),)+
                    _ => Err(InputError::UnknownName {
                        what: $what,
                        value: s.to_string(),
                        expected: concat!($($s, " "),+),
                    }),
                }
            }
        }
    };
}

name_enum!(
    /// The request's mode. Navigation and WebSocket modes are out of scope.
    ///
    /// fetch: #concept-request-mode
    Mode, "mode", {
        /// Cross-origin requests use CORS (the `fetch()` default).
        Cors = "cors",
        /// Cross-origin requests are allowed but give opaque responses.
        NoCors = "no-cors",
        /// Cross-origin requests fail.
        SameOrigin = "same-origin",
    }
);

name_enum!(
    /// The request's credentials mode.
    ///
    /// fetch: #concept-request-credentials-mode
    CredentialsMode, "credentials mode", {
        /// Never send cookies or HTTP authentication.
        Omit = "omit",
        /// Send them only while the request stays same-origin (the default).
        SameOrigin = "same-origin",
        /// Always send them; CORS then needs an exact origin and `Access-Control-Allow-Credentials: true`.
        Include = "include",
    }
);

name_enum!(
    /// The request's redirect mode.
    ///
    /// fetch: #concept-request-redirect-mode
    RedirectMode, "redirect mode", {
        /// Follow redirects (the default).
        Follow = "follow",
        /// A redirect is a network error.
        Error = "error",
        /// A redirect gives an `opaqueredirect` response.
        Manual = "manual",
    }
);

name_enum!(
    /// The request's referrer policy; it only matters for the `Origin` header
    /// of non-CORS requests whose method is neither GET nor HEAD.
    ///
    /// fetch: #append-a-request-origin-header (referrer-policy: #referrer-policies)
    ReferrerPolicy, "referrer policy", {
        /// `no-referrer`.
        NoReferrer = "no-referrer",
        /// `no-referrer-when-downgrade`.
        NoReferrerWhenDowngrade = "no-referrer-when-downgrade",
        /// `same-origin`.
        SameOrigin = "same-origin",
        /// `origin`.
        Origin = "origin",
        /// `strict-origin`.
        StrictOrigin = "strict-origin",
        /// `origin-when-cross-origin`.
        OriginWhenCrossOrigin = "origin-when-cross-origin",
        /// `strict-origin-when-cross-origin` (the default).
        StrictOriginWhenCrossOrigin = "strict-origin-when-cross-origin",
        /// `unsafe-url`.
        UnsafeUrl = "unsafe-url",
    }
);

#[allow(clippy::derivable_impls)]
impl Default for Mode {
    fn default() -> Self {
        Mode::Cors
    }
}
#[allow(clippy::derivable_impls)]
impl Default for CredentialsMode {
    fn default() -> Self {
        CredentialsMode::SameOrigin
    }
}
#[allow(clippy::derivable_impls)]
impl Default for RedirectMode {
    fn default() -> Self {
        RedirectMode::Follow
    }
}
#[allow(clippy::derivable_impls)]
impl Default for ReferrerPolicy {
    fn default() -> Self {
        ReferrerPolicy::StrictOriginWhenCrossOrigin
    }
}

/// The request body, as far as CORS cares.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "data")]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// A body with a source (string, bytes, form data): it can be re-sent on
    /// a redirect.
    Bytes(String),
    /// A `ReadableStream` body (`duplex: "half"`): it sets the
    /// use-CORS-preflight flag and cannot be re-sent on a redirect.
    Stream,
}

impl Body {
    /// Whether there is a body.
    pub fn is_some(&self) -> bool {
        !matches!(self, Body::None)
    }
}

fn default_true() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_false(b: &bool) -> bool {
    !*b
}

/// A request as a page hands it to `fetch()`.
///
/// ```
/// use cors_sim::{Request, Origin, CredentialsMode};
/// let req = Request::new("https://app.example", "PUT", "https://api.example/items/1")?
///     .header("Content-Type", "application/json")?
///     .credentials(CredentialsMode::Include);
/// assert_eq!(req.method, "PUT");
/// # Ok::<(), cors_sim::InputError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The origin of the page that calls `fetch()` (`null` for an opaque one).
    pub origin: Origin,
    /// The URL fetched.
    pub url: Url,
    /// The method as given to `fetch()`, before normalization.
    #[serde(default = "default_method")]
    pub method: String,
    /// The header lines the page sets, in order.
    #[serde(default)]
    pub headers: HeaderList,
    /// The mode.
    #[serde(default)]
    pub mode: Mode,
    /// The credentials mode.
    #[serde(default)]
    pub credentials: CredentialsMode,
    /// The redirect mode.
    #[serde(default)]
    pub redirect: RedirectMode,
    /// The referrer policy.
    #[serde(default, skip_serializing_if = "is_default_policy")]
    pub referrer_policy: ReferrerPolicy,
    /// The body.
    #[serde(default, skip_serializing_if = "is_no_body")]
    pub body: Body,
    /// The use-CORS-preflight flag: forces a preflight for a cross-origin
    /// request (XHR upload listeners set it; a stream body sets it too).
    ///
    /// fetch: #use-cors-preflight-flag
    #[serde(default, skip_serializing_if = "is_false")]
    pub use_cors_preflight: bool,
    /// The unsafe-request flag: set for `fetch()` and XHR (the default);
    /// clear for requests made by HTML elements, which never preflight.
    ///
    /// fetch: #unsafe-request-flag
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub unsafe_request: bool,
    /// The network partition key (the top-level site). Preflight-cache
    /// entries are only shared within one partition. `None` means the page's
    /// own partition.
    ///
    /// fetch: #concept-cache-key, #request-network-partition-key
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
}

fn default_method() -> String {
    "GET".to_string()
}
fn is_default_policy(p: &ReferrerPolicy) -> bool {
    *p == ReferrerPolicy::StrictOriginWhenCrossOrigin
}
fn is_no_body(b: &Body) -> bool {
    *b == Body::None
}

/// Parses a URL, with a typed error.
pub fn parse_url(input: &str) -> Result<Url, InputError> {
    Url::parse(input).map_err(|e| InputError::InvalidUrl {
        input: input.to_string(),
        reason: e.to_string(),
    })
}

impl Request {
    /// A `fetch()` of `url` with `method` from a page on `origin`, with the
    /// defaults of `fetch()`: mode `cors`, credentials `same-origin`,
    /// redirect `follow`, no headers, no body.
    pub fn new(origin: &str, method: &str, url: &str) -> Result<Request, InputError> {
        Ok(Request::with_origin(
            Origin::parse(origin)?,
            method,
            parse_url(url)?,
        ))
    }

    /// Like [`Request::new`], from parsed values.
    pub fn with_origin(origin: Origin, method: &str, url: Url) -> Request {
        Request {
            origin,
            url,
            method: method.to_string(),
            headers: HeaderList::new(),
            mode: Mode::Cors,
            credentials: CredentialsMode::SameOrigin,
            redirect: RedirectMode::Follow,
            referrer_policy: ReferrerPolicy::StrictOriginWhenCrossOrigin,
            body: Body::None,
            use_cors_preflight: false,
            unsafe_request: true,
            partition: None,
        }
    }

    /// A GET.
    pub fn get(origin: &str, url: &str) -> Result<Request, InputError> {
        Request::new(origin, "GET", url)
    }

    /// Appends a header line, checking that it is a valid name and value
    /// (as `Headers.append` does, which throws otherwise).
    pub fn header(mut self, name: &str, value: &str) -> Result<Request, InputError> {
        self.headers.try_append(name, value)?;
        Ok(self)
    }

    /// Appends a header line of raw bytes, unchecked.
    pub fn raw_header(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Request {
        self.headers.append(name, value);
        self
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: Mode) -> Request {
        self.mode = mode;
        self
    }

    /// Sets the credentials mode.
    pub fn credentials(mut self, credentials: CredentialsMode) -> Request {
        self.credentials = credentials;
        self
    }

    /// Sets the redirect mode.
    pub fn redirect(mut self, redirect: RedirectMode) -> Request {
        self.redirect = redirect;
        self
    }

    /// Sets the referrer policy.
    pub fn referrer_policy(mut self, policy: ReferrerPolicy) -> Request {
        self.referrer_policy = policy;
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Request {
        self.body = body;
        self
    }

    /// Sets the use-CORS-preflight flag.
    pub fn use_cors_preflight(mut self, on: bool) -> Request {
        self.use_cors_preflight = on;
        self
    }

    /// Sets the unsafe-request flag (clear it to model an HTML element's fetch).
    pub fn unsafe_request(mut self, on: bool) -> Request {
        self.unsafe_request = on;
        self
    }

    /// Sets the network partition key.
    pub fn partition(mut self, key: &str) -> Request {
        self.partition = Some(key.to_string());
        self
    }
}
