//! Request headers: which are forbidden, which are CORS-safelisted, and
//! which names make a request need a preflight.
//!
//! fetch: #forbidden-request-header, #cors-safelisted-request-header,
//! #cors-unsafe-request-header-byte, #cors-unsafe-request-header-names,
//! #no-cors-safelisted-request-header-name, #no-cors-safelisted-request-header,
//! #privileged-no-cors-request-header-name,
//! #cors-non-wildcard-request-header-name,
//! #convert-header-names-to-a-sorted-lowercase-set

use crate::header_list::{HeaderList, decode_split, is_token, isomorphic_decode};
use crate::method::is_forbidden_method;
use crate::range::parse_single_range;

/// The longest value, in bytes, that a CORS-safelisted request-header may have.
pub const SAFELISTED_VALUE_MAX: usize = 128;

/// The largest total, in bytes, of CORS-safelisted request-header values
/// before all of them count as unsafe.
pub const SAFELISTED_TOTAL_MAX: usize = 1024;

const FORBIDDEN_NAMES: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Whether `(name, value)` is a forbidden request-header, which script may
/// not set (the `Headers` object silently drops it).
///
/// fetch: #forbidden-request-header
///
/// ```
/// use cors_sim::request_headers::is_forbidden_request_header;
/// assert!(is_forbidden_request_header(b"Cookie", b"a=b"));
/// assert!(is_forbidden_request_header(b"Sec-Foo", b"1"));
/// assert!(is_forbidden_request_header(b"X-HTTP-Method-Override", b"GET, trace"));
/// assert!(!is_forbidden_request_header(b"X-HTTP-Method-Override", b"PUT"));
/// ```
pub fn is_forbidden_request_header(name: &[u8], value: &[u8]) -> bool {
    if FORBIDDEN_NAMES
        .iter()
        .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
    {
        return true;
    }
    let starts = |p: &[u8]| {
        name.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    if starts(b"proxy-") || starts(b"sec-") {
        return true;
    }
    if [
        &b"x-http-method"[..],
        b"x-http-method-override",
        b"x-method-override",
    ]
    .iter()
    .any(|n| n.eq_ignore_ascii_case(name))
    {
        return decode_split(&isomorphic_decode(value))
            .iter()
            .any(|m| is_forbidden_method(&crate::header_list::isomorphic_encode(m)));
    }
    false
}

/// Whether `b` is a CORS-unsafe request-header byte.
///
/// fetch: #cors-unsafe-request-header-byte
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09)
        || matches!(
            b,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7F
        )
}

fn is_language_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
}

/// Why a header is, or is not, CORS-safelisted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SafelistVerdict {
    /// Safelisted.
    Safelisted,
    /// The value is longer than 128 bytes.
    ValueTooLong,
    /// The name is not one of the safelisted names.
    NameNotSafelisted,
    /// The value holds a byte that the name's rule refuses.
    UnsafeByte,
    /// `Content-Type`: not a MIME type, or an essence other than the three.
    ContentTypeNotSafelisted,
    /// `Range`: not a single `bytes=start-[end]` range.
    RangeNotSimple,
}

impl SafelistVerdict {
    /// Whether the verdict is [`SafelistVerdict::Safelisted`].
    pub fn is_safelisted(self) -> bool {
        self == SafelistVerdict::Safelisted
    }

    /// A short English explanation.
    pub fn explain(self) -> &'static str {
        match self {
            SafelistVerdict::Safelisted => "safelisted",
            SafelistVerdict::ValueTooLong => "its value is longer than 128 bytes",
            SafelistVerdict::NameNotSafelisted => {
                "its name is not Accept, Accept-Language, Content-Language, Content-Type or Range"
            }
            SafelistVerdict::UnsafeByte => "its value holds a byte its rule refuses",
            SafelistVerdict::ContentTypeNotSafelisted => {
                "it is not application/x-www-form-urlencoded, multipart/form-data or text/plain"
            }
            SafelistVerdict::RangeNotSimple => "it is not a single bytes=start-[end] range",
        }
    }
}

/// Judges one `(name, value)` line against the CORS-safelisted
/// request-header rules, saying why.
///
/// fetch: #cors-safelisted-request-header
pub fn safelist_verdict(name: &[u8], value: &[u8]) -> SafelistVerdict {
    if value.len() > SAFELISTED_VALUE_MAX {
        return SafelistVerdict::ValueTooLong;
    }
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    let no_unsafe_byte = || !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b));
    if is(b"accept") {
        if no_unsafe_byte() {
            SafelistVerdict::Safelisted
        } else {
            SafelistVerdict::UnsafeByte
        }
    } else if is(b"accept-language") || is(b"content-language") {
        if value.iter().all(|&b| is_language_byte(b)) {
            SafelistVerdict::Safelisted
        } else {
            SafelistVerdict::UnsafeByte
        }
    } else if is(b"content-type") {
        if !no_unsafe_byte() {
            return SafelistVerdict::UnsafeByte;
        }
        // mimesniff: #parse-a-mime-type fails only on the type and subtype;
        // its parameters never make it fail, so the essence decides.
        match mime_essence(value) {
            Some((t, st))
                if [
                    (&b"application"[..], &b"x-www-form-urlencoded"[..]),
                    (b"multipart", b"form-data"),
                    (b"text", b"plain"),
                ]
                .iter()
                .any(|(a, b)| t.eq_ignore_ascii_case(a) && st.eq_ignore_ascii_case(b)) =>
            {
                SafelistVerdict::Safelisted
            }
            _ => SafelistVerdict::ContentTypeNotSafelisted,
        }
    } else if is(b"range") {
        match parse_single_range(value, false) {
            Some(r) if r.start.is_some() => SafelistVerdict::Safelisted,
            _ => SafelistVerdict::RangeNotSimple,
        }
    } else {
        SafelistVerdict::NameNotSafelisted
    }
}

/// The type and subtype of a MIME type, as `parse a MIME type` finds them
/// (leading and trailing HTTP whitespace removed, the subtype ending at `;`
/// with trailing whitespace removed, both non-empty tokens); `None` where
/// that parse fails.
fn mime_essence(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let v = crate::header_list::normalize_value(value);
    let slash = v.iter().position(|&b| b == b'/')?;
    let t = v.get(..slash)?;
    let rest = v.get(slash + 1..)?;
    let end = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
    let st = rest.get(..end)?;
    let st_end = st
        .iter()
        .rposition(|&b| !crate::header_list::is_http_ws(b))
        .map_or(0, |i| i + 1);
    let st = st.get(..st_end)?;
    (is_token(t) && is_token(st)).then_some((t, st))
}

/// Whether `(name, value)` is a CORS-safelisted request-header.
///
/// fetch: #cors-safelisted-request-header
///
/// ```
/// use cors_sim::request_headers::is_cors_safelisted_request_header;
/// assert!(is_cors_safelisted_request_header(b"Content-Type", b"text/plain;charset=UTF-8"));
/// assert!(!is_cors_safelisted_request_header(b"Content-Type", b"application/json"));
/// assert!(is_cors_safelisted_request_header(b"Range", b"bytes=0-"));
/// assert!(!is_cors_safelisted_request_header(b"Range", b"bytes=-500"));
/// assert!(!is_cors_safelisted_request_header(b"Accept", &[b'a'; 129]));
/// ```
pub fn is_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    safelist_verdict(name, value).is_safelisted()
}

/// How a browser computes the CORS-unsafe request-header names. The
/// standard's way is [`SafelistRules::SPEC`]; engines differ (see
/// [`Profile`](crate::Profile)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SafelistRules {
    /// Judge the combined value (`a, b`) of lines sharing a name instead of
    /// each line alone.
    pub combine_duplicates: bool,
    /// The total-value limit; `None` for no limit.
    pub total_limit: Option<usize>,
    /// Remove duplicate names from the result.
    pub dedupe: bool,
}

impl SafelistRules {
    /// The standard's rules: each line alone, a 1024-byte total, a set.
    pub const SPEC: SafelistRules = SafelistRules {
        combine_duplicates: false,
        total_limit: Some(SAFELISTED_TOTAL_MAX),
        dedupe: true,
    };
}

impl Default for SafelistRules {
    fn default() -> Self {
        SafelistRules::SPEC
    }
}

/// The CORS-unsafe request-header names of a header list: lower-cased,
/// de-duplicated and sorted by byte value. When the safelisted values add up
/// to more than 1024 bytes, every safelisted name is unsafe too.
///
/// fetch: #cors-unsafe-request-header-names
///
/// ```
/// use cors_sim::{HeaderList, request_headers::cors_unsafe_request_header_names};
/// let h = HeaderList::from_pairs([("X-B", "1"), ("x-a", "2"), ("Content-Type", "application/json"), ("Accept", "*/*")]);
/// assert_eq!(cors_unsafe_request_header_names(&h), vec!["content-type", "x-a", "x-b"]);
/// ```
pub fn cors_unsafe_request_header_names(headers: &HeaderList) -> Vec<String> {
    cors_unsafe_request_header_names_with(headers, SafelistRules::SPEC)
}

/// [`cors_unsafe_request_header_names`] under a browser's rules.
pub fn cors_unsafe_request_header_names_with(
    headers: &HeaderList,
    rules: SafelistRules,
) -> Vec<String> {
    let lines: Vec<&crate::header_list::Header> = headers.iter().collect();
    let mut unsafe_idx: Vec<usize> = Vec::new();
    let mut safe_idx: Vec<usize> = Vec::new();
    let mut total = 0usize;
    for (i, h) in lines.iter().enumerate() {
        let verdict_safe = if rules.combine_duplicates {
            // Judge a name once, on the value of all its lines joined.
            if lines
                .iter()
                .take(i)
                .any(|e| e.name.eq_ignore_ascii_case(&h.name))
            {
                continue;
            }
            let value = if lines
                .iter()
                .skip(i + 1)
                .any(|e| e.name.eq_ignore_ascii_case(&h.name))
            {
                std::borrow::Cow::Owned(headers.get_bytes(&h.name).unwrap_or_default())
            } else {
                std::borrow::Cow::Borrowed(h.value.as_slice())
            };
            let ok = is_cors_safelisted_request_header(&h.name, &value);
            if ok {
                total += value.len();
            }
            ok
        } else {
            let ok = is_cors_safelisted_request_header(&h.name, &h.value);
            if ok {
                total += h.value.len();
            }
            ok
        };
        if verdict_safe {
            safe_idx.push(i);
        } else {
            unsafe_idx.push(i);
        }
    }
    if rules.total_limit.is_some_and(|limit| total > limit) {
        unsafe_idx.extend(safe_idx);
    }
    let mut names: Vec<String> = unsafe_idx
        .iter()
        .filter_map(|&i| lines.get(i))
        .map(|h| isomorphic_decode(&h.name).to_ascii_lowercase())
        .collect();
    names.sort();
    if rules.dedupe {
        names.dedup();
    }
    names
}

/// Lower-cases, de-duplicates and byte-sorts header names.
///
/// fetch: #convert-header-names-to-a-sorted-lowercase-set
pub fn sorted_lowercase_set<S: AsRef<[u8]>>(names: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut out: Vec<String> = names
        .into_iter()
        .map(|n| isomorphic_decode(n.as_ref()).to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether `name` is `Accept`, `Accept-Language`, `Content-Language` or
/// `Content-Type` (not `Range`).
///
/// fetch: #no-cors-safelisted-request-header-name
pub fn is_no_cors_safelisted_request_header_name(name: &[u8]) -> bool {
    matches!(
        name.to_ascii_lowercase().as_slice(),
        b"accept" | b"accept-language" | b"content-language" | b"content-type"
    )
}

/// Whether `(name, value)` is a no-CORS-safelisted request-header.
///
/// fetch: #no-cors-safelisted-request-header
pub fn is_no_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    is_no_cors_safelisted_request_header_name(name)
        && is_cors_safelisted_request_header(name, value)
}

/// Whether `name` is a privileged no-CORS request-header name (`Range`).
///
/// fetch: #privileged-no-cors-request-header-name
pub fn is_privileged_no_cors_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"range")
}

/// Whether `name` is a CORS non-wildcard request-header name
/// (`Authorization`): `Access-Control-Allow-Headers: *` never covers it.
///
/// fetch: #cors-non-wildcard-request-header-name
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"authorization")
}
