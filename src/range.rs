//! Simple `Range` header values.
//!
//! fetch: #simple-range-header-value

/// A single byte range: `start` and/or `end`, at least one present. Values
/// beyond `u64::MAX` saturate (the standard puts no bound on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimpleRange {
    /// The first byte, `None` for a suffix range (`bytes=-500`).
    pub start: Option<u64>,
    /// The last byte, `None` for an open range (`bytes=500-`).
    pub end: Option<u64>,
}

/// Parses a single range header value. `allow_whitespace` is false when
/// safelisting (and true only for `blob:` range requests).
///
/// fetch: #simple-range-header-value
///
/// ```
/// use cors_sim::range::parse_single_range;
/// assert!(parse_single_range(b"bytes=0-499", false).is_some());
/// assert!(parse_single_range(b"bytes = 0-499", false).is_none());
/// assert!(parse_single_range(b"bytes = 0-499", true).is_some());
/// assert!(parse_single_range(b"bytes=500-499", false).is_none());
/// ```
pub fn parse_single_range(value: &[u8], allow_whitespace: bool) -> Option<SimpleRange> {
    let mut pos = 0usize;
    if !value.starts_with(b"bytes") {
        return None;
    }
    pos += 5;
    let at = |p: usize| value.get(p).copied();
    let skip_ws = |p: &mut usize| {
        if allow_whitespace {
            while matches!(at(*p), Some(b' ' | b'\t')) {
                *p += 1;
            }
        }
    };
    skip_ws(&mut pos);
    if at(pos) != Some(b'=') {
        return None;
    }
    pos += 1;
    skip_ws(&mut pos);
    // Digits are kept as text: the standard's numbers have no upper bound,
    // so "start > end" is compared on the digits, and the u64 saturates.
    let digits = |p: &mut usize| -> &[u8] {
        let begin = *p;
        while at(*p).is_some_and(|b| b.is_ascii_digit()) {
            *p += 1;
        }
        value.get(begin..*p).unwrap_or_default()
    };
    let start = digits(&mut pos);
    skip_ws(&mut pos);
    if at(pos) != Some(b'-') {
        return None;
    }
    pos += 1;
    skip_ws(&mut pos);
    let end = digits(&mut pos);
    if pos < value.len() {
        return None;
    }
    if start.is_empty() && end.is_empty() {
        return None;
    }
    if !start.is_empty() && !end.is_empty() && digits_greater(start, end) {
        return None;
    }
    let num = |d: &[u8]| -> Option<u64> {
        (!d.is_empty()).then(|| {
            d.iter().fold(0u64, |n, &b| {
                n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
            })
        })
    };
    Some(SimpleRange {
        start: num(start),
        end: num(end),
    })
}

/// Whether the decimal number `a` is greater than `b` (any length).
fn digits_greater(a: &[u8], b: &[u8]) -> bool {
    let trim = |d: &[u8]| -> Vec<u8> {
        let i = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
        d.get(i..).unwrap_or_default().to_vec()
    };
    let (a, b) = (trim(a), trim(b));
    (a.len(), &a) > (b.len(), &b)
}
