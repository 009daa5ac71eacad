//! Proptest strategies for CORS inputs (feature `proptest`).
//!
//! Generators for origins, URLs, methods, request header lines, requests
//! and server responses that reach the edges of the Fetch rules on purpose:
//! every CORS-unsafe byte, values of 127, 128 and 129 bytes, safelisted
//! totals around 1024 bytes, MIME types with parameters, every `Range`
//! form, duplicate lines, `Access-Control-Allow-Origin` variants (`*`,
//! `null`, duplicates, whitespace, near misses), allow lists with `*`,
//! empty elements and odd spacing, max-age values around each cap. Boundary
//! values are weighted so that they come up in every run, not by luck.
//!
//! Use them to test your own CORS code (middleware, a fetch mock) against
//! cors-sim, or on their own:
//!
//! ```
//! use cors_sim::strategies as st;
//! use cors_sim::{Client, Profile, Time};
//! use proptest::prelude::*;
//!
//! proptest!(|(scenario in st::scenario())| {
//!     let mut client = Client::new(Profile::spec());
//!     let outcome = client.run(scenario.request.clone(), Time::ZERO, |sent| scenario.server.respond(sent)).unwrap();
//!     // A preflight never carries credentials (fetch: #cors-preflight-fetch-0).
//!     prop_assert!(outcome.server_received().iter().filter(|r| r.is_preflight()).all(|r| !r.credentials));
//! });
//! ```

use proptest::collection::vec;
use proptest::prelude::*;

use crate::exchange::{ServerResponse, WireRequest};
use crate::header_list::HeaderList;
use crate::origin::Origin;
use crate::request::{Body, CredentialsMode, Mode, RedirectMode, Request};

/// Hosts: plain, upper-case, IDN (as punycode after parsing), IPv4, IPv6.
pub fn host() -> BoxedStrategy<String> {
    (prop_oneof![
        4 => Just("a.test".to_string()),
        4 => Just("b.test".to_string()),
        2 => Just("c.test".to_string()),
        1 => Just("A.TEST".to_string()),
        1 => Just("b\u{fc}cher.example".to_string()),
        1 => Just("xn--bcher-kva.example".to_string()),
        1 => Just("127.0.0.1".to_string()),
        1 => Just("[::1]".to_string()),
        1 => "[a-z]{1,8}\\.example",
    ])
    .boxed()
}

/// A tuple origin's text: scheme, host, and a default, explicit-default or
/// other port.
pub fn origin_text() -> BoxedStrategy<String> {
    ((
        prop_oneof![3 => Just("https"), 1 => Just("http")],
        host(),
        prop_oneof![4 => Just(None), 1 => Just(Some(443u16)), 1 => Just(Some(80u16)), 1 => Just(Some(8443u16))],
    )
        .prop_map(|(scheme, host, port)| match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        }))
    .boxed()
}

/// Page origins, opaque (`null`) included.
pub fn origin() -> BoxedStrategy<Origin> {
    (prop_oneof![
        9 => origin_text().prop_filter_map("parses", |o| Origin::parse(&o).ok()),
        1 => Just(Origin::opaque(0)),
    ])
    .boxed()
}

/// URLs on a few origins, with paths, queries and fragments.
pub fn url() -> BoxedStrategy<url::Url> {
    ((
        origin_text(),
        prop_oneof![
            Just("/r"),
            Just("/api/items"),
            Just("/r?x=1"),
            Just("/r#frag"),
            Just("/")
        ],
    )
        .prop_filter_map("parses", |(o, p)| url::Url::parse(&format!("{o}{p}")).ok()))
    .boxed()
}

/// Methods: safelisted, lower-case, normalizable, forbidden, extension tokens.
pub fn method() -> BoxedStrategy<String> {
    (prop_oneof![
        4 => Just("GET".to_string()),
        3 => Just("POST".to_string()),
        1 => Just("HEAD".to_string()),
        3 => Just("PUT".to_string()),
        2 => Just("DELETE".to_string()),
        2 => Just("PATCH".to_string()),
        1 => Just("patch".to_string()),
        1 => Just("post".to_string()),
        1 => Just("get".to_string()),
        1 => Just("OPTIONS".to_string()),
        1 => Just("TRACE".to_string()),
        1 => Just("connect".to_string()),
        1 => "[A-Z]{3,8}",
    ])
    .boxed()
}

/// Every CORS-unsafe request-header byte that a header value may hold
/// (bytes below 0x20 other than HTAB, LF and CR; `"():<>?@[\]{}` and DEL).
pub fn unsafe_byte() -> BoxedStrategy<u8> {
    (prop::sample::select(
        [
            0x01u8, 0x02, 0x08, 0x0b, 0x0c, 0x1f, b'"', b'(', b')', b':', b'<', b'>', b'?', b'@',
            b'[', b'\\', b']', b'{', b'}', 0x7f,
        ]
        .to_vec(),
    ))
    .boxed()
}

/// Value lengths around the 128-byte limit, weighted to 127, 128 and 129.
pub fn value_len() -> BoxedStrategy<usize> {
    (prop_oneof![3 => Just(127usize), 3 => Just(128), 3 => Just(129), 1 => 0usize..200]).boxed()
}

fn pad(prefix: &str, len: usize, fill: u8) -> Vec<u8> {
    let mut v = prefix.as_bytes().to_vec();
    v.resize(len.max(prefix.len()), fill);
    v
}

/// MIME types, safelisted or not, with parameters, case variants and
/// malformed forms.
pub fn content_type() -> BoxedStrategy<Vec<u8>> {
    (prop_oneof![
        2 => Just(b"text/plain".to_vec()),
        1 => Just(b"TEXT/PLAIN; charset=UTF-8".to_vec()),
        1 => Just(b"application/x-www-form-urlencoded".to_vec()),
        1 => Just(b"multipart/form-data; boundary=x".to_vec()),
        2 => Just(b"application/json".to_vec()),
        1 => Just(b"text/plain;".to_vec()),
        1 => Just(b"text/plain; a=\"b\"".to_vec()),
        1 => Just(b"text/plain, application/json".to_vec()),
        1 => Just(b"text /plain".to_vec()),
        1 => value_len().prop_map(|n| pad("text/plain;x=", n, b'y')),
    ])
    .boxed()
}

/// `Range` values: every simple form and the near misses.
pub fn range_value() -> BoxedStrategy<Vec<u8>> {
    (prop::sample::select(vec![
        b"bytes=0-499".to_vec(),
        b"bytes=200-".to_vec(),
        b"bytes=-500".to_vec(),
        b"bytes=0-1,3-4".to_vec(),
        b"bytes=200-100".to_vec(),
        b"bytes = 0-1".to_vec(),
        b"Bytes=0-1".to_vec(),
        b"bytes=".to_vec(),
        b"items=0-1".to_vec(),
        b"bytes=00-01".to_vec(),
    ]))
    .boxed()
}

/// One request header line: safelisted names with edge values, unsafe and
/// forbidden names, `Authorization`.
pub fn request_header() -> BoxedStrategy<(String, Vec<u8>)> {
    (prop_oneof![
        3 => value_len().prop_map(|n| ("Accept".to_string(), pad("text/html", n, b'a'))),
        1 => (unsafe_byte(), 0usize..10).prop_map(|(b, at)| {
            let mut v = b"text/html".to_vec();
            v.insert(at.min(v.len()), b);
            ("Accept".to_string(), v)
        }),
        2 => value_len().prop_map(|n| ("Accept-Language".to_string(), pad("en-US", n, b'a'))),
        1 => Just(("Content-Language".to_string(), b"en_US".to_vec())),
        3 => content_type().prop_map(|v| ("Content-Type".to_string(), v)),
        2 => range_value().prop_map(|v| ("Range".to_string(), v)),
        3 => "X-[A-Za-z]{1,6}".prop_map(|n| (n, b"1".to_vec())),
        1 => Just(("Authorization".to_string(), b"Bearer t".to_vec())),
        1 => Just(("Cookie".to_string(), b"a=b".to_vec())),
        1 => Just(("X-HTTP-Method-Override".to_string(), b"TRACE".to_vec())),
    ])
    .boxed()
}

/// Request header lists, duplicates included, with safelisted totals that
/// cross 1024 bytes.
pub fn request_headers() -> BoxedStrategy<HeaderList> {
    (prop_oneof![
        4 => vec(request_header(), 0..5).prop_map(HeaderList::from_pairs),
        1 => (1016usize..1032).prop_map(|total| {
            // Accept-Language lines of at most 120 bytes adding up to `total`
            // (the Accept: */* that fetch() adds counts 3 more).
            let mut h = HeaderList::new();
            let mut left = total;
            while left > 0 {
                let n = left.min(120);
                h.append("Accept-Language", vec![b'e'; n]);
                left -= n;
            }
            h
        }),
        1 => request_header().prop_map(|(n, v)| HeaderList::from_pairs([(n.clone(), v.clone()), (n, v)])),
    ])
    .boxed()
}

/// `fetch()` calls from a few page origins to a few URLs, in every mode,
/// credentials mode and redirect mode.
pub fn request() -> BoxedStrategy<Request> {
    ((
        prop_oneof![8 => Just("https://a.test"), 1 => Just("http://a.test"), 1 => Just("null")],
        prop_oneof![6 => Just("https://b.test/r"), 2 => Just("https://a.test/r"), 1 => Just("https://b.test/r?q=1")],
        method(),
        request_headers(),
        prop_oneof![6 => Just(Mode::Cors), 1 => Just(Mode::NoCors), 1 => Just(Mode::SameOrigin)],
        prop_oneof![Just(CredentialsMode::Omit), Just(CredentialsMode::SameOrigin), Just(CredentialsMode::Include)],
        prop_oneof![6 => Just(RedirectMode::Follow), 1 => Just(RedirectMode::Error), 1 => Just(RedirectMode::Manual)],
        prop_oneof![8 => Just(false), 1 => Just(true)],
    )
        .prop_filter_map("valid request", |(o, u, m, h, mode, cred, redirect, flag)| {
            let mut r = Request::new(o, &m, u).ok()?;
            r.headers = h;
            if !matches!(r.method.to_ascii_uppercase().as_str(), "GET" | "HEAD") {
                r.body = Body::Bytes("x".into());
            }
            Some(r.mode(mode).credentials(cred).redirect(redirect).use_cors_preflight(flag))
        }))
    .boxed()
}

/// `Access-Control-Allow-Origin` lines: none, `*`, `null`, the origin,
/// near misses, duplicates, surrounding whitespace.
pub fn acao_lines() -> BoxedStrategy<Vec<Vec<u8>>> {
    let one = prop_oneof![
        4 => Just(b"*".to_vec()),
        4 => Just(b"https://a.test".to_vec()),
        1 => Just(b"null".to_vec()),
        1 => Just(b"https://a.test/".to_vec()),
        1 => Just(b"HTTPS://A.TEST".to_vec()),
        1 => Just(b"https://a.test:443".to_vec()),
        1 => Just(b" https://a.test \t".to_vec()),
        1 => Just(b"https://a.test, https://c.test".to_vec()),
        1 => Just(b"".to_vec()),
    ];
    prop_oneof![1 => Just(Vec::new()), 6 => one.clone().prop_map(|v| vec![v]), 1 => vec(one, 2..3)]
        .boxed()
}

/// Allow lists (`Access-Control-Allow-Methods`/`-Headers`): `*`, empty
/// elements, odd spacing, case variants, invalid tokens.
pub fn allow_list() -> BoxedStrategy<Option<Vec<u8>>> {
    (prop_oneof![
        2 => Just(None),
        2 => Just(Some(b"*".to_vec())),
        2 => Just(Some(b"PUT, DELETE, PATCH".to_vec())),
        1 => Just(Some(b"put,,x-a , X-B".to_vec())),
        1 => Just(Some(b"*, Authorization".to_vec())),
        1 => Just(Some(b"x-a, content-type, authorization".to_vec())),
        1 => Just(Some(b"Bad method".to_vec())),
        1 => "[A-Za-z-]{1,8}(, ?[A-Za-z-]{1,8}){0,3}".prop_map(|s| Some(s.into_bytes())),
    ])
    .boxed()
}

/// `Access-Control-Max-Age` values around the default and each cap.
pub fn max_age() -> BoxedStrategy<Option<Vec<u8>>> {
    (prop_oneof![
        2 => Just(None),
        1 => prop::sample::select(vec!["0", "1", "5", "599", "600", "601", "7200", "7201", "86400", "86401"])
            .prop_map(|s| Some(s.as_bytes().to_vec())),
        1 => prop::sample::select(vec!["-1", "abc", "1.5", "+10", "600, 600", "", "99999999999999999999"])
            .prop_map(|s| Some(s.as_bytes().to_vec())),
    ])
    .boxed()
}

/// A server's CORS answers: one configuration for preflights and one for
/// other requests, with the credentials and expose headers it adds.
#[derive(Debug, Clone)]
pub struct CorsServer {
    /// The preflight's status.
    pub preflight_status: u16,
    /// The actual response's status.
    pub status: u16,
    /// `Access-Control-Allow-Origin` lines (preflight and actual).
    pub acao: Vec<Vec<u8>>,
    /// `Access-Control-Allow-Credentials`, if sent.
    pub acac: Option<Vec<u8>>,
    /// `Access-Control-Allow-Methods`, if sent.
    pub acam: Option<Vec<u8>>,
    /// `Access-Control-Allow-Headers`, if sent.
    pub acah: Option<Vec<u8>>,
    /// `Access-Control-Max-Age`, if sent.
    pub max_age: Option<Vec<u8>>,
    /// `Access-Control-Expose-Headers`, if sent.
    pub aceh: Option<Vec<u8>>,
}

impl CorsServer {
    /// The answer to `sent`.
    pub fn respond(&self, sent: &WireRequest) -> ServerResponse {
        let mut r = ServerResponse::new(if sent.is_preflight() {
            self.preflight_status
        } else {
            self.status
        });
        for v in &self.acao {
            r = r.header("Access-Control-Allow-Origin", v);
        }
        if let Some(v) = &self.acac {
            r = r.header("Access-Control-Allow-Credentials", v);
        }
        if sent.is_preflight() {
            for (n, v) in [
                ("Access-Control-Allow-Methods", &self.acam),
                ("Access-Control-Allow-Headers", &self.acah),
                ("Access-Control-Max-Age", &self.max_age),
            ] {
                if let Some(v) = v {
                    r = r.header(n, v);
                }
            }
        } else {
            r = r
                .header("Content-Type", "text/plain")
                .header("X-Total-Count", "3")
                .header("Set-Cookie", "s=1")
                .body("body");
            if let Some(v) = &self.aceh {
                r = r.header("Access-Control-Expose-Headers", v);
            }
        }
        r
    }
}

/// Server configurations.
pub fn server() -> BoxedStrategy<CorsServer> {
    ((
        prop_oneof![6 => Just(204u16), 1 => Just(200), 1 => Just(404), 1 => Just(301), 1 => 100u16..600],
        prop_oneof![6 => Just(200u16), 1 => Just(500), 1 => Just(401)],
        acao_lines(),
        prop_oneof![Just(None), Just(Some(b"true".to_vec())), Just(Some(b"True".to_vec()))],
        allow_list(),
        allow_list(),
        max_age(),
        prop_oneof![
            Just(None),
            Just(Some(b"X-Total-Count".to_vec())),
            Just(Some(b"*".to_vec())),
            Just(Some(b"set-cookie, x-total-count".to_vec())),
            Just(Some(b"bb-8 x".to_vec())),
        ],
    )
        .prop_map(|(preflight_status, status, acao, acac, acam, acah, max_age, aceh)| CorsServer {
            preflight_status,
            status,
            acao,
            acac,
            acam,
            acah,
            max_age,
            aceh,
        }))
    .boxed()
}

/// A request and a server to send it to.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The page's `fetch()`.
    pub request: Request,
    /// The server's answers.
    pub server: CorsServer,
}

/// Scenarios: a request and a server.
pub fn scenario() -> BoxedStrategy<Scenario> {
    ((request(), server()).prop_map(|(request, server)| Scenario { request, server })).boxed()
}
