//! Methods.
//!
//! fetch: #concept-method, #cors-safelisted-method, #forbidden-method,
//! #concept-method-normalize

use crate::header_list::is_token;

/// Whether `method` is a method at all (an HTTP token).
///
/// fetch: #concept-method
pub fn is_method(method: &[u8]) -> bool {
    is_token(method)
}

/// Whether `method` is `GET`, `HEAD` or `POST`, byte for byte.
///
/// fetch: #cors-safelisted-method
///
/// ```
/// use cors_sim::method::is_cors_safelisted_method;
/// assert!(is_cors_safelisted_method(b"POST"));
/// assert!(!is_cors_safelisted_method(b"post")); // case-sensitive
/// assert!(!is_cors_safelisted_method(b"PUT"));
/// ```
pub fn is_cors_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// Whether `method` is `CONNECT`, `TRACE` or `TRACK`, in any case.
///
/// fetch: #forbidden-method
pub fn is_forbidden_method(method: &[u8]) -> bool {
    [&b"CONNECT"[..], b"TRACE", b"TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// Upper-cases `method` if it is a case-insensitive match for one of
/// `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST`, `PUT`; leaves it alone
/// otherwise (so `patch` stays `patch`).
///
/// fetch: #concept-method-normalize
///
/// ```
/// use cors_sim::method::normalize_method;
/// assert_eq!(normalize_method(b"delete"), b"DELETE");
/// assert_eq!(normalize_method(b"patch"), b"patch");
/// ```
pub fn normalize_method(method: &[u8]) -> Vec<u8> {
    const NORMALIZED: [&[u8]; 6] = [b"DELETE", b"GET", b"HEAD", b"OPTIONS", b"POST", b"PUT"];
    if NORMALIZED.iter().any(|m| m.eq_ignore_ascii_case(method)) {
        method.to_ascii_uppercase()
    } else {
        method.to_vec()
    }
}
