//! Response headers: which JavaScript may read.
//!
//! fetch: #cors-safelisted-response-header-name,
//! #forbidden-response-header-name, #main-fetch (the CORS-exposed
//! header-name list)

use serde::{Deserialize, Serialize};

use crate::header_list::HeaderList;
use crate::header_values::{Extracted, extract_token_list};
use crate::request::CredentialsMode;

/// The response header names every CORS response exposes.
pub const CORS_SAFELISTED_RESPONSE_HEADER_NAMES: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Whether `name` is `Set-Cookie` or `Set-Cookie2`.
///
/// fetch: #forbidden-response-header-name
pub fn is_forbidden_response_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

/// The CORS-exposed header-name list of a response, as `main fetch`
/// computes it from `Access-Control-Expose-Headers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposedNames {
    /// The names (lower-cased), each once.
    pub names: Vec<String>,
    /// How the list came about.
    pub source: ExposeSource,
}

/// How the CORS-exposed header-name list was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExposeSource {
    /// No `Access-Control-Expose-Headers`.
    Absent,
    /// The header failed to parse, so nothing extra is exposed.
    ParseFailure,
    /// `*` without credentials: every header name of the response.
    Wildcard,
    /// The names listed (a `*` among them is a literal name).
    Listed,
}

/// Computes the CORS-exposed header-name list.
///
/// fetch: #main-fetch (the step that sets the CORS-exposed header-name list)
pub fn cors_exposed_header_names(
    response_headers: &HeaderList,
    credentials: CredentialsMode,
) -> ExposedNames {
    match extract_token_list(response_headers, "access-control-expose-headers") {
        Extracted::Absent => ExposedNames {
            names: Vec::new(),
            source: ExposeSource::Absent,
        },
        Extracted::Failure { .. } => ExposedNames {
            names: Vec::new(),
            source: ExposeSource::ParseFailure,
        },
        Extracted::List(list) => {
            if credentials != CredentialsMode::Include && list.iter().any(|n| n == "*") {
                ExposedNames {
                    names: response_headers.unique_names(),
                    source: ExposeSource::Wildcard,
                }
            } else {
                let mut names: Vec<String> = Vec::new();
                for n in list {
                    let n = n.to_ascii_lowercase();
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                ExposedNames {
                    names,
                    source: ExposeSource::Listed,
                }
            }
        }
    }
}

/// Whether `name` is a CORS-safelisted response-header name given the
/// CORS-exposed list `exposed`.
///
/// fetch: #cors-safelisted-response-header-name
///
/// ```
/// use cors_sim::response_headers::is_cors_safelisted_response_header_name;
/// let exposed = vec!["x-total-count".to_string(), "set-cookie".to_string()];
/// assert!(is_cors_safelisted_response_header_name(b"Content-Type", &exposed));
/// assert!(is_cors_safelisted_response_header_name(b"X-Total-Count", &exposed));
/// assert!(!is_cors_safelisted_response_header_name(b"Set-Cookie", &exposed));
/// assert!(!is_cors_safelisted_response_header_name(b"X-Other", &exposed));
/// ```
pub fn is_cors_safelisted_response_header_name(name: &[u8], exposed: &[String]) -> bool {
    CORS_SAFELISTED_RESPONSE_HEADER_NAMES
        .iter()
        .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
        || (!is_forbidden_response_header_name(name)
            && exposed
                .iter()
                .any(|n| n.as_bytes().eq_ignore_ascii_case(name)))
}
