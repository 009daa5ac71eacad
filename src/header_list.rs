//! Header lists: ordered `(name, value)` byte lines.
//!
//! fetch: #concept-header-list, #concept-header-list-get,
//! #concept-header-list-get-decode-split, #header-name, #header-value,
//! #concept-header-value-normalize
//!
//! Fetch keeps headers as an ordered list in which the same name may appear
//! on several lines, and lets values hold bytes (`0x80`–`0xFF`, HTAB) that
//! `http::HeaderValue` would refuse. CORS depends on both (two
//! `Access-Control-Allow-Origin` lines fail the CORS check; two
//! `Content-Type` lines are judged one by one), so cors-sim never folds a
//! header list into a map.
//!
//! In JSON a header list is an array of `[name, value]` string pairs. Bytes are
//! mapped to text isomorphically (byte `0xNN` is the character `U+00NN`),
//! which round-trips every byte; on input, a character above `U+00FF` is
//! taken as its UTF-8 bytes.

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::error::InputError;

/// One header line: a name and a value, both raw bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// The name, as given (case preserved).
    pub name: Vec<u8>,
    /// The value, as given.
    pub value: Vec<u8>,
}

impl Header {
    /// A header line from anything byte-like.
    pub fn new(name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Header {
        Header {
            name: name.as_ref().to_vec(),
            value: value.as_ref().to_vec(),
        }
    }

    /// The name, isomorphic-decoded (for display).
    pub fn name_str(&self) -> String {
        isomorphic_decode(&self.name)
    }

    /// The value, isomorphic-decoded (for display).
    pub fn value_str(&self) -> String {
        isomorphic_decode(&self.value)
    }

    /// Whether this line's name is a byte-case-insensitive match for `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", self.name_str(), self.value_str())
    }
}

/// An ordered list of header lines, duplicates kept.
///
/// ```
/// use cors_sim::HeaderList;
/// let mut h = HeaderList::new();
/// h.append("Access-Control-Allow-Origin", "https://a.example");
/// h.append("access-control-allow-origin", "*");
/// // fetch: #concept-header-list-get joins every line of the name with ", ".
/// assert_eq!(h.get("Access-Control-Allow-Origin").as_deref(), Some(&b"https://a.example, *"[..]));
/// assert_eq!(h.len(), 2);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct HeaderList {
    lines: Vec<Header>,
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> HeaderList {
        HeaderList { lines: Vec::new() }
    }

    /// Builds a list from `(name, value)` pairs, keeping every byte.
    pub fn from_pairs<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> HeaderList {
        HeaderList {
            lines: pairs.into_iter().map(|(n, v)| Header::new(n, v)).collect(),
        }
    }

    /// Appends a line at the end.
    pub fn append(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.lines.push(Header::new(name, value));
    }

    /// Appends a line after checking that the name is a header name and the
    /// value a header value (after normalization).
    ///
    /// fetch: #header-name, #header-value
    pub fn try_append(
        &mut self,
        name: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<(), InputError> {
        let name = name.as_ref();
        let value = normalize_value(value.as_ref());
        validate_name(name)?;
        validate_value(name, value)?;
        self.append(name, value);
        Ok(())
    }

    /// Removes every line whose name matches `name` (case-insensitively).
    pub fn remove(&mut self, name: &str) {
        self.lines.retain(|h| !h.is(name));
    }

    /// Whether some line's name matches `name` (case-insensitively).
    ///
    /// fetch: #header-list-contains
    pub fn contains(&self, name: &str) -> bool {
        self.lines.iter().any(|h| h.is(name))
    }

    /// The values of every line named `name`, in order, joined with `", "`;
    /// `None` when there is no such line.
    ///
    /// fetch: #concept-header-list-get
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        self.get_bytes(name.as_bytes())
    }

    /// [`HeaderList::get`] for a name given as bytes.
    pub fn get_bytes(&self, name: &[u8]) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        for h in self
            .lines
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
        {
            match &mut out {
                None => out = Some(h.value.clone()),
                Some(v) => {
                    v.extend_from_slice(b", ");
                    v.extend_from_slice(&h.value);
                }
            }
        }
        out
    }

    /// [`HeaderList::get`], isomorphic-decoded.
    pub fn get_str(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| isomorphic_decode(&v))
    }

    /// The values of the lines named `name`, one per line, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.lines
            .iter()
            .filter(move |h| h.is(name))
            .map(|h| h.value.as_slice())
    }

    /// How many lines are named `name`.
    pub fn count(&self, name: &str) -> usize {
        self.lines.iter().filter(|h| h.is(name)).count()
    }

    /// Gets `name`, decodes it and splits it on commas outside quoted strings,
    /// trimming HTAB and SP from each piece. Empty pieces are kept.
    ///
    /// fetch: #concept-header-list-get-decode-split
    ///
    /// ```
    /// use cors_sim::HeaderList;
    /// let h = HeaderList::from_pairs([("A", "x,,\"1,2\", 3")]);
    /// assert_eq!(h.get_decode_split("a").unwrap(), vec!["x", "", "\"1,2\"", "3"]);
    /// ```
    pub fn get_decode_split(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).map(|v| decode_split(&isomorphic_decode(&v)))
    }

    /// The lines, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.lines.iter()
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lowercased names, each once, in order of first appearance.
    pub fn unique_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for h in &self.lines {
            let n = isomorphic_decode(&h.name).to_ascii_lowercase();
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// Keeps only the lines for which `keep` returns true.
    pub fn retain(&mut self, keep: impl FnMut(&Header) -> bool) {
        self.lines.retain(keep);
    }

    /// A copy in which each value has its leading and trailing HTTP
    /// whitespace removed, as an HTTP parser does before Fetch sees it.
    ///
    /// fetch: #concept-header-value-normalize
    pub fn normalized(&self) -> HeaderList {
        HeaderList {
            lines: self
                .lines
                .iter()
                .map(|h| Header::new(&h.name, normalize_value(&h.value)))
                .collect(),
        }
    }
}

impl fmt::Debug for HeaderList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.lines.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a HeaderList {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.lines.iter()
    }
}

impl IntoIterator for HeaderList {
    type Item = Header;
    type IntoIter = std::vec::IntoIter<Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.lines.into_iter()
    }
}

impl FromIterator<Header> for HeaderList {
    fn from_iter<T: IntoIterator<Item = Header>>(iter: T) -> Self {
        HeaderList {
            lines: iter.into_iter().collect(),
        }
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>, const K: usize> From<[(N, V); K]> for HeaderList {
    fn from(pairs: [(N, V); K]) -> Self {
        HeaderList::from_pairs(pairs)
    }
}

impl Serialize for HeaderList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.lines.len()))?;
        for h in &self.lines {
            seq.serialize_element(&[h.name_str(), h.value_str()])?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for HeaderList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HeaderList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of [name, value] string pairs")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HeaderList, A::Error> {
                let mut lines = Vec::new();
                while let Some((n, v)) = seq.next_element::<(String, String)>()? {
                    if n.is_empty() {
                        return Err(de::Error::custom("a header name must not be empty"));
                    }
                    lines.push(Header::new(isomorphic_encode(&n), isomorphic_encode(&v)));
                }
                Ok(HeaderList { lines })
            }
        }
        d.deserialize_seq(V)
    }
}

/// Maps each byte to the character with the same code point (Latin-1).
///
/// fetch: #isomorphic-decode (Infra)
pub fn isomorphic_decode(bytes: &[u8]) -> String {
    if bytes.is_ascii() {
        // ASCII is the same in Latin-1 and UTF-8: copy the bytes as they are.
        return String::from_utf8(bytes.to_vec()).unwrap_or_default();
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// Maps each character up to `U+00FF` to the byte with the same value;
/// characters above `U+00FF` (which a ByteString cannot hold) become their
/// UTF-8 bytes.
pub fn isomorphic_encode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let cp = c as u32;
        if cp <= 0xFF {
            out.push(cp as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

/// Whether `b` is an HTTP whitespace byte (HTAB, LF, CR, SP).
pub(crate) fn is_http_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// Strips leading and trailing HTTP whitespace bytes.
///
/// fetch: #concept-header-value-normalize
pub fn normalize_value(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|&b| !is_http_ws(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&b| !is_http_ws(b))
        .map_or(start, |e| e + 1);
    value.get(start..end).unwrap_or_default()
}

/// Whether `b` is an HTTP `tchar`.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether `bytes` is an HTTP `token` (one or more `tchar`).
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Checks that `name` is a header name.
///
/// fetch: #header-name
pub fn validate_name(name: &[u8]) -> Result<(), InputError> {
    if is_token(name) {
        Ok(())
    } else {
        Err(InputError::InvalidHeaderName {
            name: isomorphic_decode(name),
        })
    }
}

/// Checks that `value` is a header value: no leading or trailing HTAB/SP,
/// and no NUL, LF or CR.
///
/// fetch: #header-value
pub fn validate_value(name: &[u8], value: &[u8]) -> Result<(), InputError> {
    let bad_edge =
        matches!(value.first(), Some(b' ' | b'\t')) || matches!(value.last(), Some(b' ' | b'\t'));
    if bad_edge || value.iter().any(|&b| matches!(b, 0 | b'\n' | b'\r')) {
        Err(InputError::InvalidHeaderValue {
            name: isomorphic_decode(name),
            value: isomorphic_decode(value),
        })
    } else {
        Ok(())
    }
}

/// Splits a decoded value on commas outside double-quoted strings.
///
/// fetch: #header-value-get-decode-and-split
pub fn decode_split(input: &str) -> Vec<String> {
    let chars: Vec<char> = input.chars().collect();
    let mut pos = 0;
    let mut values = Vec::new();
    let mut temp = String::new();
    loop {
        // Collect up to a '"' or ','.
        while let Some(&c) = chars.get(pos) {
            if c == '"' || c == ',' {
                break;
            }
            temp.push(c);
            pos += 1;
        }
        match chars.get(pos) {
            Some('"') => {
                // Collect an HTTP quoted string, keeping its quotes and escapes.
                temp.push('"');
                pos += 1;
                loop {
                    while let Some(&c) = chars.get(pos) {
                        if c == '"' || c == '\\' {
                            break;
                        }
                        temp.push(c);
                        pos += 1;
                    }
                    match chars.get(pos) {
                        None => break,
                        Some('\\') => {
                            temp.push('\\');
                            pos += 1;
                            match chars.get(pos) {
                                None => break,
                                Some(&c) => {
                                    temp.push(c);
                                    pos += 1;
                                }
                            }
                        }
                        Some(_) => {
                            temp.push('"');
                            pos += 1;
                            break;
                        }
                    }
                }
                if pos < chars.len() {
                    continue;
                }
            }
            Some(_) => {}
            None => {}
        }
        values.push(temp.trim_matches(|c| c == '\t' || c == ' ').to_string());
        temp.clear();
        if pos >= chars.len() {
            return values;
        }
        // chars[pos] is ','.
        pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_examples_from_the_standard() {
        // fetch: #header-value-get-decode-and-split examples.
        assert_eq!(decode_split("nosniff,"), vec!["nosniff", ""]);
        assert_eq!(decode_split(""), vec![""]);
        assert_eq!(decode_split("text/html;\", x/x"), vec!["text/html;\", x/x"]);
        assert_eq!(
            decode_split("text/html;\"\", x/x"),
            vec!["text/html;\"\"", "x/x"]
        );
        assert_eq!(
            decode_split("x/x;test=\"hi\",y/y"),
            vec!["x/x;test=\"hi\"", "y/y"]
        );
        assert_eq!(decode_split("x / x,,,1"), vec!["x / x", "", "", "1"]);
        assert_eq!(decode_split("\"1\",\"2\""), vec!["\"1\"", "\"2\""]);
    }

    #[test]
    fn normalize_strips_http_whitespace_only_at_edges() {
        assert_eq!(normalize_value(b" \t a b \r\n"), b"a b");
        assert_eq!(normalize_value(b"   "), b"");
    }

    #[test]
    fn json_round_trips_every_byte() {
        let all: Vec<u8> = (0u8..=255).collect();
        let h = HeaderList::from_pairs([("X", all.clone())]);
        let json = serde_json::to_string(&h).unwrap();
        let back: HeaderList = serde_json::from_str(&json).unwrap();
        assert_eq!(back.get("x").unwrap(), all);
    }
}
