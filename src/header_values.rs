//! Parsing the values of the CORS response headers.
//!
//! fetch: #extract-header-list-values, #extract-header-values,
//! #http-new-header-syntax
//!
//! `Access-Control-Allow-Methods`, `-Allow-Headers` and `-Expose-Headers`
//! are `#`-lists: several lines are concatenated, empty elements and spaces
//! around commas are allowed, and one element that is not a token makes the
//! whole header a failure. `Access-Control-Max-Age` is a single
//! `delta-seconds`: two values, on one line or two, are a failure.

use serde::{Deserialize, Serialize};

use crate::header_list::{HeaderList, is_token, isomorphic_decode};

/// The result of extracting a header's list values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Extracted<T> {
    /// The header is absent.
    Absent,
    /// The header is present but does not parse; `item` is the first
    /// offending element.
    Failure {
        /// The element that failed (decoded).
        item: String,
    },
    /// The parsed values, in order.
    List(Vec<T>),
}

impl<T> Extracted<T> {
    /// The list, when there is one.
    pub fn list(&self) -> Option<&[T]> {
        match self {
            Extracted::List(l) => Some(l),
            _ => None,
        }
    }

    /// Whether extraction failed.
    pub fn is_failure(&self) -> bool {
        matches!(self, Extracted::Failure { .. })
    }
}

/// Splits one line of a `#`-list into its non-empty elements, trimming
/// optional whitespace. Does not look inside the elements.
fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(crate::header_list::normalize_value)
        .filter(|e| !e.is_empty())
}

/// Extracts a `#`-list of tokens (`#method` or `#field-name`) from every
/// line named `name`.
///
/// fetch: #extract-header-list-values
///
/// ```
/// use cors_sim::{HeaderList, header_values::{extract_token_list, Extracted}};
/// let h = HeaderList::from_pairs([("Access-Control-Allow-Methods", "PUT,, DELETE"), ("access-control-allow-methods", "PATCH")]);
/// assert_eq!(extract_token_list(&h, "access-control-allow-methods"),
///            Extracted::List(vec!["PUT".into(), "DELETE".into(), "PATCH".into()]));
/// let bad = HeaderList::from_pairs([("Access-Control-Allow-Methods", "PUT, Bad method")]);
/// assert!(extract_token_list(&bad, "access-control-allow-methods").is_failure());
/// ```
pub fn extract_token_list(headers: &HeaderList, name: &str) -> Extracted<String> {
    if !headers.contains(name) {
        return Extracted::Absent;
    }
    let mut out = Vec::new();
    for value in headers.get_all(name) {
        for element in list_elements(value) {
            if !is_token(element) {
                return Extracted::Failure {
                    item: isomorphic_decode(element),
                };
            }
            out.push(isomorphic_decode(element));
        }
    }
    Extracted::List(out)
}

/// A parsed `delta-seconds` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaSeconds(pub u64);

/// The value RFC 9111 §1.2.2 says to use for a `delta-seconds` too large
/// to represent.
pub const DELTA_SECONDS_OVERFLOW: u64 = 2_147_483_648;

/// Extracts `Access-Control-Max-Age` as the standard does: one line, one
/// `1*DIGIT` value. Values too large to represent become 2^31.
///
/// fetch: #extract-header-list-values, #http-new-header-syntax
///
/// ```
/// use cors_sim::{HeaderList, header_values::{extract_max_age, Extracted, DeltaSeconds}};
/// let h = |v: &str| HeaderList::from_pairs([("Access-Control-Max-Age", v)]);
/// assert_eq!(extract_max_age(&h("600")), Extracted::List(vec![DeltaSeconds(600)]));
/// assert!(extract_max_age(&h("-1")).is_failure());
/// assert!(extract_max_age(&h("600, 600")).is_failure());
/// assert_eq!(extract_max_age(&HeaderList::new()), Extracted::Absent);
/// ```
pub fn extract_max_age(headers: &HeaderList) -> Extracted<DeltaSeconds> {
    let name = "access-control-max-age";
    let count = headers.count(name);
    if count == 0 {
        return Extracted::Absent;
    }
    let all: Vec<&[u8]> = headers.get_all(name).collect();
    let fail = |v: &[u8]| Extracted::Failure {
        item: isomorphic_decode(v),
    };
    if count > 1 {
        return fail(all.get(1).copied().unwrap_or_default());
    }
    let value = crate::header_list::normalize_value(all.first().copied().unwrap_or_default());
    match parse_delta_seconds(value) {
        Some(d) => Extracted::List(vec![DeltaSeconds(d)]),
        None => fail(value),
    }
}

/// Parses `1*DIGIT`; too-large values give 2^31.
pub fn parse_delta_seconds(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for &d in value {
        n = match n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
        {
            Some(n) => n,
            None => return Some(DELTA_SECONDS_OVERFLOW),
        };
    }
    Some(n.min(DELTA_SECONDS_OVERFLOW))
}
