//! Origins and their serialization.
//!
//! fetch: #concept-origin (HTML), #ascii-serialisation-of-an-origin,
//! #serializing-a-request-origin, #byte-serializing-a-request-origin,
//! #same-origin
//!
//! An origin is either a tuple (scheme, host, port) or opaque. Opaque origins
//! (sandboxed documents, `data:` documents) serialize as `null`; so does any
//! request whose redirect chain tainted its origin.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use url::Url;

use crate::error::InputError;

/// A web origin.
///
/// ```
/// use cors_sim::Origin;
/// let o = Origin::parse("HTTPS://App.Example:443").unwrap();
/// assert_eq!(o.serialize(), "https://app.example");
/// assert!(o.same_origin(&Origin::parse("https://app.example").unwrap()));
/// assert_eq!(Origin::opaque(1).serialize(), "null");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A scheme/host/port tuple.
    Tuple {
        /// Lower-case scheme, for example `https`.
        scheme: String,
        /// Host as the URL parser serializes it (lower-case, punycode, IPv6 in brackets).
        host: String,
        /// The port, `None` when it is the scheme's default.
        port: Option<u16>,
    },
    /// An opaque origin. Two opaque origins are the same only if they carry
    /// the same id (the same document).
    Opaque(u64),
}

impl Origin {
    /// An opaque origin with the given identity.
    pub fn opaque(id: u64) -> Origin {
        Origin::Opaque(id)
    }

    /// The origin of a URL. Non-special schemes (`data:`, `file:`, `blob:`
    /// without an inner origin) give an opaque origin.
    ///
    /// fetch: #concept-url-origin (URL standard)
    pub fn of_url(url: &Url) -> Origin {
        match url.origin() {
            url::Origin::Tuple(scheme, host, port) => {
                let default = default_port(&scheme);
                Origin::Tuple {
                    port: if Some(port) == default {
                        None
                    } else {
                        Some(port)
                    },
                    scheme,
                    host: host.to_string(),
                }
            }
            // Each URL with an opaque origin gets a fresh one; this id is never
            // that of a page (see `Origin::parse`, which uses 0 for `null`).
            url::Origin::Opaque(_) => Origin::Opaque(u64::MAX),
        }
    }

    /// Parses a serialized origin (`scheme://host[:port]`) or `null`.
    ///
    /// Case, an explicit default port and a trailing `/` are accepted and
    /// normalized; a path, query, fragment or credentials are refused.
    pub fn parse(input: &str) -> Result<Origin, InputError> {
        if input == "null" {
            return Ok(Origin::Opaque(0));
        }
        let err = |reason: &str| InputError::InvalidOrigin {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let url = Url::parse(input).map_err(|e| err(&e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(err("an origin has no credentials"));
        }
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(err(
                "an origin needs a scheme and a host, as in https://app.example",
            ));
        }
        if url.path() != "/" && !url.path().is_empty()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(err("an origin has no path, query or fragment"));
        }
        Ok(Origin::of_url(&url))
    }

    /// Whether this is an opaque origin.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Origin::Opaque(_))
    }

    /// The ASCII serialization: `scheme://host[:port]`, or `null` when opaque.
    ///
    /// fetch: #ascii-serialisation-of-an-origin
    pub fn serialize(&self) -> String {
        match self {
            Origin::Opaque(_) => "null".to_string(),
            Origin::Tuple { scheme, host, port } => match port {
                Some(p) => format!("{scheme}://{host}:{p}"),
                None => format!("{scheme}://{host}"),
            },
        }
    }

    /// Whether two origins are the same origin.
    ///
    /// fetch: #same-origin (HTML)
    pub fn same_origin(&self, other: &Origin) -> bool {
        self == other
    }

    /// The scheme, for a tuple origin.
    pub fn scheme(&self) -> Option<&str> {
        match self {
            Origin::Tuple { scheme, .. } => Some(scheme),
            Origin::Opaque(_) => None,
        }
    }
}

/// The default port of a special scheme.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// The bytes that go into an `Origin` header (or the CORS check) for a
/// request from `origin` whose redirect chain is `tainted` or not.
///
/// fetch: #serializing-a-request-origin, #byte-serializing-a-request-origin
pub fn serialize_request_origin(origin: &Origin, tainted: bool) -> String {
    if tainted {
        "null".to_string()
    } else {
        origin.serialize()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialize())
    }
}

impl std::str::FromStr for Origin {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Origin, InputError> {
        Origin::parse(s)
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Origin::serialize(self))
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Origin::parse(&s).map_err(serde::de::Error::custom)
    }
}
