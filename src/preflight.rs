//! The CORS-preflight request and the checks on its response.
//!
//! fetch: #cors-preflight-fetch, #cors-preflight-fetch-0, #http-fetch
//! (when a preflight is needed)

use serde::{Deserialize, Serialize};

use crate::header_list::HeaderList;
use crate::header_values::{Extracted, extract_token_list};
use crate::method::is_cors_safelisted_method;
use crate::request::CredentialsMode;

/// The headers a preflight for `method` and `unsafe_names` carries, before
/// `Origin`: `Accept: */*`, `Access-Control-Request-Method`, and
/// `Access-Control-Request-Headers` (names joined by a bare `,`) when there
/// are unsafe names.
///
/// fetch: #cors-preflight-fetch-0
///
/// ```
/// use cors_sim::preflight::preflight_headers;
/// let h = preflight_headers("PUT", &["content-type".into(), "x-a".into()]);
/// assert_eq!(h.get_str("access-control-request-headers").unwrap(), "content-type,x-a");
/// assert_eq!(h.get_str("accept").unwrap(), "*/*");
/// ```
pub fn preflight_headers(method: &str, unsafe_names: &[String]) -> HeaderList {
    let mut h = HeaderList::new();
    h.append("Accept", "*/*");
    h.append("Access-Control-Request-Method", method);
    if !unsafe_names.is_empty() {
        h.append("Access-Control-Request-Headers", unsafe_names.join(","));
    }
    h
}

/// Why the methods or headers of a preflight response refused the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PreflightRefusal {
    /// `Access-Control-Allow-Methods` does not parse.
    InvalidAllowMethods {
        /// The element at fault.
        item: String,
    },
    /// `Access-Control-Allow-Headers` does not parse.
    InvalidAllowHeaders {
        /// The element at fault.
        item: String,
    },
    /// The method is not allowed.
    MethodNotAllowed {
        /// The method.
        method: String,
    },
    /// A header is not allowed.
    HeaderNotAllowed {
        /// The (lower-cased) header name.
        header: String,
    },
}

/// The outcome of checking a preflight response's allow lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowCheck {
    /// The methods to cache (`None` when the header did not parse).
    pub methods: Option<Vec<String>>,
    /// The header names to cache (`None` when the header did not parse).
    pub headers: Option<Vec<String>>,
    /// The refusal, if any.
    pub refusal: Option<PreflightRefusal>,
    /// Whether `Authorization` was let through by `*` alone (which the
    /// standard forbids; some browsers allow it).
    pub authorization_by_wildcard: bool,
}

/// Inputs to [`check_allow_lists`].
#[derive(Debug, Clone, Copy)]
pub struct AllowCheckInput<'a> {
    /// The request's method (normalized).
    pub method: &'a str,
    /// The request's CORS-unsafe header names.
    pub unsafe_names: &'a [String],
    /// Whether the request has an `Authorization` header.
    pub has_authorization: bool,
    /// The request's credentials mode.
    pub credentials: CredentialsMode,
    /// The use-CORS-preflight flag.
    pub use_cors_preflight: bool,
    /// Whether `*` in `Access-Control-Allow-Headers` covers `Authorization`
    /// (false in the standard).
    pub wildcard_covers_authorization: bool,
}

/// Checks `Access-Control-Allow-Methods` and `-Headers` of a preflight
/// response against a request.
///
/// fetch: #cors-preflight-fetch-0 (the method, `Authorization` and header steps)
///
/// ```
/// use cors_sim::{HeaderList, CredentialsMode};
/// use cors_sim::preflight::{check_allow_lists, AllowCheckInput, PreflightRefusal};
/// let resp = HeaderList::from_pairs([("Access-Control-Allow-Methods", "put"), ("Access-Control-Allow-Headers", "*")]);
/// let input = AllowCheckInput { method: "PUT", unsafe_names: &[], has_authorization: false,
///     credentials: CredentialsMode::Omit, use_cors_preflight: false, wildcard_covers_authorization: false };
/// // Methods are matched byte for byte: `put` does not allow `PUT`.
/// assert_eq!(check_allow_lists(&resp, input).refusal, Some(PreflightRefusal::MethodNotAllowed { method: "PUT".into() }));
/// ```
pub fn check_allow_lists(response_headers: &HeaderList, input: AllowCheckInput<'_>) -> AllowCheck {
    let include = input.credentials == CredentialsMode::Include;
    let methods = extract_token_list(response_headers, "access-control-allow-methods");
    let headers = extract_token_list(response_headers, "access-control-allow-headers");
    let mut out = AllowCheck {
        methods: None,
        headers: None,
        refusal: None,
        authorization_by_wildcard: false,
    };
    let mut methods = match methods {
        Extracted::Failure { item } => {
            out.refusal = Some(PreflightRefusal::InvalidAllowMethods { item });
            return out;
        }
        Extracted::Absent => None,
        Extracted::List(l) => Some(l),
    };
    let headers = match headers {
        Extracted::Failure { item } => {
            out.methods = methods;
            out.refusal = Some(PreflightRefusal::InvalidAllowHeaders { item });
            return out;
        }
        Extracted::Absent => Vec::new(),
        Extracted::List(l) => l,
    };
    if methods.is_none() && input.use_cors_preflight {
        methods = Some(vec![input.method.to_string()]);
    }
    let methods = methods.unwrap_or_default();
    out.methods = Some(methods.clone());
    out.headers = Some(headers.clone());

    let method_listed = methods.iter().any(|m| m == input.method);
    let method_wild = !include && methods.iter().any(|m| m == "*");
    if !method_listed && !is_cors_safelisted_method(input.method.as_bytes()) && !method_wild {
        out.refusal = Some(PreflightRefusal::MethodNotAllowed {
            method: input.method.to_string(),
        });
        return out;
    }
    let header_listed = |n: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(n));
    let header_wild = !include && headers.iter().any(|h| h == "*");
    if input.has_authorization && !header_listed("authorization") {
        if input.wildcard_covers_authorization && header_wild {
            out.authorization_by_wildcard = true;
        } else {
            out.refusal = Some(PreflightRefusal::HeaderNotAllowed {
                header: "authorization".to_string(),
            });
            return out;
        }
    }
    for name in input.unsafe_names {
        if !header_listed(name) && !header_wild {
            out.refusal = Some(PreflightRefusal::HeaderNotAllowed {
                header: name.clone(),
            });
            return out;
        }
    }
    out
}
