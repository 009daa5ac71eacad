//! Simple `Range` header values.
//!
//! fetch: #simple-range-header-value

/// A single byte range: `start` and/or `end`, at least one present.
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
    let digits = |p: &mut usize| -> Option<Option<u64>> {
        let begin = *p;
        while at(*p).is_some_and(|b| b.is_ascii_digit()) {
            *p += 1;
        }
        let s = value.get(begin..*p)?;
        if s.is_empty() {
            return Some(None);
        }
        // Values too large to represent are treated as unparsable.
        std::str::from_utf8(s).ok()?.parse::<u64>().ok().map(Some)
    };
    let start = digits(&mut pos)?;
    skip_ws(&mut pos);
    if at(pos) != Some(b'-') {
        return None;
    }
    pos += 1;
    skip_ws(&mut pos);
    let end = digits(&mut pos)?;
    if pos < value.len() {
        return None;
    }
    match (start, end) {
        (None, None) => None,
        (Some(s), Some(e)) if s > e => None,
        _ => Some(SimpleRange { start, end }),
    }
}
