//! Why a fetch failed, and what a developer should know when it did not.
//!
//! Each way a fetch can fail has one stable [`Reason`] code (snake_case in
//! JSON). A [`NetworkError`] carries the code and the facts a browser's
//! console message names (URL, origin, method, header, value, status), and
//! renders that message as each engine words it (see [`crate::console`]).
//! [`Warning`]s are a separate channel: the fetch went through, but
//! something about it is risky or surprising.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::profile::Engine;

macro_rules! reasons {
    ($($(#[$m:meta])* $v:ident = $code:literal),+ $(,)?) => {
        /// Every way a fetch can fail, each with a stable code.
        ///
        /// The codes are part of the public interface (spec cases and the CLI
        /// use them): they never change meaning; new ones may be added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Reason {
            $($(#[$m])* #[serde(rename = $code)] $v),+
        }
        impl Reason {
            /// Every reason.
            pub const ALL: &'static [Reason] = &[$(Reason::$v),+];
            /// The stable snake_case code.
            pub fn code(self) -> &'static str {
                match self { $(Reason::$v => $code),+ }
            }
            /// The reason with `code`, if any.
            pub fn from_code(code: &str) -> Option<Reason> {
                match code { $($code => Some(Reason::$v),)+ _ => None }
            }
        }
    };
}

reasons! {
    /// `fetch()` throws: the method is not an HTTP token. fetch: #dom-request
    InvalidMethod = "invalid_method",
    /// `fetch()` throws: `CONNECT`, `TRACE` or `TRACK`. fetch: #forbidden-method
    ForbiddenMethod = "forbidden_method",
    /// `fetch()` throws: the URL has a username or password. fetch: #dom-request
    UrlHasCredentials = "url_has_credentials",
    /// `fetch()` throws: mode `no-cors` with a method other than GET, HEAD, POST. fetch: #dom-request
    NoCorsMethodNotSafelisted = "no_cors_method_not_safelisted",
    /// `fetch()` throws: a body on a GET or HEAD. fetch: #dom-request
    BodyWithGetOrHead = "body_with_get_or_head",
    /// `fetch()` throws: a stream body in mode `no-cors`. fetch: #dom-request
    StreamBodyInNoCors = "stream_body_in_no_cors",
    /// Mode `same-origin` and the URL is cross-origin. fetch: #main-fetch
    DisallowedByMode = "disallowed_by_mode",
    /// Mode `no-cors` with redirect mode `error` or `manual`, to another origin. fetch: #main-fetch
    NoCorsRedirectMode = "no_cors_redirect_mode",
    /// A CORS request to a scheme other than http(s). fetch: #main-fetch
    UnsupportedScheme = "unsupported_scheme",
    /// The response has no `Access-Control-Allow-Origin`. fetch: #concept-cors-check
    MissingAllowOrigin = "missing_allow_origin",
    /// The response has several `Access-Control-Allow-Origin` lines. fetch: #concept-cors-check
    MultipleAllowOrigin = "multiple_allow_origin",
    /// `Access-Control-Allow-Origin` is not the request's origin. fetch: #concept-cors-check
    AllowOriginMismatch = "allow_origin_mismatch",
    /// `Access-Control-Allow-Origin: *` on a credentialed request. fetch: #concept-cors-check
    WildcardOriginWithCredentials = "wildcard_origin_with_credentials",
    /// Credentialed request without `Access-Control-Allow-Credentials: true`. fetch: #concept-cors-check
    AllowCredentialsNotTrue = "allow_credentials_not_true",
    /// The preflight response has no `Access-Control-Allow-Origin`. fetch: #cors-preflight-fetch-0
    PreflightMissingAllowOrigin = "preflight_missing_allow_origin",
    /// The preflight response has several `Access-Control-Allow-Origin` lines. fetch: #cors-preflight-fetch-0
    PreflightMultipleAllowOrigin = "preflight_multiple_allow_origin",
    /// The preflight's `Access-Control-Allow-Origin` is not the origin. fetch: #cors-preflight-fetch-0
    PreflightAllowOriginMismatch = "preflight_allow_origin_mismatch",
    /// The preflight answered `*` to a credentialed request. fetch: #cors-preflight-fetch-0
    PreflightWildcardOriginWithCredentials = "preflight_wildcard_origin_with_credentials",
    /// The preflight lacks `Access-Control-Allow-Credentials: true`. fetch: #cors-preflight-fetch-0
    PreflightAllowCredentialsNotTrue = "preflight_allow_credentials_not_true",
    /// The preflight's status is not 200–299. fetch: #cors-preflight-fetch-0, #ok-status
    PreflightInvalidStatus = "preflight_invalid_status",
    /// The preflight was answered with a redirect. fetch: #cors-preflight-fetch-0
    PreflightRedirect = "preflight_redirect",
    /// `Access-Control-Allow-Methods` does not parse. fetch: #cors-preflight-fetch-0
    InvalidAllowMethods = "invalid_allow_methods",
    /// `Access-Control-Allow-Headers` does not parse. fetch: #cors-preflight-fetch-0
    InvalidAllowHeaders = "invalid_allow_headers",
    /// The preflight does not allow the method. fetch: #cors-preflight-fetch-0
    MethodNotAllowed = "method_not_allowed",
    /// The preflight does not allow a request header. fetch: #cors-preflight-fetch-0
    HeaderNotAllowed = "header_not_allowed",
    /// A redirect with redirect mode `error`. fetch: #http-fetch
    RedirectNotAllowed = "redirect_not_allowed",
    /// A redirect to a URL with credentials. fetch: #http-redirect-fetch
    RedirectHasCredentials = "redirect_has_credentials",
    /// More than 20 redirects. fetch: #http-redirect-fetch
    TooManyRedirects = "too_many_redirects",
    /// A `Location` that does not parse. fetch: #http-redirect-fetch
    RedirectInvalidLocation = "redirect_invalid_location",
    /// A redirect to a scheme other than http(s). fetch: #http-redirect-fetch
    RedirectUnsupportedScheme = "redirect_unsupported_scheme",
    /// A redirect (other than 303) of a request with a stream body. fetch: #http-redirect-fetch
    RedirectStreamBody = "redirect_stream_body",
}

impl Reason {
    /// Whether `fetch()` rejects before any request is sent, because the
    /// `Request` itself is invalid (a synchronous TypeError).
    pub fn is_request_error(self) -> bool {
        matches!(
            self,
            Reason::InvalidMethod
                | Reason::ForbiddenMethod
                | Reason::UrlHasCredentials
                | Reason::NoCorsMethodNotSafelisted
                | Reason::BodyWithGetOrHead
                | Reason::StreamBodyInNoCors
        )
    }

    /// Whether the failure concerns the preflight.
    pub fn is_preflight(self) -> bool {
        matches!(
            self,
            Reason::PreflightMissingAllowOrigin
                | Reason::PreflightMultipleAllowOrigin
                | Reason::PreflightAllowOriginMismatch
                | Reason::PreflightWildcardOriginWithCredentials
                | Reason::PreflightAllowCredentialsNotTrue
                | Reason::PreflightInvalidStatus
                | Reason::PreflightRedirect
                | Reason::InvalidAllowMethods
                | Reason::InvalidAllowHeaders
                | Reason::MethodNotAllowed
                | Reason::HeaderNotAllowed
        )
    }

    /// A one-line English description.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::InvalidMethod => "the method is not a valid HTTP token",
            Reason::ForbiddenMethod => "CONNECT, TRACE and TRACK are forbidden methods",
            Reason::UrlHasCredentials => "a request URL may not include a username or password",
            Reason::NoCorsMethodNotSafelisted => "mode no-cors allows only GET, HEAD and POST",
            Reason::BodyWithGetOrHead => "a GET or HEAD request cannot have a body",
            Reason::StreamBodyInNoCors => "a stream body needs mode cors or same-origin",
            Reason::DisallowedByMode => "mode same-origin forbids a cross-origin request",
            Reason::NoCorsRedirectMode => "mode no-cors needs redirect mode follow",
            Reason::UnsupportedScheme => "CORS requests are only supported for http and https",
            Reason::MissingAllowOrigin => "the response has no Access-Control-Allow-Origin header",
            Reason::MultipleAllowOrigin => {
                "the response has more than one Access-Control-Allow-Origin value"
            }
            Reason::AllowOriginMismatch => {
                "Access-Control-Allow-Origin does not match the request's origin"
            }
            Reason::WildcardOriginWithCredentials => {
                "Access-Control-Allow-Origin is '*' but the request's credentials mode is 'include'"
            }
            Reason::AllowCredentialsNotTrue => {
                "the request's credentials mode is 'include' but Access-Control-Allow-Credentials is not 'true'"
            }
            Reason::PreflightMissingAllowOrigin => {
                "the preflight response has no Access-Control-Allow-Origin header"
            }
            Reason::PreflightMultipleAllowOrigin => {
                "the preflight response has more than one Access-Control-Allow-Origin value"
            }
            Reason::PreflightAllowOriginMismatch => {
                "the preflight's Access-Control-Allow-Origin does not match the request's origin"
            }
            Reason::PreflightWildcardOriginWithCredentials => {
                "the preflight's Access-Control-Allow-Origin is '*' but the request's credentials mode is 'include'"
            }
            Reason::PreflightAllowCredentialsNotTrue => {
                "the preflight's Access-Control-Allow-Credentials is not 'true' for a credentialed request"
            }
            Reason::PreflightInvalidStatus => {
                "the preflight response's status is not in the range 200-299"
            }
            Reason::PreflightRedirect => "the preflight was answered with a redirect",
            Reason::InvalidAllowMethods => {
                "Access-Control-Allow-Methods in the preflight response does not parse"
            }
            Reason::InvalidAllowHeaders => {
                "Access-Control-Allow-Headers in the preflight response does not parse"
            }
            Reason::MethodNotAllowed => "the preflight response does not allow the method",
            Reason::HeaderNotAllowed => "the preflight response does not allow a request header",
            Reason::RedirectNotAllowed => {
                "the response is a redirect and the redirect mode is 'error'"
            }
            Reason::RedirectHasCredentials => {
                "the redirect location includes a username or password"
            }
            Reason::TooManyRedirects => "more than 20 redirects",
            Reason::RedirectInvalidLocation => "the redirect's Location does not parse as a URL",
            Reason::RedirectUnsupportedScheme => {
                "the redirect leads to a scheme other than http or https"
            }
            Reason::RedirectStreamBody => {
                "a request with a stream body cannot follow a redirect other than 303"
            }
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A failed fetch: `fetch()` rejects with a `TypeError` and JavaScript
/// learns nothing more. The fields are what the browser's console names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{reason}: {} (at {url})", reason.describe())]
pub struct NetworkError {
    /// Why.
    pub reason: Reason,
    /// The URL whose response failed (the last in the redirect chain).
    pub url: Url,
    /// The URL the page asked for.
    pub initial_url: Url,
    /// The page's origin, serialized.
    pub origin: String,
    /// The request's method.
    pub method: String,
    /// The header or method at fault, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The offending header value, where there is one: the
    /// `Access-Control-Allow-Origin` or `-Credentials` value, the whole
    /// value of an unparsable `Access-Control-Allow-Methods`/`-Headers`;
    /// for `header_not_allowed`, the header's name as the page wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The HTTP status of the response at fault, where one was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The request's credentials mode was `include`.
    pub credentials: bool,
}

impl NetworkError {
    /// The console message `engine` prints for this failure.
    pub fn console_message(&self, engine: Engine) -> String {
        crate::console::render(self, engine)
    }

    /// The message of the `TypeError` the `fetch()` promise rejects with.
    pub fn js_message(&self, engine: Engine) -> String {
        crate::console::js_error_message(self, engine)
    }
}

/// Something a developer should know about a fetch that went through (or
/// a detail of one that did not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// The page set a forbidden request header; the browser dropped it.
    ForbiddenHeaderDropped,
    /// In mode `no-cors` the page set a header that is not no-CORS-safelisted; dropped.
    NoCorsHeaderDropped,
    /// A URL answered different origins with different
    /// `Access-Control-Allow-Origin` values (it reflects the origin) and
    /// `Vary` lacks `Origin`: a shared cache may serve one origin's answer
    /// to another. A static value needs no `Vary`.
    MissingVaryOrigin,
    /// `Access-Control-Allow-Origin: null` was trusted: any sandboxed page
    /// or `data:` document has origin `null`.
    AllowOriginNullTrusted,
    /// `Access-Control-Max-Age` did not parse; the default was used (or nothing cached).
    InvalidMaxAge,
    /// `Access-Control-Max-Age` was lowered to the browser's cap.
    MaxAgeCapped,
    /// `*` let `Authorization` through, which the standard forbids.
    AuthorizationCoveredByWildcard,
    /// A `*` in an allow or expose list was taken literally because the
    /// request includes credentials.
    WildcardLiteralWithCredentials,
    /// `Access-Control-Expose-Headers` did not parse; nothing extra exposed.
    InvalidExposeHeaders,
    /// A response header is hidden from JavaScript (not safelisted, not exposed).
    HeaderHidden,
    /// A cross-origin redirect removed `Authorization` from the request.
    AuthorizationStripped,
    /// The request reached the server even though JavaScript cannot read
    /// the response: CORS does not stop a server acting on a request.
    SideEffectsDespiteBlock,
}

/// A non-fatal finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What kind.
    pub code: WarningCode,
    /// The particulars, in English.
    pub message: String,
}
