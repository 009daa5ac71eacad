//! The CORS check.
//!
//! fetch: #concept-cors-check
//!
//! A response passes when it has exactly one `Access-Control-Allow-Origin`
//! value that is `*` (for requests without credentials) or the serialized
//! request origin byte for byte; requests with credentials also need
//! `Access-Control-Allow-Credentials: true`, exactly.

use serde::{Deserialize, Serialize};

use crate::header_list::{HeaderList, isomorphic_decode};
use crate::request::CredentialsMode;

/// Why a response failed the CORS check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorsCheckFailure {
    /// No `Access-Control-Allow-Origin` line.
    MissingAllowOrigin,
    /// Several `Access-Control-Allow-Origin` lines (combined into `value`),
    /// or one line listing several values.
    MultipleAllowOrigin {
        /// The combined value.
        value: String,
    },
    /// `*` while the request includes credentials.
    WildcardWithCredentials,
    /// A value that is not the request's origin.
    AllowOriginMismatch {
        /// The value received.
        value: String,
    },
    /// Credentials included but `Access-Control-Allow-Credentials` is not
    /// exactly `true`.
    AllowCredentialsNotTrue {
        /// The value received, `None` when absent.
        value: Option<String>,
    },
}

/// Runs the CORS check for a request from `serialized_origin` (already
/// `null` when tainted or opaque) with `credentials`, on `headers` (values
/// already normalized).
///
/// fetch: #concept-cors-check
///
/// ```
/// use cors_sim::{HeaderList, CredentialsMode, cors_check::{cors_check, CorsCheckFailure}};
/// let h = HeaderList::from_pairs([("Access-Control-Allow-Origin", "*")]);
/// assert!(cors_check(&h, "https://a.example", CredentialsMode::Omit).is_ok());
/// assert_eq!(cors_check(&h, "https://a.example", CredentialsMode::Include),
///            Err(CorsCheckFailure::WildcardWithCredentials));
/// ```
pub fn cors_check(
    headers: &HeaderList,
    serialized_origin: &str,
    credentials: CredentialsMode,
) -> Result<(), CorsCheckFailure> {
    let Some(origin) = headers.get("access-control-allow-origin") else {
        return Err(CorsCheckFailure::MissingAllowOrigin);
    };
    let include = credentials == CredentialsMode::Include;
    if !include && origin == b"*" {
        return Ok(());
    }
    if origin != serialized_origin.as_bytes() {
        let value = isomorphic_decode(&origin);
        if headers.count("access-control-allow-origin") > 1 {
            return Err(CorsCheckFailure::MultipleAllowOrigin { value });
        }
        if origin == b"*" {
            return Err(CorsCheckFailure::WildcardWithCredentials);
        }
        return Err(CorsCheckFailure::AllowOriginMismatch { value });
    }
    if !include {
        return Ok(());
    }
    match headers.get("access-control-allow-credentials") {
        Some(v) if v == b"true" => Ok(()),
        other => Err(CorsCheckFailure::AllowCredentialsNotTrue {
            value: other.map(|v| isomorphic_decode(&v)),
        }),
    }
}
