//! Conversions between cors-sim's types and the `http` crate's.
//!
//! `http::HeaderMap` keeps every line of a name, in order per name, so a
//! `HeaderList` converted to a map and back keeps all its lines; lines of
//! different names are grouped by name, as `HeaderMap` stores them. Header
//! bytes that `http` refuses (a value with a byte below 0x20 other than
//! HTAB, or DEL) make the conversion to `http` fail with a typed error; the
//! conversion from `http` never fails.

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::InputError;
use crate::exchange::{ServerResponse, WireRequest};
use crate::header_list::{HeaderList, isomorphic_decode};
use crate::origin::Origin;
use crate::request::{Body, Request, parse_url};

impl From<&HeaderMap> for HeaderList {
    fn from(map: &HeaderMap) -> HeaderList {
        let mut h = HeaderList::new();
        for (name, value) in map {
            h.append(name.as_str(), value.as_bytes());
        }
        h
    }
}

impl TryFrom<&HeaderList> for HeaderMap {
    type Error = InputError;
    fn try_from(list: &HeaderList) -> Result<HeaderMap, InputError> {
        let mut map = HeaderMap::new();
        for h in list {
            let name =
                HeaderName::from_bytes(&h.name).map_err(|_| InputError::InvalidHeaderName {
                    name: isomorphic_decode(&h.name),
                })?;
            let value =
                HeaderValue::from_bytes(&h.value).map_err(|_| InputError::InvalidHeaderValue {
                    name: isomorphic_decode(&h.name),
                    value: isomorphic_decode(&h.value),
                })?;
            map.append(name, value);
        }
        Ok(map)
    }
}

impl Request {
    /// The request a page on `origin` makes with `request`'s method, URI
    /// (which must be absolute), headers and body (a non-empty body becomes
    /// [`Body::Bytes`]). Mode, credentials and redirect mode keep the
    /// `fetch()` defaults; set them with the builder methods.
    ///
    /// ```
    /// use cors_sim::{Request, Origin};
    /// let req = http::Request::put("https://api.example/items/1")
    ///     .header("Content-Type", "application/json")
    ///     .body("{}".to_string())
    ///     .unwrap();
    /// let r = Request::from_http(Origin::parse("https://app.example")?, &req)?;
    /// assert_eq!(r.method, "PUT");
    /// assert_eq!(r.headers.get_str("content-type").as_deref(), Some("application/json"));
    /// # Ok::<(), cors_sim::InputError>(())
    /// ```
    pub fn from_http<B: AsRef<[u8]>>(
        origin: Origin,
        request: &http::Request<B>,
    ) -> Result<Request, InputError> {
        let url = parse_url(&request.uri().to_string())?;
        let mut r = Request::with_origin(origin, request.method().as_str(), url);
        r.headers = HeaderList::from(request.headers());
        let body = request.body().as_ref();
        if !body.is_empty() {
            r.body = Body::Bytes(String::from_utf8_lossy(body).into_owned());
        }
        Ok(r)
    }
}

impl WireRequest {
    /// Converts to an `http::Request` with an empty body, every header line kept.
    pub fn to_http_request(&self) -> Result<http::Request<()>, InputError> {
        let mut req = http::Request::new(());
        *req.method_mut() = http::Method::from_bytes(self.method.as_bytes()).map_err(|_| {
            InputError::UnknownName {
                what: "method",
                value: self.method.clone(),
                expected: "an HTTP token",
            }
        })?;
        *req.uri_mut() = self
            .url
            .as_str()
            .parse()
            .map_err(|e: http::uri::InvalidUri| InputError::InvalidUrl {
                input: self.url.to_string(),
                reason: e.to_string(),
            })?;
        *req.headers_mut() = HeaderMap::try_from(&self.headers)?;
        Ok(req)
    }
}

impl ServerResponse {
    /// Converts to an `http::Response` carrying the body text.
    pub fn to_http(&self) -> Result<http::Response<String>, InputError> {
        let mut resp = http::Response::new(self.body.clone().unwrap_or_default());
        *resp.status_mut() =
            http::StatusCode::from_u16(self.status).map_err(|_| InputError::InvalidStatus {
                status: self.status,
            })?;
        *resp.headers_mut() = HeaderMap::try_from(&self.headers)?;
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_lines_survive_a_round_trip() {
        let list = HeaderList::from_pairs([
            ("Access-Control-Allow-Origin", "https://a.test"),
            ("access-control-allow-origin", "*"),
            ("X-Bytes", "caf\u{e9}"),
        ]);
        let list = HeaderList::from_pairs(list.iter().map(|h| {
            (
                h.name.clone(),
                if h.is("x-bytes") {
                    vec![b'c', 0xE9]
                } else {
                    h.value.clone()
                },
            )
        }));
        let map = HeaderMap::try_from(&list).unwrap();
        assert_eq!(map.get_all("access-control-allow-origin").iter().count(), 2);
        let back = HeaderList::from(&map);
        // http lower-cases names; values and order per name are kept.
        assert_eq!(
            back.get("access-control-allow-origin").unwrap(),
            b"https://a.test, *"
        );
        assert_eq!(back.get("x-bytes").unwrap(), vec![b'c', 0xE9]);
        assert_eq!(back.len(), 3);
    }

    #[test]
    fn bytes_http_refuses_are_a_typed_error() {
        let list = HeaderList::from_pairs([("X", &b"a\x01b"[..])]);
        assert!(matches!(
            HeaderMap::try_from(&list),
            Err(InputError::InvalidHeaderValue { .. })
        ));
        let list = HeaderList::from_pairs([("Bad Name", "x")]);
        assert!(matches!(
            HeaderMap::try_from(&list),
            Err(InputError::InvalidHeaderName { .. })
        ));
    }

    #[test]
    fn a_server_response_converts_both_ways() {
        let r = ServerResponse::new(201)
            .header("A", "1")
            .header("a", "2")
            .body("x");
        let h = r.to_http().unwrap();
        assert_eq!(h.status(), 201);
        let back = ServerResponse::from_http(&h);
        assert_eq!(back.headers.get("a").unwrap(), b"1, 2");
        assert_eq!(back.body.as_deref(), Some("x"));
    }
}
