//! MIME types, as the MIME Sniffing standard parses them.
//!
//! fetch: #cors-safelisted-request-header (the `Content-Type` rule uses
//! mimesniff: #parse-a-mime-type), #concept-header-extract-mime-type

use crate::header_list::{HeaderList, is_http_ws};

/// A parsed MIME type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeType {
    /// The type, lower-cased (`text`).
    pub type_: String,
    /// The subtype, lower-cased (`plain`).
    pub subtype: String,
    /// The parameters in order, names lower-cased, first occurrence kept.
    pub parameters: Vec<(String, String)>,
}

impl MimeType {
    /// `type/subtype`, lower-cased.
    ///
    /// mimesniff: #mime-type-essence
    pub fn essence(&self) -> String {
        format!("{}/{}", self.type_, self.subtype)
    }
}

fn is_token_cp(c: char) -> bool {
    c.is_ascii() && crate::header_list::is_tchar(c as u8)
}

fn is_quoted_string_token_cp(c: char) -> bool {
    c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c)
}

fn is_ws_char(c: char) -> bool {
    c.is_ascii() && is_http_ws(c as u8)
}

/// Parses a MIME type; `None` on failure.
///
/// mimesniff: #parse-a-mime-type
///
/// ```
/// use cors_sim::mime::parse_mime_type;
/// assert_eq!(parse_mime_type("TEXT/Plain; charset=UTF-8").unwrap().essence(), "text/plain");
/// assert!(parse_mime_type("text /plain").is_none());
/// assert!(parse_mime_type("text/plain, application/json").is_none());
/// ```
pub fn parse_mime_type(input: &str) -> Option<MimeType> {
    let input = input.trim_matches(is_ws_char);
    let chars: Vec<char> = input.chars().collect();
    let mut pos = 0;
    let mut type_ = String::new();
    while let Some(&c) = chars.get(pos) {
        if c == '/' {
            break;
        }
        type_.push(c);
        pos += 1;
    }
    if type_.is_empty() || !type_.chars().all(is_token_cp) || pos >= chars.len() {
        return None;
    }
    pos += 1; // skip '/'
    let mut subtype = String::new();
    while let Some(&c) = chars.get(pos) {
        if c == ';' {
            break;
        }
        subtype.push(c);
        pos += 1;
    }
    let subtype = subtype.trim_end_matches(is_ws_char).to_string();
    if subtype.is_empty() || !subtype.chars().all(is_token_cp) {
        return None;
    }
    let mut mime = MimeType {
        type_: type_.to_ascii_lowercase(),
        subtype: subtype.to_ascii_lowercase(),
        parameters: Vec::new(),
    };
    while pos < chars.len() {
        pos += 1; // skip ';'
        while chars.get(pos).is_some_and(|&c| is_ws_char(c)) {
            pos += 1;
        }
        let mut name = String::new();
        while let Some(&c) = chars.get(pos) {
            if c == ';' || c == '=' {
                break;
            }
            name.push(c);
            pos += 1;
        }
        let name = name.to_ascii_lowercase();
        if pos < chars.len() {
            if chars.get(pos) == Some(&';') {
                continue;
            }
            pos += 1; // skip '='
        }
        if pos >= chars.len() {
            break;
        }
        let value: String = if chars.get(pos) == Some(&'"') {
            // Collect an HTTP quoted string, extracting the value.
            pos += 1;
            let mut v = String::new();
            loop {
                while let Some(&c) = chars.get(pos) {
                    if c == '"' || c == '\\' {
                        break;
                    }
                    v.push(c);
                    pos += 1;
                }
                match chars.get(pos) {
                    Some('\\') => {
                        pos += 1;
                        match chars.get(pos) {
                            None => {
                                v.push('\\');
                                break;
                            }
                            Some(&c) => {
                                v.push(c);
                                pos += 1;
                            }
                        }
                    }
                    Some(_) => {
                        pos += 1;
                        break;
                    }
                    None => break,
                }
            }
            while let Some(&c) = chars.get(pos) {
                if c == ';' {
                    break;
                }
                pos += 1;
            }
            v
        } else {
            let mut v = String::new();
            while let Some(&c) = chars.get(pos) {
                if c == ';' {
                    break;
                }
                v.push(c);
                pos += 1;
            }
            let v = v.trim_end_matches(is_ws_char).to_string();
            if v.is_empty() {
                continue;
            }
            v
        };
        if !name.is_empty()
            && name.chars().all(is_token_cp)
            && value.chars().all(is_quoted_string_token_cp)
            && !mime.parameters.iter().any(|(n, _)| *n == name)
        {
            mime.parameters.push((name, value));
        }
    }
    Some(mime)
}

/// Extracts a MIME type from a header list's `Content-Type` lines, the
/// lenient way responses use; `None` on failure.
///
/// fetch: #concept-header-extract-mime-type
pub fn extract_mime_type(headers: &HeaderList) -> Option<MimeType> {
    let values = headers.get_decode_split("content-type")?;
    let mut result: Option<MimeType> = None;
    let mut essence: Option<String> = None;
    let mut charset: Option<String> = None;
    for value in values {
        let Some(mut mime) = parse_mime_type(&value) else {
            continue;
        };
        if mime.essence() == "*/*" {
            continue;
        }
        let new_essence = mime.essence();
        let own_charset = mime
            .parameters
            .iter()
            .find(|(n, _)| n == "charset")
            .map(|(_, v)| v.clone());
        if essence.as_deref() != Some(new_essence.as_str()) {
            charset = own_charset;
            essence = Some(new_essence);
        } else if own_charset.is_none() {
            if let Some(c) = &charset {
                mime.parameters.push(("charset".to_string(), c.clone()));
            }
        }
        result = Some(mime);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parameters_like_mimesniff() {
        let m = parse_mime_type("text/plain;charset=\"utf\\-8\";CHARSET=x;;a=b ").unwrap();
        assert_eq!(
            m.parameters,
            vec![("charset".into(), "utf-8".into()), ("a".into(), "b".into())]
        );
        assert!(parse_mime_type("text/").is_none());
        assert!(parse_mime_type("/plain").is_none());
        assert!(parse_mime_type("text").is_none());
        assert_eq!(
            parse_mime_type("text/plain;").unwrap().essence(),
            "text/plain"
        );
    }

    #[test]
    fn extract_takes_the_last_valid_essence() {
        let h = HeaderList::from_pairs([
            ("Content-Type", "text/plain, */*"),
            ("content-type", "bogus"),
        ]);
        assert_eq!(extract_mime_type(&h).unwrap().essence(), "text/plain");
        let h = HeaderList::from_pairs([("Content-Type", "text/plain, text/html")]);
        assert_eq!(extract_mime_type(&h).unwrap().essence(), "text/html");
    }
}
