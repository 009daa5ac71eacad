//! The decision checklist R-01 … R-136 (section 9 of
//! `docs/rules.md`, a paraphrase of the WHATWG
//! Fetch standard, fetch.bs 586cd2a), one or more tests per rule.
//!
//! Every expected value comes from that rules document (and so from the
//! standard), never from running the crate. Where the crate departs from the
//! standard, the test keeps the standard's expectation and is marked
//! `#[ignore = "BUG: ..."]`.
//!
//! Conventions (as in docs/rules.md): A = https://a.test is the page's
//! origin, B = https://b.test, C = https://c.test; a request is a `fetch()`
//! (unsafe-request flag set), mode `cors`, credentials `same-origin`,
//! redirect `follow`, to B, run by a `Client` with `Profile::spec()`.

use cors_sim::header_list::HeaderList;
use cors_sim::method::{
    is_cors_safelisted_method, is_forbidden_method, is_method, normalize_method,
};
use cors_sim::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightGrant};
use cors_sim::request_headers::{
    cors_unsafe_request_header_names, is_cors_non_wildcard_request_header_name,
    is_cors_safelisted_request_header, is_forbidden_request_header,
    is_no_cors_safelisted_request_header, is_privileged_no_cors_request_header_name,
};
use cors_sim::response_headers::is_forbidden_response_header_name;
use cors_sim::{
    Body, Client, CredentialsMode, Engine, Mode, Outcome, Profile, Reason, RedirectMode,
    ReferrerPolicy, Request, ResponseType, ServerResponse, Time, WarningCode, WireRequest,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const A: &str = "https://a.test";
const B: &str = "https://b.test";
const C: &str = "https://c.test";

type Hdr = (&'static str, &'static str);

const ACAO_A: Hdr = ("Access-Control-Allow-Origin", A);
const ACAO_ANY: Hdr = ("Access-Control-Allow-Origin", "*");
const ACAO_NULL: Hdr = ("Access-Control-Allow-Origin", "null");
const ACAC: Hdr = ("Access-Control-Allow-Credentials", "true");

fn url_a(path: &str) -> String {
    format!("{A}{path}")
}
fn url_b(path: &str) -> String {
    format!("{B}{path}")
}
fn url_c(path: &str) -> String {
    format!("{C}{path}")
}

/// A `fetch()` from A.
fn request(method: &str, url: &str) -> Request {
    Request::new(A, method, url).unwrap()
}

/// Appends raw header lines (as `Headers.append` from JS would).
fn with_headers<V: AsRef<[u8]>>(mut r: Request, headers: &[(&str, V)]) -> Request {
    for (n, v) in headers {
        r = r.raw_header(n, v.as_ref());
    }
    r
}

fn spec_client() -> Client {
    Client::new(Profile::spec())
}

/// One fetch with a fresh spec client at t = 0.
fn run(r: Request, server: impl FnMut(&WireRequest) -> ServerResponse) -> Outcome {
    spec_client().run(r, Time::ZERO, server).unwrap()
}

/// One fetch on `client` at `secs`.
fn run_at(
    client: &mut Client,
    r: Request,
    secs: u64,
    server: impl FnMut(&WireRequest) -> ServerResponse,
) -> Outcome {
    client.run(r, Time::from_secs(secs), server).unwrap()
}

fn resp(status: u16, headers: &[(&str, &str)]) -> ServerResponse {
    let mut r = ServerResponse::new(status);
    for (n, v) in headers {
        r = r.header(n, v);
    }
    r
}

/// A server that answers preflights (204) with `pre` and every other
/// request (200) with `actual`.
fn server<'a>(
    pre: &'a [(&'a str, &'a str)],
    actual: &'a [(&'a str, &'a str)],
) -> impl FnMut(&WireRequest) -> ServerResponse + 'a {
    move |w| {
        if w.is_preflight() {
            resp(204, pre)
        } else {
            resp(200, actual)
        }
    }
}

/// A server that allows everything by name (never with `*`): it echoes the
/// `Origin`, the requested method and headers, with credentials.
fn permissive(w: &WireRequest) -> ServerResponse {
    let origin = w.origin().unwrap_or_else(|| "*".to_string());
    if w.is_preflight() {
        let mut r = ServerResponse::new(204)
            .header("Access-Control-Allow-Origin", &origin)
            .header("Access-Control-Allow-Credentials", "true")
            .header(
                "Access-Control-Allow-Methods",
                w.headers
                    .get_str("access-control-request-method")
                    .unwrap_or_default(),
            );
        if let Some(h) = w.headers.get_str("access-control-request-headers") {
            r = r.header("Access-Control-Allow-Headers", h);
        }
        r
    } else {
        ServerResponse::new(200)
            .header("Access-Control-Allow-Origin", &origin)
            .header("Access-Control-Allow-Credentials", "true")
            .header("Vary", "Origin")
    }
}

/// Answers actual requests by exact URL; preflights get `permissive`.
fn router(routes: Vec<(String, ServerResponse)>) -> impl FnMut(&WireRequest) -> ServerResponse {
    move |w| {
        if w.is_preflight() {
            return permissive(w);
        }
        routes
            .iter()
            .find(|(u, _)| u == w.url.as_str())
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("no route for {}", w.url))
    }
}

/// A redirect response with extra headers.
fn redirect(status: u16, location: &str, headers: &[(&str, &str)]) -> ServerResponse {
    let mut r = ServerResponse::redirect(status, location);
    for (n, v) in headers {
        r = r.header(n, v);
    }
    r
}

fn actuals(o: &Outcome) -> Vec<&WireRequest> {
    o.server_received()
        .into_iter()
        .filter(|w| !w.is_preflight())
        .collect()
}

/// The only actual request that reached the server.
fn the_actual(o: &Outcome) -> &WireRequest {
    let a = actuals(o);
    assert_eq!(a.len(), 1, "expected one actual request, got {a:?}");
    a[0]
}

fn hv(w: &WireRequest, name: &str) -> Option<String> {
    w.headers.get_str(name)
}

/// A wire request's header lines as (lowercase name, value).
fn lines(w: &WireRequest) -> Vec<(String, String)> {
    w.headers
        .iter()
        .map(|h| (h.name_str().to_ascii_lowercase(), h.value_str()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn assert_blocked(o: &Outcome, reason: Reason) {
    assert!(
        !o.is_exposed(),
        "expected a network error, got {:?}",
        o.response()
    );
    assert_eq!(o.blocked_reason(), Some(reason), "{:?}", o.error());
    assert!(o.response().is_none());
}

/// `fetch()` rejects before anything is sent.
fn assert_request_error(o: &Outcome, reason: Reason) {
    assert_blocked(o, reason);
    assert!(reason.is_request_error());
    assert!(
        o.exchanges.is_empty(),
        "nothing may be sent: {:?}",
        o.exchanges
    );
}

fn assert_exposed(o: &Outcome, type_: ResponseType, status: u16) {
    let r = o
        .response()
        .unwrap_or_else(|| panic!("expected a response, got {:?}", o.error()));
    assert_eq!(r.type_, type_);
    assert_eq!(r.status, status);
}

/// The preflight decision for a cross-origin POST (with a body) from A to B
/// carrying `headers`, against a permissive server: `None` when no preflight
/// is sent, otherwise the preflight's `Access-Control-Request-Headers`
/// (`""` when it has none).
fn preflight_for<V: AsRef<[u8]>>(headers: &[(&str, V)]) -> Option<String> {
    let r = with_headers(
        request("POST", &url_b("/p")).body(Body::Bytes("x".into())),
        headers,
    );
    let o = run(r, permissive);
    assert!(o.is_exposed(), "{:?}", o.error());
    o.preflight_sent()
        .map(|p| hv(p, "access-control-request-headers").unwrap_or_default())
}

fn safelisted(name: &str, value: &[u8]) -> bool {
    is_cors_safelisted_request_header(name.as_bytes(), value)
}

fn unsafe_names<V: AsRef<[u8]>>(headers: &[(&str, V)]) -> Vec<String> {
    let list = HeaderList::from_pairs(headers.iter().map(|(n, v)| (*n, v.as_ref())));
    cors_unsafe_request_header_names(&list)
}

fn rep(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

/// Number of preflights of a fetch on `client` at `secs` against a server
/// whose preflight answer is `pre` and whose actual answer allows A with
/// credentials. The fetch must succeed.
fn preflights_at(client: &mut Client, r: Request, secs: u64, pre: &[(&str, &str)]) -> usize {
    let o = run_at(client, r, secs, server(pre, &[ACAO_A, ACAC]));
    assert!(o.is_exposed(), "{:?}", o.error());
    o.preflight_count()
}

// ---------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------

#[test]
fn r001_only_uppercase_get_head_post_are_safelisted_methods() {
    // R-01 [#cors-safelisted-method]; expected: Fetch standard (docs/rules.md).
    for m in ["GET", "HEAD", "POST"] {
        assert!(is_cors_safelisted_method(m.as_bytes()), "{m}");
    }
    for m in [
        "get", "Head", "post", "PUT", "DELETE", "OPTIONS", "PATCH", "patch", "CONNECT",
    ] {
        assert!(!is_cors_safelisted_method(m.as_bytes()), "{m}");
    }
    // End to end: safelisted methods need no preflight, others do.
    for m in ["GET", "HEAD", "POST"] {
        let o = run(request(m, &url_b("/m")), permissive);
        assert_eq!(o.preflight_count(), 0, "{m}");
        assert_eq!(the_actual(&o).method, m);
        assert_exposed(&o, ResponseType::Cors, 200);
    }
    for m in ["PUT", "DELETE", "OPTIONS", "PATCH", "FOO"] {
        let o = run(request(m, &url_b("/m")), permissive);
        assert_eq!(o.preflight_count(), 1, "{m}");
        let p = o.preflight_sent().unwrap();
        assert_eq!(hv(p, "access-control-request-method").as_deref(), Some(m));
        assert!(o.is_exposed());
    }
}

#[test]
fn r002_connect_trace_track_in_any_case_are_forbidden_and_fetch_throws() {
    // R-02 [#forbidden-method]; expected: Fetch standard (docs/rules.md).
    for m in ["CONNECT", "TRACE", "TRACK", "connect", "tRaCe", "track"] {
        assert!(is_forbidden_method(m.as_bytes()), "{m}");
        let o = run(request(m, &url_b("/x")), permissive);
        assert_request_error(&o, Reason::ForbiddenMethod);
    }
    for m in ["GET", "CONNECTX", "TRACES", "PUT"] {
        assert!(!is_forbidden_method(m.as_bytes()), "{m}");
    }
}

#[test]
fn r003_normalization_uppercases_only_the_six_methods() {
    // R-03 [#concept-method-normalize]; expected: Fetch standard (docs/rules.md).
    for (input, out) in [
        ("post", "POST"),
        ("delete", "DELETE"),
        ("Get", "GET"),
        ("hEaD", "HEAD"),
        ("options", "OPTIONS"),
        ("put", "PUT"),
        ("patch", "patch"),
        ("Patch", "Patch"),
        ("cHiCkEn", "cHiCkEn"),
    ] {
        assert_eq!(
            normalize_method(input.as_bytes()),
            out.as_bytes(),
            "{input}"
        );
    }
    // End to end: `delete` goes out as DELETE (and is announced as DELETE).
    let o = run(request("delete", &url_b("/d")), permissive);
    let p = o.preflight_sent().unwrap();
    assert_eq!(
        hv(p, "access-control-request-method").as_deref(),
        Some("DELETE")
    );
    assert_eq!(the_actual(&o).method, "DELETE");
    assert!(o.is_exposed());
}

#[test]
fn r004_patch_is_not_normalized() {
    // R-04 [#concept-method-normalize]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("patch", &url_b("/p")),
        server(
            &[ACAO_A, ("Access-Control-Allow-Methods", "patch")],
            &[ACAO_A],
        ),
    );
    let p = o.preflight_sent().unwrap();
    assert_eq!(
        hv(p, "access-control-request-method").as_deref(),
        Some("patch")
    );
    assert_eq!(the_actual(&o).method, "patch");
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r005_a_method_that_is_not_a_token_throws() {
    // R-05 [#concept-method]; expected: Fetch standard (docs/rules.md).
    for m in ["", "GE T", "GET,", "G(ET", " GET"] {
        assert!(!is_method(m.as_bytes()), "{m:?}");
        let o = run(request(m, &url_b("/x")), permissive);
        assert_request_error(&o, Reason::InvalidMethod);
    }
    assert!(is_method(b"PATCH") && is_method(b"*") && is_method(b"x-y.z"));
}

#[test]
fn r006_put_needs_a_preflight_without_extra_headers() {
    // R-06 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(request("PUT", &url_b("/put")), permissive);
    assert_eq!(o.preflight_count(), 1);
    let s = o.server_received();
    assert_eq!(s.len(), 2);
    assert!(s[0].is_preflight());
    assert_eq!(s[0].method, "OPTIONS");
    assert_eq!(s[1].method, "PUT");
    assert_eq!(hv(s[0], "access-control-request-headers"), None);
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r007_lowercase_post_is_normalized_and_needs_no_preflight() {
    // R-07 [#concept-method-normalize]; expected: Fetch standard (docs/rules.md).
    let r = request("post", &url_b("/form"))
        .header("Content-Type", "text/plain")
        .unwrap()
        .body(Body::Bytes("hi".into()));
    let o = run(r, server(&[], &[ACAO_ANY]));
    assert_eq!(o.preflight_count(), 0);
    let w = the_actual(&o);
    assert_eq!(w.method, "POST");
    assert!(w.has_body);
    assert_exposed(&o, ResponseType::Cors, 200);
}

// ---------------------------------------------------------------------------
// Safelisted request headers
// ---------------------------------------------------------------------------

#[test]
fn r008_values_over_128_bytes_are_not_safelisted() {
    // R-08 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    let v128 = rep('a', 128);
    let v129 = rep('a', 129);
    assert!(safelisted("Accept", v128.as_bytes()));
    assert!(!safelisted("Accept", v129.as_bytes()));
    assert!(safelisted("Accept-Language", v128.as_bytes()));
    assert!(!safelisted("Content-Language", v129.as_bytes()));
    assert_eq!(preflight_for(&[("Accept", &v128)]), None);
    assert_eq!(
        preflight_for(&[("Accept", &v129)]).as_deref(),
        Some("accept")
    );
}

#[test]
fn r009_accept_with_an_unsafe_byte_is_not_safelisted() {
    // R-09 [#cors-safelisted-request-header], [#cors-unsafe-request-header-byte];
    // expected: Fetch standard (docs/rules.md).
    for b in [
        b'"', b'(', b')', b':', b'<', b'>', b'?', b'@', b'[', b'\\', b']', b'{', b'}', 0x7F, 0x01,
        0x1F, 0x08,
    ] {
        let v = [b't', b'e', b'x', b't', b, b'x'];
        assert!(!safelisted("Accept", &v), "byte {b:#04x}");
    }
    // HTAB and bytes >= 0x80 are allowed.
    assert!(safelisted("Accept", b"text/html\tx"));
    assert!(safelisted("Accept", b"text/\xE9t\xE9"));
    assert_eq!(
        preflight_for(&[("Accept", "text/<html>")]).as_deref(),
        Some("accept")
    );
    assert_eq!(
        preflight_for(&[("Accept", b"a\x01b".to_vec())]).as_deref(),
        Some("accept")
    );
    assert_eq!(preflight_for(&[("Accept", b"text/\xE9".to_vec())]), None);
}

#[test]
fn r010_a_typical_accept_value_is_safelisted() {
    // R-10 [#cors-unsafe-request-header-byte]; expected: Fetch standard (docs/rules.md).
    let v = "text/html, */*;q=0.8";
    assert!(safelisted("Accept", v.as_bytes()));
    let r = request("GET", &url_b("/a")).header("Accept", v).unwrap();
    let o = run(r, server(&[], &[ACAO_ANY]));
    assert_eq!(o.preflight_count(), 0);
    // The page's Accept goes out as set (and no second, default Accept).
    assert_eq!(the_actual(&o).headers.count("accept"), 1);
    assert_eq!(hv(the_actual(&o), "accept").as_deref(), Some(v));
    assert!(o.is_exposed());
}

#[test]
fn r011_language_headers_allow_only_a_small_byte_set() {
    // R-11 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    for name in ["Accept-Language", "Content-Language"] {
        for ok in ["en-US", "en-US,en;q=0.9", "de *", "", "1.2=3"] {
            assert!(safelisted(name, ok.as_bytes()), "{name}: {ok:?}");
        }
        for bad in [
            &b"en_US"[..],
            b"en/US",
            b"en\tUS",
            b"en'US",
            b"en\"US",
            b"\xE9n",
        ] {
            assert!(!safelisted(name, bad), "{name}: {bad:?}");
        }
    }
    assert_eq!(
        preflight_for(&[("Accept-Language", "en_US")]).as_deref(),
        Some("accept-language")
    );
    assert_eq!(
        preflight_for(&[("Accept-Language", "en-US,en;q=0.9")]),
        None
    );
    assert_eq!(
        preflight_for(&[("Content-Language", "de_DE")]).as_deref(),
        Some("content-language")
    );
}

#[test]
fn r012_content_language_at_sign_or_control_byte_is_not_safelisted() {
    // R-12 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(!safelisted("Content-Language", b"@"));
    assert!(!safelisted("Content-Language", b"en\x01"));
    assert_eq!(
        preflight_for(&[("Content-Language", "@")]).as_deref(),
        Some("content-language")
    );
    assert_eq!(
        preflight_for(&[("Content-Language", b"e\x01n".to_vec())]).as_deref(),
        Some("content-language")
    );
}

#[test]
fn r013_the_three_content_types_are_safelisted_in_any_case() {
    // R-13 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    for v in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "TEXT/PLAIN",
        "Application/X-WWW-Form-Urlencoded",
        "Multipart/Form-Data",
    ] {
        assert!(safelisted("Content-Type", v.as_bytes()), "{v}");
        assert_eq!(preflight_for(&[("Content-Type", v)]), None, "{v}");
    }
}

#[test]
fn r014_content_type_parameters_are_ignored() {
    // R-14 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    for v in [
        "text/plain;charset=utf-8",
        "TEXT/PLAIN; charset=UTF-8",
        "text/plain;garbage",
        "multipart/form-data; boundary=something",
    ] {
        assert!(safelisted("Content-Type", v.as_bytes()), "{v}");
        assert_eq!(preflight_for(&[("Content-Type", v)]), None, "{v}");
    }
}

#[test]
fn r015_application_json_needs_a_preflight() {
    // R-15 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(!safelisted("Content-Type", b"application/json"));
    assert_eq!(
        preflight_for(&[("Content-Type", "application/json")]).as_deref(),
        Some("content-type")
    );
}

#[test]
fn r016_content_type_with_a_quote_is_not_safelisted() {
    // R-16 [#cors-unsafe-request-header-byte]; expected: Fetch standard (docs/rules.md).
    for v in [
        "text/plain; a=\"b\"",
        "text/plain; boundary=\"x\"",
        "multipart/form-data;\"",
    ] {
        assert!(!safelisted("Content-Type", v.as_bytes()), "{v}");
        assert_eq!(
            preflight_for(&[("Content-Type", v)]).as_deref(),
            Some("content-type"),
            "{v}"
        );
    }
    // Other unsafe bytes in parameters, as in WPT.
    assert!(!safelisted(
        "Content-Type",
        b"application/x-www-form-urlencoded;\x7F"
    ));
    assert!(!safelisted("Content-Type", b"text/plain;garbage\x01\x02"));
}

#[test]
fn r017_content_type_mime_parse_failures_are_not_safelisted() {
    // R-17 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    for v in [
        &b"text/plain,"[..],
        b"text/plain, text/plain",
        b"text /plain",
        b"text\t/\tplain",
        b",text/plain",
        b"text/plain,x/x",
        b"text/plain\x0B",
        b"text/plain\x0C",
    ] {
        assert!(!safelisted("Content-Type", v), "{v:?}");
    }
    for v in ["text/plain,", "text/plain, text/plain", "text /plain"] {
        assert_eq!(
            preflight_for(&[("Content-Type", v)]).as_deref(),
            Some("content-type"),
            "{v}"
        );
    }
}

#[test]
fn r018_two_content_type_entries_are_judged_one_by_one() {
    // R-18 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert_eq!(
        unsafe_names(&[
            ("Content-Type", "application/json"),
            ("Content-Type", "text/plain")
        ]),
        vec!["content-type"]
    );
    assert_eq!(
        preflight_for(&[
            ("Content-Type", "application/json"),
            ("Content-Type", "text/plain")
        ])
        .as_deref(),
        Some("content-type")
    );
    // Two safe entries stay safe.
    assert!(
        unsafe_names(&[
            ("Content-Type", "text/plain"),
            ("Content-Type", "text/plain")
        ])
        .is_empty()
    );
    assert_eq!(
        preflight_for(&[
            ("Content-Type", "text/plain"),
            ("Content-Type", "text/plain")
        ]),
        None
    );
}

#[test]
fn r019_application_www_form_urlencoded_without_x_is_not_safelisted() {
    // R-19 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(!safelisted(
        "Content-Type",
        b"application/www-form-urlencoded"
    ));
    assert_eq!(
        preflight_for(&[("Content-Type", "application/www-form-urlencoded")]).as_deref(),
        Some("content-type")
    );
}

#[test]
fn r020_text_plain_with_an_empty_parameter_is_safelisted() {
    // R-20 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(safelisted("Content-Type", b"text/plain;"));
    assert_eq!(preflight_for(&[("Content-Type", "text/plain;")]), None);
}

#[test]
fn r021_single_bytes_ranges_with_a_start_are_safelisted() {
    // R-21 [#simple-range-header-value]; expected: Fetch standard (docs/rules.md).
    for v in [
        "bytes=0-499",
        "bytes=200-",
        "bytes=0-",
        "bytes=00-01",
        "bytes=100-200",
    ] {
        assert!(safelisted("Range", v.as_bytes()), "{v}");
    }
    let r = request("GET", &url_b("/video"))
        .header("Range", "bytes=0-499")
        .unwrap();
    let o = run(r, server(&[], &[ACAO_ANY]));
    assert_eq!(o.preflight_count(), 0);
    assert_eq!(hv(the_actual(&o), "range").as_deref(), Some("bytes=0-499"));
    assert_eq!(preflight_for(&[("Range", "bytes=200-")]), None);
}

#[test]
fn r022_a_suffix_range_is_not_safelisted() {
    // R-22 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(!safelisted("Range", b"bytes=-500"));
    assert_eq!(
        preflight_for(&[("Range", "bytes=-500")]).as_deref(),
        Some("range")
    );
}

#[test]
fn r023_a_multi_range_is_not_safelisted() {
    // R-23 [#simple-range-header-value]; expected: Fetch standard (docs/rules.md).
    assert!(!safelisted("Range", b"bytes=0-1,3-4"));
    assert_eq!(
        preflight_for(&[("Range", "bytes=0-1,3-4")]).as_deref(),
        Some("range")
    );
}

#[test]
fn r024_a_range_whose_start_exceeds_its_end_is_not_safelisted() {
    // R-24 [#simple-range-header-value]; expected: Fetch standard (docs/rules.md).
    assert!(!safelisted("Range", b"bytes=200-100"));
    assert!(!safelisted("Range", b"bytes=500-499"));
    assert_eq!(
        preflight_for(&[("Range", "bytes=200-100")]).as_deref(),
        Some("range")
    );
}

#[test]
fn r025_malformed_ranges_are_not_safelisted() {
    // R-25 [#simple-range-header-value]; expected: Fetch standard (docs/rules.md).
    for v in [
        "bytes = 0-1",
        "bytes=0 -1",
        "Bytes=0-1",
        "bytes 0-1",
        "bytes=abc-def",
        "bytes=",
        "bytes=-",
        "items=0-1",
        "100-200",
        "MB=100-200",
        "bytes\t=100-200",
        "bytes=100-200hello",
        ",bytes=100-200",
        "bytes=,100-200",
    ] {
        assert!(!safelisted("Range", v.as_bytes()), "{v}");
    }
    for v in ["bytes = 0-1", "Bytes=0-1", "bytes=abc-def"] {
        assert_eq!(
            preflight_for(&[("Range", v)]).as_deref(),
            Some("range"),
            "{v}"
        );
    }
}

#[test]
fn r026_a_129_byte_range_is_not_safelisted() {
    // R-26 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    let v129 = format!("bytes=1{}-2{}", rep('0', 60), rep('0', 60));
    assert_eq!(v129.len(), 129);
    assert!(!safelisted("Range", v129.as_bytes()));
    assert_eq!(preflight_for(&[("Range", &v129)]).as_deref(), Some("range"));
    // 128 bytes of an otherwise valid range (leading zeros are fine) stay safe.
    let v128 = format!("bytes={}-{}", rep('0', 60), rep('0', 61));
    assert_eq!(v128.len(), 128);
    assert!(safelisted("Range", v128.as_bytes()));
    let v129z = format!("bytes={}-{}", rep('0', 61), rep('0', 61));
    assert!(!safelisted("Range", v129z.as_bytes()));
}

#[test]
fn r027_other_header_names_are_not_safelisted() {
    // R-27 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    for name in [
        "X-Foo",
        "Last-Event-ID",
        "DPR",
        "Authorization",
        "Save-Data",
    ] {
        assert!(!safelisted(name, b"1"), "{name}");
        assert_eq!(
            preflight_for(&[(name, "1")]),
            Some(name.to_ascii_lowercase()),
            "{name}"
        );
    }
}

#[test]
fn r028_safelist_name_matching_is_case_insensitive() {
    // R-28 [#cors-safelisted-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(safelisted("CONTENT-TYPE", b"text/plain"));
    assert!(safelisted("aCcEpT-lAnGuAgE", b"en"));
    assert!(safelisted("RANGE", b"bytes=0-1"));
    assert_eq!(preflight_for(&[("CONTENT-TYPE", "text/plain")]), None);
}

// ---------------------------------------------------------------------------
// Unsafe names and the 1024 rule
// ---------------------------------------------------------------------------

#[test]
fn r029_unsafe_names_are_lowercased_deduplicated_and_byte_sorted() {
    // R-29 [#cors-unsafe-request-header-names]; expected: Fetch standard (docs/rules.md).
    let h = [
        ("X-B", "1"),
        ("x-a", "2"),
        ("X-A", "3"),
        ("X-1", "4"),
        ("X_C", "5"),
    ];
    assert_eq!(unsafe_names(&h), vec!["x-1", "x-a", "x-b", "x_c"]);
    assert_eq!(preflight_for(&h).as_deref(), Some("x-1,x-a,x-b,x_c"));
}

#[test]
fn r030_safelisted_values_totalling_1024_bytes_stay_safe() {
    // R-30 [#cors-unsafe-request-header-names]; expected: Fetch standard (docs/rules.md).
    let v = rep('a', 128);
    let mut h = vec![("Accept", v.clone())];
    for _ in 0..7 {
        h.push(("Content-Language", v.clone()));
    }
    // 8 × 128 = 1024.
    assert!(unsafe_names(&h).is_empty());
    assert_eq!(preflight_for(&h), None);
}

#[test]
fn r030_the_ua_added_accept_counts_toward_1024() {
    // R-30 [#cors-unsafe-request-header-names], [#concept-fetch]; expected: Fetch standard
    // (docs/rules.md) adds is in the header list).
    let v = rep('a', 128);
    // 7 × 128 + 125 + 3 (Accept: */*) = 1024: no preflight.
    let mut h = vec![("Accept-Language", v.clone()); 7];
    h.push(("Accept-Language", rep('a', 125)));
    assert_eq!(preflight_for(&h), None);
    // One byte more: 1025, so every safelisted name, Accept included, is unsafe.
    let mut h = vec![("Accept-Language", v); 7];
    h.push(("Accept-Language", rep('a', 126)));
    assert_eq!(preflight_for(&h).as_deref(), Some("accept,accept-language"));
}

#[test]
fn r031_safelisted_values_over_1024_bytes_make_every_safelisted_name_unsafe() {
    // R-31 [#cors-unsafe-request-header-names]; expected: Fetch standard (docs/rules.md).
    let v = rep('a', 128);
    let mut h = vec![("Accept", v.clone())];
    for _ in 0..7 {
        h.push(("Content-Language", v.clone()));
    }
    h.push(("Accept-Language", "a".to_string()));
    // 1025 bytes.
    assert_eq!(
        unsafe_names(&h),
        vec!["accept", "accept-language", "content-language"]
    );
    assert_eq!(
        preflight_for(&h).as_deref(),
        Some("accept,accept-language,content-language")
    );
}

#[test]
fn r032_unsafe_header_values_do_not_count_toward_1024() {
    // R-32 [#cors-unsafe-request-header-names]; expected: Fetch standard (docs/rules.md).
    let v = rep('a', 128);
    let mut h = vec![("Accept", v.clone())];
    for _ in 0..7 {
        h.push(("Content-Language", v.clone()));
    }
    h.push(("X-Big", rep('b', 2000)));
    assert_eq!(unsafe_names(&h), vec!["x-big"]);
    assert_eq!(preflight_for(&h).as_deref(), Some("x-big"));
}

#[test]
fn r033_duplicate_safelisted_headers_each_count_but_appear_once() {
    // R-33 [#cors-unsafe-request-header-names]; expected: Fetch standard (docs/rules.md).
    // 1 + 8 × 128 = 1025 only because every duplicate counts.
    let mut h = vec![("Accept", "a".to_string())];
    for _ in 0..8 {
        h.push(("Accept-Language", rep('a', 128)));
    }
    assert_eq!(unsafe_names(&h), vec!["accept", "accept-language"]);
    assert_eq!(preflight_for(&h).as_deref(), Some("accept,accept-language"));
    // Below the total, duplicates stay safe.
    assert_eq!(
        preflight_for(&[("Content-Language", "en"), ("Content-Language", "de")]),
        None
    );
}

#[test]
fn r034_the_no_cors_guard_applies_only_the_128_byte_rule() {
    // R-34 [#concept-headers-append]; expected: Fetch standard (docs/rules.md).
    let v = rep('a', 128);
    let ct = format!("text/plain;a={}", rep('b', 115));
    assert_eq!(ct.len(), 128);
    for (n, val) in [
        ("Accept", v.as_str()),
        ("Accept-Language", v.as_str()),
        ("Content-Language", v.as_str()),
        ("Content-Type", ct.as_str()),
    ] {
        assert!(is_no_cors_safelisted_request_header(
            n.as_bytes(),
            val.as_bytes()
        ));
    }
    let r = with_headers(
        request("POST", &url_b("/nc"))
            .mode(Mode::NoCors)
            .body(Body::Bytes("x".into())),
        &[
            ("Accept", v.as_str()),
            ("Accept-Language", v.as_str()),
            ("Content-Language", v.as_str()),
            ("Content-Type", ct.as_str()),
        ],
    );
    let o = run(r, server(&[], &[]));
    let w = the_actual(&o);
    assert_eq!(hv(w, "accept").as_deref(), Some(v.as_str()));
    assert_eq!(hv(w, "accept-language").as_deref(), Some(v.as_str()));
    assert_eq!(hv(w, "content-language").as_deref(), Some(v.as_str()));
    assert_eq!(hv(w, "content-type").as_deref(), Some(ct.as_str()));
    assert!(!o.has_warning(WarningCode::NoCorsHeaderDropped));
    assert_exposed(&o, ResponseType::Opaque, 0);
}

// ---------------------------------------------------------------------------
// Forbidden headers / guards
// ---------------------------------------------------------------------------

const FORBIDDEN: [(&str, &str); 21] = [
    ("Accept-Charset", "utf-8"),
    ("Accept-Encoding", "gzip"),
    ("Access-Control-Request-Headers", "x-foo"),
    ("Access-Control-Request-Method", "PUT"),
    ("Connection", "close"),
    ("Content-Length", "5"),
    ("Cookie", "a=b"),
    ("Cookie2", "a=b"),
    ("Date", "Tue, 01 Jan 2030 00:00:00 GMT"),
    ("DNT", "1"),
    ("Expect", "100-continue"),
    ("Host", "evil.test"),
    ("Keep-Alive", "timeout=5"),
    ("Origin", "https://evil.test"),
    ("Referer", "https://evil.test/"),
    ("Set-Cookie", "a=b"),
    ("TE", "trailers"),
    ("Trailer", "X-Foo"),
    ("Transfer-Encoding", "chunked"),
    ("Upgrade", "websocket"),
    ("Via", "1.1 proxy"),
];

#[test]
fn r035_the_21_forbidden_names_are_silently_dropped() {
    // R-35 [#forbidden-request-header]; expected: Fetch standard (docs/rules.md). The crate
    // models the request guard when the fetch starts: dropped, with a warning, no throw.
    for (n, v) in FORBIDDEN {
        assert!(
            is_forbidden_request_header(n.as_bytes(), v.as_bytes()),
            "{n}"
        );
        let upper = n.to_ascii_uppercase();
        assert!(
            is_forbidden_request_header(upper.as_bytes(), v.as_bytes()),
            "{upper}"
        );
    }
    let r = with_headers(request("GET", &url_b("/f")), &FORBIDDEN);
    let o = run(r, server(&[], &[ACAO_ANY]));
    // All dropped, so this is a simple request: no preflight.
    assert_eq!(o.preflight_count(), 0);
    let w = the_actual(&o);
    assert_eq!(
        lines(w),
        pairs(&[("accept", "*/*"), ("origin", "https://a.test")])
    );
    assert!(!w.credentials);
    assert!(o.has_warning(WarningCode::ForbiddenHeaderDropped));
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r036_sec_and_proxy_prefixed_names_are_forbidden() {
    // R-36 [#forbidden-request-header]; expected: Fetch standard (docs/rules.md).
    let h = [
        ("Sec-Fetch-Mode", "navigate"),
        ("sec-custom", "1"),
        ("SEC-X", "1"),
        ("Proxy-Authorization", "Basic eA=="),
        ("proxy-foo", "1"),
    ];
    for (n, v) in h {
        assert!(
            is_forbidden_request_header(n.as_bytes(), v.as_bytes()),
            "{n}"
        );
    }
    assert!(!is_forbidden_request_header(b"X-Sec-Foo", b"1"));
    assert!(!is_forbidden_request_header(b"Proxy", b"1"));
    let o = run(
        with_headers(request("GET", &url_b("/s")), &h),
        server(&[], &[ACAO_ANY]),
    );
    assert_eq!(o.preflight_count(), 0);
    assert_eq!(
        lines(the_actual(&o)),
        pairs(&[("accept", "*/*"), ("origin", "https://a.test")])
    );
    assert!(o.has_warning(WarningCode::ForbiddenHeaderDropped));
}

#[test]
fn r037_method_override_with_an_allowed_method_is_sent_and_preflighted() {
    // R-37 [#forbidden-request-header]; expected: Fetch standard (docs/rules.md).
    assert!(!is_forbidden_request_header(
        b"X-HTTP-Method-Override",
        b"PUT"
    ));
    let r = request("POST", &url_b("/o"))
        .header("X-HTTP-Method-Override", "PUT")
        .unwrap();
    let o = run(r, permissive);
    let p = o.preflight_sent().unwrap();
    assert_eq!(
        hv(p, "access-control-request-headers").as_deref(),
        Some("x-http-method-override")
    );
    assert_eq!(
        hv(the_actual(&o), "x-http-method-override").as_deref(),
        Some("PUT")
    );
    assert!(o.is_exposed());
}

#[test]
fn r038_method_override_naming_a_forbidden_method_is_dropped() {
    // R-38 [#forbidden-request-header]; expected: Fetch standard (docs/rules.md).
    let h = [
        ("X-HTTP-Method-Override", "trace"),
        ("X-HTTP-Method", "CONNECT"),
        ("X-Method-Override", "GET, TRACK"),
    ];
    for (n, v) in h {
        assert!(
            is_forbidden_request_header(n.as_bytes(), v.as_bytes()),
            "{n}: {v}"
        );
    }
    // A quoted item keeps its quotes, so it is not a forbidden method.
    assert!(!is_forbidden_request_header(
        b"X-HTTP-Method-Override",
        b"\" TRACE\""
    ));
    let o = run(
        with_headers(request("GET", &url_b("/o")), &h),
        server(&[], &[ACAO_ANY]),
    );
    assert_eq!(o.preflight_count(), 0);
    let w = the_actual(&o);
    for (n, _) in h {
        assert_eq!(hv(w, n), None, "{n}");
    }
    assert!(o.has_warning(WarningCode::ForbiddenHeaderDropped));
}

#[test]
fn r039_no_cors_drops_headers_that_are_not_no_cors_safelisted() {
    // R-39 [#concept-headers-append]; expected: Fetch standard (docs/rules.md).
    assert!(!is_no_cors_safelisted_request_header(b"X-Foo", b"1"));
    assert!(!is_no_cors_safelisted_request_header(
        b"Content-Type",
        b"application/json"
    ));
    assert!(is_no_cors_safelisted_request_header(
        b"content-type",
        b"text/plain"
    ));
    let r = request("POST", &url_b("/nc"))
        .mode(Mode::NoCors)
        .body(Body::Bytes("{}".into()))
        .header("X-Foo", "1")
        .unwrap()
        .header("Content-Type", "application/json")
        .unwrap()
        .header("Accept-Language", "en")
        .unwrap();
    let o = run(r, server(&[], &[]));
    assert_eq!(o.preflight_count(), 0);
    let w = the_actual(&o);
    assert_eq!(hv(w, "x-foo"), None);
    assert_eq!(hv(w, "content-type"), None);
    assert_eq!(hv(w, "accept-language").as_deref(), Some("en"));
    assert!(o.has_warning(WarningCode::NoCorsHeaderDropped));
    assert_exposed(&o, ResponseType::Opaque, 0);
}

#[test]
fn r040_no_cors_drops_a_script_set_range() {
    // R-40 [#privileged-no-cors-request-header-name]; expected: Fetch standard (docs/rules.md).
    assert!(is_privileged_no_cors_request_header_name(b"Range"));
    assert!(is_privileged_no_cors_request_header_name(b"range"));
    assert!(!is_no_cors_safelisted_request_header(
        b"Range",
        b"bytes=0-1"
    ));
    let r = request("GET", &url_b("/v"))
        .mode(Mode::NoCors)
        .header("Range", "bytes=0-1")
        .unwrap();
    let o = run(r, server(&[], &[]));
    assert_eq!(hv(the_actual(&o), "range"), None);
    assert!(o.has_warning(WarningCode::NoCorsHeaderDropped));
    assert_exposed(&o, ResponseType::Opaque, 0);
}

#[test]
fn r041_no_cors_drops_an_append_whose_combined_value_exceeds_128_bytes() {
    // R-41 [#concept-headers-append]; expected: Fetch standard (docs/rules.md).
    let first = rep('a', 100);
    let second = rep('b', 30);
    let combined = format!("{first}, {second}");
    assert!(is_no_cors_safelisted_request_header(
        b"Accept",
        first.as_bytes()
    ));
    assert!(!is_no_cors_safelisted_request_header(
        b"Accept",
        combined.as_bytes()
    ));
    let r = request("GET", &url_b("/v"))
        .mode(Mode::NoCors)
        .header("Accept", &first)
        .unwrap()
        .header("Accept", &second)
        .unwrap();
    let o = run(r, server(&[], &[]));
    let w = the_actual(&o);
    assert_eq!(w.headers.count("accept"), 1);
    assert_eq!(hv(w, "accept").as_deref(), Some(first.as_str()));
    assert!(o.has_warning(WarningCode::NoCorsHeaderDropped));
    // Within 128 bytes combined, both appends are kept.
    let r = request("GET", &url_b("/v"))
        .mode(Mode::NoCors)
        .header("Accept", "text/html")
        .unwrap()
        .header("Accept", "application/xml")
        .unwrap();
    let o = run(r, server(&[], &[]));
    assert_eq!(
        hv(the_actual(&o), "accept").as_deref(),
        Some("text/html, application/xml")
    );
}

#[test]
fn r042_no_cors_with_a_non_safelisted_method_throws() {
    // R-42 [#dom-request]; expected: Fetch standard (docs/rules.md).
    for m in ["PUT", "DELETE", "patch"] {
        let o = run(request(m, &url_b("/x")).mode(Mode::NoCors), permissive);
        assert_request_error(&o, Reason::NoCorsMethodNotSafelisted);
    }
    // `post` normalises to POST, which no-cors allows.
    let o = run(
        request("post", &url_b("/x")).mode(Mode::NoCors),
        server(&[], &[]),
    );
    assert_exposed(&o, ResponseType::Opaque, 0);
}

#[test]
fn r043_set_cookie_is_never_visible_to_script() {
    // R-43 [#forbidden-response-header-name]; expected: Fetch standard (docs/rules.md). The
    // Headers `response` guard itself is not modelled; what is: basic and CORS filtered
    // responses never show Set-Cookie / Set-Cookie2.
    for n in ["Set-Cookie", "set-cookie2", "SET-COOKIE"] {
        assert!(is_forbidden_response_header_name(n.as_bytes()), "{n}");
    }
    assert!(!is_forbidden_response_header_name(b"Set-Cookie3"));
    let cookie_response = |extra: &[(&str, &str)]| {
        let mut r = resp(
            200,
            &[
                ("Set-Cookie", "sid=1"),
                ("Set-Cookie2", "sid=2"),
                ("X-Other", "v"),
            ],
        );
        for (n, v) in extra {
            r = r.header(n, v);
        }
        r
    };
    // Basic (same-origin).
    let o = run(request("GET", &url_a("/same")), |_| cookie_response(&[]));
    assert_exposed(&o, ResponseType::Basic, 200);
    assert_eq!(o.visible_header("set-cookie"), None);
    assert_eq!(o.visible_header("set-cookie2"), None);
    assert_eq!(o.visible_header("x-other").as_deref(), Some("v"));
    // CORS, even when listed or matched by `*`.
    for aceh in ["Set-Cookie, Set-Cookie2, X-Other", "*"] {
        let o = run(request("GET", &url_b("/c")), |_| {
            cookie_response(&[ACAO_ANY, ("Access-Control-Expose-Headers", aceh)])
        });
        assert_exposed(&o, ResponseType::Cors, 200);
        assert_eq!(o.visible_header("set-cookie"), None, "{aceh}");
        assert_eq!(o.visible_header("set-cookie2"), None, "{aceh}");
        assert_eq!(o.visible_header("x-other").as_deref(), Some("v"), "{aceh}");
    }
}

// ---------------------------------------------------------------------------
// Mode switch / tainting
// ---------------------------------------------------------------------------

#[test]
fn r044_same_origin_requests_are_basic_without_preflight_or_cors_check() {
    // R-44 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("PUT", &url_a("/same"))
        .header("X-Foo", "1")
        .unwrap()
        .header("Content-Type", "application/json")
        .unwrap()
        .body(Body::Bytes("{}".into()));
    // The server sends no CORS headers at all.
    let o = run(r, |_| resp(200, &[("X-Secret", "s")]));
    assert_eq!(o.preflight_count(), 0);
    let w = the_actual(&o);
    assert_eq!(w.method, "PUT");
    assert_eq!(hv(w, "x-foo").as_deref(), Some("1"));
    assert!(w.credentials);
    assert_exposed(&o, ResponseType::Basic, 200);
    assert_eq!(o.visible_header("x-secret").as_deref(), Some("s"));
}

#[test]
fn r045_mode_same_origin_to_another_origin_fails_without_network() {
    // R-45 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("GET", &url_b("/x")).mode(Mode::SameOrigin),
        permissive,
    );
    assert_blocked(&o, Reason::DisallowedByMode);
    assert!(o.exchanges.is_empty());
}

#[test]
fn r046_no_cors_cross_origin_is_opaque_without_preflight_or_check() {
    // R-46 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("POST", &url_b("/nc"))
        .mode(Mode::NoCors)
        .header("Content-Type", "text/plain")
        .unwrap()
        .body(Body::Bytes("x".into()));
    // No Access-Control-* at all: no CORS check happens.
    let o = run(r, |_| {
        resp(201, &[("X-Secret", "s"), ("Content-Type", "text/plain")]).body("secret")
    });
    assert_eq!(o.preflight_count(), 0);
    assert_eq!(o.server_received().len(), 1);
    assert_eq!(the_actual(&o).method, "POST");
    assert_exposed(&o, ResponseType::Opaque, 0);
    let r = o.response().unwrap();
    assert!(r.headers.is_empty());
    assert_eq!(r.body, None);
}

#[test]
fn r047_no_cors_cross_origin_needs_redirect_mode_follow() {
    // R-47 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    for mode in [RedirectMode::Manual, RedirectMode::Error] {
        let o = run(
            request("GET", &url_b("/x"))
                .mode(Mode::NoCors)
                .redirect(mode),
            permissive,
        );
        assert_blocked(&o, Reason::NoCorsRedirectMode);
        assert!(o.exchanges.is_empty(), "{mode}");
    }
}

#[test]
fn r048_cors_to_a_non_http_scheme_fails() {
    // R-48 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    for url in ["ftp://b.test/file", "file:///etc/passwd"] {
        let o = run(request("GET", url), permissive);
        assert_blocked(&o, Reason::UnsupportedScheme);
        assert!(o.exchanges.is_empty(), "{url}");
    }
}

#[test]
fn r049_a_data_url_gives_a_basic_response() {
    // R-49 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", "data:,hello"), |_| {
        panic!("a data: URL must not reach any server")
    });
    assert!(o.exchanges.is_empty());
    assert_exposed(&o, ResponseType::Basic, 200);
    assert_eq!(o.response().unwrap().body.as_deref(), Some("hello"));
}

#[test]
fn r050_a_cross_origin_simple_get_is_cors_tainted_without_preflight() {
    // R-50 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("GET", &url_b("/s"))
        .header("Accept-Language", "en")
        .unwrap();
    let o = run(r.clone(), server(&[], &[ACAO_ANY]));
    assert_eq!(o.preflight_count(), 0);
    assert_eq!(hv(the_actual(&o), "origin").as_deref(), Some(A));
    assert_exposed(&o, ResponseType::Cors, 200);
    // Tainting cors means the CORS check applies.
    let o = run(r, server(&[], &[]));
    assert_eq!(o.server_received().len(), 1);
    assert_blocked(&o, Reason::MissingAllowOrigin);
}

#[test]
fn r051_the_use_cors_preflight_flag_forces_a_preflight() {
    // R-51 [#use-cors-preflight-flag]; expected: Fetch standard (docs/rules.md).
    // A ReadableStream body sets the flag.
    let r = request("POST", &url_b("/up"))
        .header("Content-Type", "text/plain")
        .unwrap()
        .body(Body::Stream);
    let o = run(r, permissive);
    assert_eq!(o.preflight_count(), 1);
    let p = o.preflight_sent().unwrap();
    assert_eq!(
        hv(p, "access-control-request-method").as_deref(),
        Some("POST")
    );
    assert_eq!(hv(p, "access-control-request-headers"), None);
    assert!(o.is_exposed());
    // XHR upload listeners: the flag itself, with a byte body.
    let r = request("POST", &url_b("/up"))
        .body(Body::Bytes("x".into()))
        .use_cors_preflight(true);
    let o = run(r, permissive);
    assert_eq!(o.preflight_count(), 1);
    assert!(o.is_exposed());
}

#[test]
fn r052_without_the_unsafe_request_flag_there_is_no_preflight() {
    // R-52 [#unsafe-request-flag]; expected: Fetch standard (docs/rules.md).
    let r = request("PUT", &url_b("/el"))
        .header("X-Foo", "1")
        .unwrap()
        .unsafe_request(false);
    let o = run(r, server(&[], &[ACAO_ANY]));
    assert_eq!(o.preflight_count(), 0);
    let w = the_actual(&o);
    assert_eq!(w.method, "PUT");
    assert_eq!(hv(w, "origin").as_deref(), Some(A));
    assert_exposed(&o, ResponseType::Cors, 200);
    // Only the use-CORS-preflight flag can still force one.
    let r = request("GET", &url_b("/el"))
        .unsafe_request(false)
        .use_cors_preflight(true);
    let o = run(r, permissive);
    assert_eq!(o.preflight_count(), 1);
    assert_eq!(
        hv(o.preflight_sent().unwrap(), "access-control-request-method").as_deref(),
        Some("GET")
    );
}

#[test]
fn r053_a_stream_body_in_no_cors_throws() {
    // R-53 [#dom-request]; expected: Fetch standard (docs/rules.md).
    let r = request("POST", &url_b("/up"))
        .mode(Mode::NoCors)
        .body(Body::Stream);
    let o = run(r, permissive);
    assert_request_error(&o, Reason::StreamBodyInNoCors);
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

#[test]
fn r054_when_credentials_are_attached() {
    // R-54 [#http-network-or-cache-fetch]; expected: Fetch standard (docs/rules.md).
    let sent = |creds: CredentialsMode, url: &str| {
        let o = run(request("GET", url).credentials(creds), permissive);
        assert!(o.is_exposed(), "{:?}", o.error());
        the_actual(&o).credentials
    };
    assert!(sent(CredentialsMode::Include, &url_b("/x")));
    assert!(sent(CredentialsMode::Include, &url_a("/x")));
    assert!(!sent(CredentialsMode::SameOrigin, &url_b("/x")));
    assert!(sent(CredentialsMode::SameOrigin, &url_a("/x")));
    assert!(!sent(CredentialsMode::Omit, &url_b("/x")));
    assert!(!sent(CredentialsMode::Omit, &url_a("/x")));
}

#[test]
fn r055_same_origin_url_after_a_cross_origin_redirect_gets_no_cookies() {
    // R-55 [#http-network-or-cache-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("GET", &url_b("/bounce")),
        router(vec![
            (
                url_b("/bounce"),
                redirect(302, &url_a("/back"), &[ACAO_ANY]),
            ),
            (url_a("/back"), resp(200, &[ACAO_ANY])),
        ]),
    );
    let a = actuals(&o);
    assert_eq!(a.len(), 2);
    assert_eq!(a[1].url.as_str(), url_a("/back"));
    assert!(!a[0].credentials);
    assert!(!a[1].credentials);
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r056_a_preflight_never_carries_credentials() {
    // R-56 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("PUT", &url_b("/me"))
        .credentials(CredentialsMode::Include)
        .header("Authorization", "Bearer t")
        .unwrap()
        .body(Body::Bytes("x".into()));
    let o = run(r, permissive);
    let p = o.preflight_sent().unwrap();
    assert!(!p.credentials);
    assert!(!p.has_body);
    assert_eq!(hv(p, "authorization"), None);
    assert_eq!(hv(p, "cookie"), None);
    assert_eq!(
        hv(p, "access-control-request-headers").as_deref(),
        Some("authorization")
    );
    let w = the_actual(&o);
    assert!(w.credentials);
    assert_eq!(hv(w, "authorization").as_deref(), Some("Bearer t"));
    assert!(o.is_exposed());
}

#[test]
fn r057_a_401_to_a_cors_request_is_just_a_response() {
    // R-57 [#http-network-or-cache-fetch]; expected: Fetch standard (docs/rules.md). Auth
    // prompts are not modelled; what is: no retry, one request, the 401 is exposed.
    for creds in [CredentialsMode::SameOrigin, CredentialsMode::Include] {
        let o = run(
            request("GET", &url_b("/private")).credentials(creds),
            |_| {
                resp(
                    401,
                    &[ACAO_A, ACAC, ("WWW-Authenticate", "Basic realm=\"x\"")],
                )
            },
        );
        assert_eq!(o.server_received().len(), 1, "{creds}");
        assert_exposed(&o, ResponseType::Cors, 401);
    }
}

// ---------------------------------------------------------------------------
// Preflight request shape
// ---------------------------------------------------------------------------

#[test]
fn r058_the_preflight_is_options_to_the_current_url_with_its_query() {
    // R-58 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let url = url_b("/path/to?x=1&y=2");
    let o = run(request("PUT", &url), permissive);
    let s = o.server_received();
    assert_eq!(s.len(), 2);
    assert!(s[0].is_preflight());
    assert_eq!(s[0].method, "OPTIONS");
    assert_eq!(s[0].url.as_str(), url);
    assert_eq!(s[1].url.as_str(), url);
}

#[test]
fn r059_the_preflight_accepts_anything() {
    // R-59 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("PUT", &url_b("/j"))
        .header("Accept", "application/json")
        .unwrap();
    let o = run(r, permissive);
    let p = o.preflight_sent().unwrap();
    assert_eq!(p.headers.count("accept"), 1);
    assert_eq!(hv(p, "accept").as_deref(), Some("*/*"));
    assert_eq!(
        hv(the_actual(&o), "accept").as_deref(),
        Some("application/json")
    );
}

#[test]
fn r060_acrm_is_the_normalized_method_byte_for_byte() {
    // R-60 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for (given, sent) in [
        ("delete", "DELETE"),
        ("PATCH", "PATCH"),
        ("patch", "patch"),
        ("put", "PUT"),
    ] {
        let o = run(request(given, &url_b("/m")), permissive);
        let p = o.preflight_sent().unwrap();
        assert_eq!(
            hv(p, "access-control-request-method").as_deref(),
            Some(sent),
            "{given}"
        );
        assert_eq!(the_actual(&o).method, sent);
    }
}

#[test]
fn r061_acrh_only_when_there_are_unsafe_names_joined_without_space() {
    // R-61 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md). Origin comes
    // after the three preflight headers (HTTP-network-or-cache fetch appends it).
    let o = run(request("PUT", &url_b("/h")), permissive);
    assert_eq!(
        lines(o.preflight_sent().unwrap()),
        pairs(&[
            ("accept", "*/*"),
            ("access-control-request-method", "PUT"),
            ("origin", A),
        ])
    );
    let r = request("PUT", &url_b("/h"))
        .header("X-B", "1")
        .unwrap()
        .header("x-a", "2")
        .unwrap()
        .header("Content-Type", "application/json")
        .unwrap();
    let o = run(r, permissive);
    assert_eq!(
        lines(o.preflight_sent().unwrap()),
        pairs(&[
            ("accept", "*/*"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type,x-a,x-b"),
            ("origin", A),
        ])
    );
}

#[test]
fn r062_acrh_lists_lowercased_sorted_names_only() {
    // R-62 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("POST", &url_b("/h"))
        .header("X-Foo", "secret-value")
        .unwrap()
        .header("Content-Type", "text/plain")
        .unwrap()
        .header("Accept-Language", "en")
        .unwrap()
        .body(Body::Bytes("x".into()));
    let o = run(r, permissive);
    let p = o.preflight_sent().unwrap();
    assert_eq!(
        hv(p, "access-control-request-headers").as_deref(),
        Some("x-foo")
    );
    assert!(
        p.headers
            .iter()
            .all(|h| !h.value_str().contains("secret-value"))
    );
}

#[test]
fn r063_the_preflight_carries_the_serialized_origin() {
    // R-63 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    // Referer is not modelled by the crate; only the Origin part is tested.
    let o = run(request("PUT", &url_b("/o")), permissive);
    let p = o.preflight_sent().unwrap();
    assert_eq!(p.headers.count("origin"), 1);
    assert_eq!(p.origin().as_deref(), Some(A));
    // Whatever the credentials mode.
    let o = run(
        request("PUT", &url_b("/o")).credentials(CredentialsMode::Omit),
        permissive,
    );
    assert_eq!(o.preflight_sent().unwrap().origin().as_deref(), Some(A));
}

#[test]
fn r064_a_flag_only_preflight_announces_post_and_caches_it_without_acam() {
    // R-64 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let stream_post = || {
        request("POST", &url_b("/up"))
            .header("Content-Type", "text/plain")
            .unwrap()
            .body(Body::Stream)
    };
    // The preflight response has no Access-Control-Allow-Methods.
    let o = run_at(&mut c, stream_post(), 0, server(&[ACAO_A], &[ACAO_A]));
    assert_eq!(
        lines(o.preflight_sent().unwrap()),
        pairs(&[
            ("accept", "*/*"),
            ("access-control-request-method", "POST"),
            ("origin", A),
        ])
    );
    assert_exposed(&o, ResponseType::Cors, 200);
    // A POST method entry was cached (default max-age 5 s).
    let o = run_at(&mut c, stream_post(), 1, server(&[ACAO_A], &[ACAO_A]));
    assert_eq!(o.preflight_count(), 0);
    assert!(o.is_exposed());
}

// ---------------------------------------------------------------------------
// Preflight response validation
// ---------------------------------------------------------------------------

/// The preflight answer for a PUT from A, with a given status and headers.
fn put_with_preflight(status: u16, pre: &[(&str, &str)]) -> Outcome {
    run(request("PUT", &url_b("/r")), |w| {
        if w.is_preflight() {
            resp(status, pre)
        } else {
            resp(200, &[ACAO_A])
        }
    })
}

#[test]
fn r065_a_2xx_preflight_with_a_valid_cors_check_proceeds() {
    // R-65 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for status in [200, 204, 299] {
        let o = put_with_preflight(status, &[ACAO_A, ("Access-Control-Allow-Methods", "PUT")]);
        assert_eq!(o.server_received().len(), 2, "{status}");
        assert_eq!(the_actual(&o).method, "PUT");
        assert_exposed(&o, ResponseType::Cors, 200);
    }
}

#[test]
fn r066_a_preflight_status_outside_2xx_fails_and_the_request_is_not_sent() {
    // R-66 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let ok = [ACAO_A, ("Access-Control-Allow-Methods", "PUT")];
    for status in [199, 300, 404, 500] {
        let o = put_with_preflight(status, &ok);
        assert_blocked(&o, Reason::PreflightInvalidStatus);
        assert_eq!(o.server_received().len(), 1, "{status}");
        assert!(o.server_received()[0].is_preflight());
    }
    for status in [301, 302, 307] {
        let target = url_b("/elsewhere");
        let o = put_with_preflight(status, &[ok[0], ok[1], ("Location", target.as_str())]);
        assert_blocked(&o, Reason::PreflightRedirect);
        assert_eq!(o.server_received().len(), 1, "{status}");
    }
}

#[test]
fn r067_a_preflight_without_acao_fails() {
    // R-67 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = put_with_preflight(204, &[("Access-Control-Allow-Methods", "PUT")]);
    assert_blocked(&o, Reason::PreflightMissingAllowOrigin);
    assert_eq!(o.server_received().len(), 1);
}

#[test]
fn r068_a_credentialed_preflight_needs_the_exact_origin_and_acac_true() {
    // R-68 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let put = || request("PUT", &url_b("/me")).credentials(CredentialsMode::Include);
    let acam = ("Access-Control-Allow-Methods", "PUT");
    let o = run(put(), server(&[ACAO_ANY, ACAC, acam], &[ACAO_A, ACAC]));
    assert_blocked(&o, Reason::PreflightWildcardOriginWithCredentials);
    assert_eq!(o.server_received().len(), 1);
    let o = run(put(), server(&[ACAO_A, acam], &[ACAO_A, ACAC]));
    assert_blocked(&o, Reason::PreflightAllowCredentialsNotTrue);
    assert_eq!(o.server_received().len(), 1);
    let o = run(put(), server(&[ACAO_A, ACAC, acam], &[ACAO_A, ACAC]));
    assert_eq!(o.server_received().len(), 2);
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r069_acam_matching_is_case_sensitive() {
    // R-69 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let o = put_with_preflight(204, &[ACAO_A, ("Access-Control-Allow-Methods", "put")]);
    assert_blocked(&o, Reason::MethodNotAllowed);
    assert_eq!(o.server_received().len(), 1);
}

#[test]
fn r070_a_missing_acam_allows_only_safelisted_methods() {
    // R-70 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let o = put_with_preflight(204, &[ACAO_A]);
    assert_blocked(&o, Reason::MethodNotAllowed);
    assert_eq!(o.server_received().len(), 1);
    let r = request("POST", &url_b("/p"))
        .header("X-Foo", "1")
        .unwrap()
        .body(Body::Bytes("x".into()));
    let o = run(
        r,
        server(
            &[ACAO_A, ("Access-Control-Allow-Headers", "X-Foo")],
            &[ACAO_A],
        ),
    );
    assert_eq!(o.preflight_count(), 1);
    assert_eq!(the_actual(&o).method, "POST");
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r071_acam_star_without_credentials_allows_any_method() {
    // R-71 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for creds in [CredentialsMode::SameOrigin, CredentialsMode::Omit] {
        for m in ["SUPER", "PATCH", "PUT", "DELETE"] {
            let o = run(
                request(m, &url_b("/m")).credentials(creds),
                server(
                    &[ACAO_ANY, ("Access-Control-Allow-Methods", "*")],
                    &[ACAO_ANY],
                ),
            );
            assert_eq!(the_actual(&o).method, m);
            assert_exposed(&o, ResponseType::Cors, 200);
        }
    }
}

#[test]
fn r072_acam_star_with_credentials_is_a_literal() {
    // R-72 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let put = || request("PUT", &url_b("/m")).credentials(CredentialsMode::Include);
    let o = run(
        put(),
        server(
            &[ACAO_A, ACAC, ("Access-Control-Allow-Methods", "*")],
            &[ACAO_A, ACAC],
        ),
    );
    assert_blocked(&o, Reason::MethodNotAllowed);
    assert_eq!(o.server_received().len(), 1);
    let o = run(
        put(),
        server(
            &[ACAO_A, ACAC, ("Access-Control-Allow-Methods", "*, PUT")],
            &[ACAO_A, ACAC],
        ),
    );
    assert_eq!(the_actual(&o).method, "PUT");
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r073_with_credentials_a_method_named_star_is_allowed_by_acam_star() {
    // R-73 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("*", &url_b("/m")).credentials(CredentialsMode::Include),
        server(
            &[ACAO_A, ACAC, ("Access-Control-Allow-Methods", "*")],
            &[ACAO_A, ACAC],
        ),
    );
    assert_eq!(
        hv(o.preflight_sent().unwrap(), "access-control-request-method").as_deref(),
        Some("*")
    );
    assert_eq!(the_actual(&o).method, "*");
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r074_a_safelisted_method_needs_no_acam_match() {
    // R-74 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let r = request("GET", &url_b("/g")).header("X-Foo", "1").unwrap();
    let o = run(
        r,
        server(
            &[
                ACAO_A,
                ("Access-Control-Allow-Methods", "get"),
                ("Access-Control-Allow-Headers", "X-Foo"),
            ],
            &[ACAO_A],
        ),
    );
    assert_eq!(o.preflight_count(), 1);
    assert_eq!(the_actual(&o).method, "GET");
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r075_an_acam_item_that_is_not_a_token_fails_the_whole_list() {
    // R-75 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for bad in ["PUT, Bad method", "PUT, GET;", "\"PUT\", PUT"] {
        let o = put_with_preflight(204, &[ACAO_A, ("Access-Control-Allow-Methods", bad)]);
        assert_blocked(&o, Reason::InvalidAllowMethods);
        assert_eq!(o.server_received().len(), 1, "{bad}");
    } // Even when the method is safelisted (GET preflighted for a header).
    let r = request("GET", &url_b("/g")).header("X-Foo", "1").unwrap();
    let o = run(
        r,
        server(
            &[
                ACAO_A,
                ("Access-Control-Allow-Methods", "GET, Bad method"),
                ("Access-Control-Allow-Headers", "X-Foo"),
            ],
            &[ACAO_A],
        ),
    );
    assert_blocked(&o, Reason::InvalidAllowMethods);
    assert_eq!(o.server_received().len(), 1);
}

/// A cross-origin GET from A with `headers` and `creds`, whose preflight is
/// answered with `pre` (and whose actual response allows A with credentials).
fn get_with_headers(
    headers: &[(&str, &str)],
    creds: CredentialsMode,
    pre: &[(&str, &str)],
) -> Outcome {
    let r = with_headers(request("GET", &url_b("/h")).credentials(creds), headers);
    run(r, server(pre, &[ACAO_A, ACAC]))
}

#[test]
fn r076_acah_matching_is_case_insensitive() {
    // R-76 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let o = get_with_headers(
        &[("X-Test", "1")],
        CredentialsMode::SameOrigin,
        &[ACAO_A, ("Access-Control-Allow-Headers", "x-test")],
    );
    assert_eq!(o.preflight_count(), 1);
    assert_eq!(hv(the_actual(&o), "x-test").as_deref(), Some("1"));
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r077_acah_star_without_credentials_allows_any_unsafe_header() {
    // R-77 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for creds in [CredentialsMode::SameOrigin, CredentialsMode::Omit] {
        let o = get_with_headers(
            &[
                ("X-A", "1"),
                ("X-B", "2"),
                ("Content-Type", "application/json"),
            ],
            creds,
            &[ACAO_ANY, ("Access-Control-Allow-Headers", "*")],
        );
        assert_eq!(
            hv(
                o.preflight_sent().unwrap(),
                "access-control-request-headers"
            )
            .as_deref(),
            Some("content-type,x-a,x-b")
        );
        assert_exposed(&o, ResponseType::Cors, 200);
    }
}

#[test]
fn r078_acah_star_never_covers_authorization() {
    // R-78 [#cors-non-wildcard-request-header-name]; expected: Fetch standard (docs/rules.md).
    assert!(is_cors_non_wildcard_request_header_name(b"Authorization"));
    assert!(is_cors_non_wildcard_request_header_name(b"authorization"));
    assert!(!is_cors_non_wildcard_request_header_name(b"X-Foo"));
    for creds in [
        CredentialsMode::Omit,
        CredentialsMode::SameOrigin,
        CredentialsMode::Include,
    ] {
        let o = get_with_headers(
            &[("Authorization", "Bearer t")],
            creds,
            &[ACAO_A, ACAC, ("Access-Control-Allow-Headers", "*")],
        );
        assert_blocked(&o, Reason::HeaderNotAllowed);
        assert_eq!(o.server_received().len(), 1, "{creds}");
    }
}

#[test]
fn r079_authorization_must_be_listed_by_name() {
    // R-79 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let both = [("Authorization", "Bearer t"), ("X-Test", "1")];
    let o = get_with_headers(
        &both,
        CredentialsMode::SameOrigin,
        &[ACAO_A, ("Access-Control-Allow-Headers", "*, Authorization")],
    );
    assert_eq!(
        hv(the_actual(&o), "authorization").as_deref(),
        Some("Bearer t")
    );
    assert_exposed(&o, ResponseType::Cors, 200);
    // With credentials, `*` is literal, so X-Test must be listed too.
    let o = get_with_headers(
        &both,
        CredentialsMode::Include,
        &[
            ACAO_A,
            ACAC,
            ("Access-Control-Allow-Headers", "*, Authorization"),
        ],
    );
    assert_blocked(&o, Reason::HeaderNotAllowed);
    assert_eq!(o.server_received().len(), 1);
    let o = get_with_headers(
        &both,
        CredentialsMode::Include,
        &[
            ACAO_A,
            ACAC,
            ("Access-Control-Allow-Headers", "Authorization, X-Test"),
        ],
    );
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r080_acah_star_with_credentials_is_a_literal_name() {
    // R-80 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let pre = [ACAO_A, ACAC, ("Access-Control-Allow-Headers", "*")];
    let o = get_with_headers(&[("X-Test", "1")], CredentialsMode::Include, &pre);
    assert_blocked(&o, Reason::HeaderNotAllowed);
    assert_eq!(o.server_received().len(), 1);
    // A request header literally named `*` is allowed.
    let o = get_with_headers(&[("*", "1")], CredentialsMode::Include, &pre);
    assert_eq!(
        hv(
            o.preflight_sent().unwrap(),
            "access-control-request-headers"
        )
        .as_deref(),
        Some("*")
    );
    assert_eq!(hv(the_actual(&o), "*").as_deref(), Some("1"));
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r081_an_acah_item_that_is_not_a_token_fails() {
    // R-81 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for bad in ["X-Foo, X Foo", "X-Foo, X:Foo"] {
        let o = get_with_headers(
            &[("X-Foo", "1")],
            CredentialsMode::SameOrigin,
            &[ACAO_A, ("Access-Control-Allow-Headers", bad)],
        );
        assert_blocked(&o, Reason::InvalidAllowHeaders);
        assert_eq!(o.server_received().len(), 1, "{bad}");
    } // Even when no request header needs it (a PUT preflighted for its method).
    let o = put_with_preflight(
        204,
        &[ACAO_A, ALLOW_PUT, ("Access-Control-Allow-Headers", "X Foo")],
    );
    assert_blocked(&o, Reason::InvalidAllowHeaders);
    assert_eq!(o.server_received().len(), 1);
}

#[test]
fn r082_several_acam_and_acah_lines_form_one_list() {
    // R-82 [#extract-header-list-values]; expected: Fetch standard (docs/rules.md).
    let pre = [
        ACAO_A,
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Methods", "DELETE"),
        ("Access-Control-Allow-Headers", "X-A"),
        ("Access-Control-Allow-Headers", "X-B"),
    ];
    for m in ["PUT", "DELETE"] {
        let r = request(m, &url_b("/two"))
            .header("X-A", "1")
            .unwrap()
            .header("X-B", "2")
            .unwrap();
        let o = run(r, server(&pre, &[ACAO_A]));
        assert_eq!(the_actual(&o).method, m);
        assert_exposed(&o, ResponseType::Cors, 200);
    }
}

#[test]
fn r083_empty_acah_list_elements_are_ignored() {
    // R-83 [#http-new-header-syntax]; expected: Fetch standard (docs/rules.md).
    let o = get_with_headers(
        &[("X-A", "1"), ("X-B", "2")],
        CredentialsMode::SameOrigin,
        &[ACAO_A, ("Access-Control-Allow-Headers", "X-A,,X-B")],
    );
    assert_eq!(o.preflight_count(), 1);
    assert_exposed(&o, ResponseType::Cors, 200);
}

// ---------------------------------------------------------------------------
// Max-age and the cache
// ---------------------------------------------------------------------------

fn put_b(path: &str) -> Request {
    request("PUT", &url_b(path))
}

const ALLOW_PUT: Hdr = ("Access-Control-Allow-Methods", "PUT");

#[test]
fn r084_without_acma_entries_live_5_seconds() {
    // R-84 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [ACAO_A, ALLOW_PUT];
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 4, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 5, &pre), 1);
}

#[test]
fn r085_an_invalid_acma_means_5_seconds() {
    // R-85 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    for v in ["-1", "1.5", "abc", "", "0x10"] {
        let mut c = spec_client();
        let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", v)];
        assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1, "{v:?}");
        assert_eq!(preflights_at(&mut c, put_b("/c"), 4, &pre), 0, "{v:?}");
        assert_eq!(preflights_at(&mut c, put_b("/c"), 5, &pre), 1, "{v:?}");
    }
    // Contrast: surrounding whitespace is stripped by HTTP parsing, so `  600 ` is 600.
    let mut c = spec_client();
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "  600 ")];
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 6, &pre), 0);
}

#[test]
fn r086_two_acma_values_mean_5_seconds() {
    // R-86 [#extract-header-list-values]; expected: Fetch standard (docs/rules.md).
    let two_lines = [
        ACAO_A,
        ALLOW_PUT,
        ("Access-Control-Max-Age", "600"),
        ("Access-Control-Max-Age", "600"),
    ];
    let one_line = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "600, 600")];
    for pre in [&two_lines[..], &one_line[..]] {
        let mut c = spec_client();
        assert_eq!(preflights_at(&mut c, put_b("/c"), 0, pre), 1);
        assert_eq!(preflights_at(&mut c, put_b("/c"), 4, pre), 0);
        assert_eq!(preflights_at(&mut c, put_b("/c"), 5, pre), 1);
    }
}

#[test]
fn r087_acma_zero_expires_at_once() {
    // R-87 [#concept-cache]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "0")];
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 1, &pre), 1);
}

#[test]
fn r088_acma_is_clamped_to_the_ua_cap() {
    // R-88 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    assert_eq!(Profile::chromium().max_age_cap, Some(7200));
    assert_eq!(Profile::firefox().max_age_cap, Some(86400));
    let mut p = Profile::spec();
    p.max_age_cap = Some(7200);
    let mut c = Client::new(p);
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "86400")];
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 7199, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 7200, &pre), 1);
}

#[test]
fn r089_an_overflowing_acma_is_valid_and_never_falls_back_to_5() {
    // R-89 [#cors-preflight-fetch]; expected: Fetch standard + RFC 9111 §1.2.2 (docs/rules.md).
    let pre = [
        ACAO_A,
        ALLOW_PUT,
        ("Access-Control-Max-Age", "99999999999999999999"),
    ];
    let mut c = spec_client();
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 6, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 2_147_483_647, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 2_147_483_648, &pre), 1);
    let mut p = Profile::spec();
    p.max_age_cap = Some(7200);
    let mut c = Client::new(p);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 6, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 7199, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/c"), 7200, &pre), 1);
}

#[test]
fn r090_cache_entries_are_per_url() {
    // R-90 [#concept-cache-match]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "600")];
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/x"), 1, &pre), 0);
    assert_eq!(preflights_at(&mut c, put_b("/y"), 2, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/x?q=1"), 3, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/x"), 4, &pre), 0);
}

#[test]
fn r091_cache_entries_are_per_network_partition() {
    // R-91 [#concept-cache-key]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "600")];
    let top1 = || put_b("/x").partition("https://top1.test");
    let top2 = || put_b("/x").partition("https://top2.test");
    assert_eq!(preflights_at(&mut c, top1(), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, top1(), 1, &pre), 0);
    assert_eq!(preflights_at(&mut c, top2(), 2, &pre), 1);
    assert_eq!(preflights_at(&mut c, top1(), 3, &pre), 0);
    assert_eq!(preflights_at(&mut c, top2(), 4, &pre), 0);
}

#[test]
fn r092_include_entries_serve_everyone_other_entries_do_not_serve_include() {
    // R-92 [#concept-cache-match]; expected: Fetch standard (docs/rules.md).
    let pre = [ACAO_A, ACAC, ALLOW_PUT, ("Access-Control-Max-Age", "600")];
    let with = |creds| put_b("/x").credentials(creds);
    let mut c = spec_client();
    assert_eq!(
        preflights_at(&mut c, with(CredentialsMode::Include), 0, &pre),
        1
    );
    assert_eq!(
        preflights_at(&mut c, with(CredentialsMode::Omit), 1, &pre),
        0
    );
    assert_eq!(
        preflights_at(&mut c, with(CredentialsMode::SameOrigin), 2, &pre),
        0
    );
    let mut c = spec_client();
    assert_eq!(
        preflights_at(&mut c, with(CredentialsMode::SameOrigin), 0, &pre),
        1
    );
    assert_eq!(
        preflights_at(&mut c, with(CredentialsMode::Include), 1, &pre),
        1
    );
}

#[test]

fn r092_star_entries_from_an_include_preflight_serve_later_omit_requests() {
    // R-92 [#concept-cache-match], [#concept-cache-match-method], [#concept-cache-match-header];
    // expected: Fetch standard (docs/rules.md). The docs/rules.md's recommended
    // divergence only stops `*` entries from matching `include` requests.
    let mut c = spec_client();
    let pre = [
        ACAO_A,
        ACAC,
        ("Access-Control-Allow-Methods", "*, PUT"),
        ("Access-Control-Allow-Headers", "*, X-A"),
        ("Access-Control-Max-Age", "600"),
    ];
    let first = put_b("/x")
        .credentials(CredentialsMode::Include)
        .header("X-A", "1")
        .unwrap();
    assert_eq!(preflights_at(&mut c, first, 0, &pre), 1);
    // An omit DELETE with X-B: the `*` method and header entries (credentials = true) match.
    let later = request("DELETE", &url_b("/x"))
        .credentials(CredentialsMode::Omit)
        .header("X-B", "1")
        .unwrap();
    assert_eq!(preflights_at(&mut c, later, 1, &pre), 0);
}

#[test]
fn r093_method_entries_match_byte_for_byte() {
    // R-93 [#concept-cache-match-method]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [
        ACAO_A,
        ("Access-Control-Allow-Methods", "PUT, PATCH"),
        ("Access-Control-Max-Age", "600"),
    ];
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &pre), 1);
    assert_eq!(
        preflights_at(&mut c, request("PATCH", &url_b("/x")), 1, &pre),
        0
    );
    // `patch` is not normalised and is not the cached `PATCH` (nor `PUT`).
    let pre_lower = [
        ACAO_A,
        ("Access-Control-Allow-Methods", "patch"),
        ("Access-Control-Max-Age", "600"),
    ];
    assert_eq!(
        preflights_at(&mut c, request("patch", &url_b("/x")), 2, &pre_lower),
        1
    );
    // The cache itself: a `PUT` entry does not satisfy `Put` or `patch`.
    let profile = Profile::spec();
    let mut cache = PreflightCache::new();
    let key = CacheKey {
        partition: None,
        origin: A.to_string(),
        url: url_b("/x"),
        credentials: None,
    };
    let grant = PreflightGrant {
        methods: vec!["PUT".into()],
        headers: vec![],
    };
    cache.store(
        &profile,
        &key,
        CredentialsMode::SameOrigin,
        &grant,
        600,
        Time::ZERO,
    );
    let query = |m: &str| CacheQuery {
        key: key.clone(),
        credentials: CredentialsMode::SameOrigin,
        method: m.to_string(),
        unsafe_names: vec![],
        force_method: false,
    };
    let now = Time::from_secs(1);
    assert!(!cache.lookup(&profile, &query("PUT"), now).needs_preflight);
    assert!(cache.lookup(&profile, &query("Put"), now).method_missing);
    assert!(cache.lookup(&profile, &query("patch"), now).method_missing);
}

#[test]
fn r094_header_entries_match_case_insensitively() {
    // R-94 [#concept-cache-match-header]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [
        ACAO_A,
        ("Access-Control-Allow-Headers", "X-Test"),
        ("Access-Control-Max-Age", "600"),
    ];
    let with = |name: &str| request("GET", &url_b("/x")).header(name, "1").unwrap();
    assert_eq!(preflights_at(&mut c, with("X-Test"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, with("x-test"), 1, &pre), 0);
    assert_eq!(preflights_at(&mut c, with("X-TEST"), 2, &pre), 0);
}

#[test]
fn r095_a_star_header_entry_never_satisfies_authorization() {
    // R-95 [#concept-cache-match-header]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let star = [
        ACAO_A,
        ("Access-Control-Allow-Headers", "*"),
        ("Access-Control-Max-Age", "600"),
    ];
    let get = || request("GET", &url_b("/x"));
    assert_eq!(
        preflights_at(&mut c, get().header("X-Foo", "1").unwrap(), 0, &star),
        1
    );
    // The `*` entry covers other headers...
    assert_eq!(
        preflights_at(&mut c, get().header("X-Bar", "1").unwrap(), 1, &star),
        0
    );
    // ...but not Authorization, which needs its own entry.
    let named = [
        ACAO_A,
        ("Access-Control-Allow-Headers", "Authorization"),
        ("Access-Control-Max-Age", "600"),
    ];
    let auth = || get().header("Authorization", "Bearer t").unwrap();
    assert_eq!(preflights_at(&mut c, auth(), 2, &named), 1);
    assert_eq!(preflights_at(&mut c, auth(), 3, &named), 0);
}

#[test]
fn r096_a_cached_method_with_an_uncached_header_still_preflights() {
    // R-96 [#http-fetch]; expected: Fetch standard (docs/rules.md).
    let mut c = spec_client();
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "600")];
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/x"), 1, &pre), 0);
    let with_header = [
        ACAO_A,
        ALLOW_PUT,
        ("Access-Control-Allow-Headers", "X-Foo"),
        ("Access-Control-Max-Age", "600"),
    ];
    let o = run_at(
        &mut c,
        put_b("/x").header("X-Foo", "1").unwrap(),
        2,
        server(&with_header, &[ACAO_A]),
    );
    assert_eq!(o.preflight_count(), 1);
    assert_eq!(
        hv(
            o.preflight_sent().unwrap(),
            "access-control-request-headers"
        )
        .as_deref(),
        Some("x-foo")
    );
    assert!(o.is_exposed());
}

#[test]
fn r097_a_failure_in_the_preflight_branch_clears_the_entries_for_the_url() {
    // R-97 [#concept-cache-clear]; expected: Fetch standard (docs/rules.md).
    let pre = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "600")];
    // A failed preflight.
    let mut c = spec_client();
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &pre), 1);
    assert_eq!(preflights_at(&mut c, put_b("/y"), 0, &pre), 1);
    let o = run_at(
        &mut c,
        put_b("/x").header("X-Foo", "1").unwrap(),
        1,
        server(&pre, &[ACAO_A]),
    );
    assert_blocked(&o, Reason::HeaderNotAllowed);
    assert_eq!(preflights_at(&mut c, put_b("/x"), 2, &pre), 1);
    // Only that URL's entries.
    assert_eq!(preflights_at(&mut c, put_b("/y"), 3, &pre), 0);
    // A failed actual request after a cache hit.
    let mut c = spec_client();
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &pre), 1);
    let o = run_at(&mut c, put_b("/x"), 1, server(&pre, &[]));
    assert_eq!(o.preflight_count(), 0);
    assert_blocked(&o, Reason::MissingAllowOrigin);
    assert_eq!(preflights_at(&mut c, put_b("/x"), 2, &pre), 1);
}

#[test]
fn r098_a_new_preflight_refreshes_and_adds_entries_without_removing_others() {
    // R-98 [#cors-preflight-fetch]; expected: Fetch standard (docs/rules.md).
    // Refresh: PUT cached for 10 s at t=0, then refreshed to 100 s at t=5.
    let mut c = spec_client();
    let short = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "10")];
    let long = [
        ACAO_A,
        ("Access-Control-Allow-Methods", "DELETE, PUT"),
        ("Access-Control-Max-Age", "100"),
    ];
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &short), 1);
    assert_eq!(
        preflights_at(&mut c, request("DELETE", &url_b("/x")), 5, &long),
        1
    );
    assert_eq!(preflights_at(&mut c, put_b("/x"), 12, &long), 0);
    assert_eq!(
        preflights_at(&mut c, request("DELETE", &url_b("/x")), 13, &long),
        0
    );
    // A preflight that leaves PUT out does not remove it.
    let mut c = spec_client();
    let put = [ACAO_A, ALLOW_PUT, ("Access-Control-Max-Age", "100")];
    let delete = [
        ACAO_A,
        ("Access-Control-Allow-Methods", "DELETE"),
        ("Access-Control-Max-Age", "100"),
    ];
    assert_eq!(preflights_at(&mut c, put_b("/x"), 0, &put), 1);
    assert_eq!(
        preflights_at(&mut c, request("DELETE", &url_b("/x")), 1, &delete),
        1
    );
    assert_eq!(preflights_at(&mut c, put_b("/x"), 2, &put), 0);
    assert_eq!(
        preflights_at(&mut c, request("DELETE", &url_b("/x")), 3, &delete),
        0
    );
}

// ---------------------------------------------------------------------------
// CORS check
// ---------------------------------------------------------------------------

/// A simple cross-origin GET from `origin` with `creds`, answered with `headers`.
fn simple_get(origin: &str, creds: CredentialsMode, headers: &[(&str, &str)]) -> Outcome {
    let r = Request::new(origin, "GET", &url_b("/data"))
        .unwrap()
        .credentials(creds);
    run(r, |_| resp(200, headers))
}

#[test]
fn r099_acao_star_without_credentials_passes() {
    // R-99 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    for creds in [CredentialsMode::Omit, CredentialsMode::SameOrigin] {
        let o = simple_get(A, creds, &[ACAO_ANY]);
        assert_eq!(o.server_received().len(), 1);
        assert_exposed(&o, ResponseType::Cors, 200);
    }
}

#[test]
fn r100_acao_star_with_credentials_fails() {
    // R-100 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = simple_get(A, CredentialsMode::Include, &[ACAO_ANY, ACAC]);
    assert!(the_actual(&o).credentials);
    assert_blocked(&o, Reason::WildcardOriginWithCredentials);
    let o = simple_get(A, CredentialsMode::Include, &[ACAO_ANY]);
    assert_blocked(&o, Reason::WildcardOriginWithCredentials);
}

#[test]
fn r101_acao_must_equal_the_serialized_origin_byte_for_byte() {
    // R-101 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = simple_get(A, CredentialsMode::SameOrigin, &[ACAO_A]);
    assert_exposed(&o, ResponseType::Cors, 200);
    for bad in [
        "https://a.test/",
        "HTTPS://A.TEST",
        "https://A.test",
        "https://a.test:443",
        "http://a.test",
        "*.a.test",
        "\"*\"",
        "**",
    ] {
        let o = simple_get(
            A,
            CredentialsMode::SameOrigin,
            &[("Access-Control-Allow-Origin", bad)],
        );
        assert_blocked(&o, Reason::AllowOriginMismatch);
    }
}

#[test]
fn r102_an_empty_acao_fails() {
    // R-102 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = simple_get(
        A,
        CredentialsMode::SameOrigin,
        &[("Access-Control-Allow-Origin", "")],
    );
    assert_blocked(&o, Reason::AllowOriginMismatch);
}

#[test]
fn r103_two_acao_lines_fail() {
    // R-103 [#concept-header-list-get]; expected: Fetch standard (docs/rules.md).
    for (first, second) in [("*", "*"), (A, A), ("*", A)] {
        let o = simple_get(
            A,
            CredentialsMode::SameOrigin,
            &[
                ("Access-Control-Allow-Origin", first),
                ("Access-Control-Allow-Origin", second),
            ],
        );
        assert_blocked(&o, Reason::MultipleAllowOrigin);
    }
    // One line holding two values fails too.
    let o = simple_get(
        A,
        CredentialsMode::SameOrigin,
        &[("Access-Control-Allow-Origin", "*, https://a.test")],
    );
    assert!(!o.is_exposed());
}

#[test]
fn r104_whitespace_around_acao_on_the_wire_is_stripped() {
    // R-104 [#header-value]; expected: Fetch standard (docs/rules.md).
    for v in [" *  ", "\t*", " https://a.test   \t"] {
        let o = simple_get(
            A,
            CredentialsMode::SameOrigin,
            &[("Access-Control-Allow-Origin", v)],
        );
        assert_exposed(&o, ResponseType::Cors, 200);
    }
}

#[test]
fn r105_acao_null_passes_only_for_a_null_origin() {
    // R-105 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = simple_get("null", CredentialsMode::SameOrigin, &[ACAO_NULL]);
    assert_eq!(the_actual(&o).origin().as_deref(), Some("null"));
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = simple_get(A, CredentialsMode::SameOrigin, &[ACAO_NULL]);
    assert_blocked(&o, Reason::AllowOriginMismatch);
}

#[test]
fn r106_with_credentials_acac_must_be_exactly_true() {
    // R-106 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = simple_get(A, CredentialsMode::Include, &[ACAO_A, ACAC]);
    assert_exposed(&o, ResponseType::Cors, 200);
    // A trailing space on the wire is stripped.
    let o = simple_get(
        A,
        CredentialsMode::Include,
        &[ACAO_A, ("Access-Control-Allow-Credentials", "true ")],
    );
    assert_exposed(&o, ResponseType::Cors, 200);
    for bad in ["True", "TRUE", "1", "yes"] {
        let o = simple_get(
            A,
            CredentialsMode::Include,
            &[ACAO_A, ("Access-Control-Allow-Credentials", bad)],
        );
        assert_blocked(&o, Reason::AllowCredentialsNotTrue);
    }
    let o = simple_get(A, CredentialsMode::Include, &[ACAO_A]);
    assert_blocked(&o, Reason::AllowCredentialsNotTrue);
    let o = simple_get(A, CredentialsMode::Include, &[ACAO_A, ACAC, ACAC]);
    assert_blocked(&o, Reason::AllowCredentialsNotTrue);
}

#[test]
fn r107_acac_is_ignored_without_credentials() {
    // R-107 [#concept-cors-check]; expected: Fetch standard (docs/rules.md).
    let o = simple_get(A, CredentialsMode::Omit, &[ACAO_ANY, ACAC]);
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = simple_get(
        A,
        CredentialsMode::SameOrigin,
        &[ACAO_A, ("Access-Control-Allow-Credentials", "false")],
    );
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r108_the_cors_check_applies_to_error_statuses_too() {
    // R-108 [#http-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_b("/boom")), |_| {
        resp(500, &[ACAO_A]).body("oops")
    });
    assert_exposed(&o, ResponseType::Cors, 500);
    assert_eq!(o.response().unwrap().body.as_deref(), Some("oops"));
    let o = run(request("GET", &url_b("/boom")), |_| resp(500, &[]));
    assert_blocked(&o, Reason::MissingAllowOrigin);
}

// ---------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------

/// A chain B/r0 → B/r1 → … → B/r{n} (200), every hop carrying ACAO *.
fn chain(n: usize) -> Vec<(String, ServerResponse)> {
    let mut routes: Vec<(String, ServerResponse)> = (0..n)
        .map(|i| {
            (
                url_b(&format!("/r{i}")),
                redirect(302, &url_b(&format!("/r{}", i + 1)), &[ACAO_ANY]),
            )
        })
        .collect();
    routes.push((url_b(&format!("/r{n}")), resp(200, &[ACAO_ANY])));
    routes
}

#[test]
fn r109_twenty_redirects_are_followed_the_21st_fails() {
    // R-109 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_b("/r0")), router(chain(20)));
    assert_eq!(o.server_received().len(), 21);
    assert_exposed(&o, ResponseType::Cors, 200);
    let r = o.response().unwrap();
    assert!(r.redirected);
    assert_eq!(
        r.url.as_ref().map(|u| u.as_str()),
        Some(url_b("/r20").as_str())
    );
    let o = run(request("GET", &url_b("/r0")), router(chain(21)));
    assert_blocked(&o, Reason::TooManyRedirects);
    assert_eq!(o.server_received().len(), 21);
}

#[test]
fn r110_every_redirect_hop_must_pass_the_cors_check() {
    // R-110 [#http-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("GET", &url_b("/x")),
        router(vec![
            (url_b("/x"), redirect(302, &url_b("/y"), &[])),
            (url_b("/y"), resp(200, &[ACAO_ANY])),
        ]),
    );
    assert_blocked(&o, Reason::MissingAllowOrigin);
    assert_eq!(o.server_received().len(), 1);
    let o = run(
        request("GET", &url_b("/x")),
        router(vec![
            (
                url_b("/x"),
                redirect(302, &url_b("/y"), &[("Access-Control-Allow-Origin", C)]),
            ),
            (url_b("/y"), resp(200, &[ACAO_ANY])),
        ]),
    );
    assert_blocked(&o, Reason::AllowOriginMismatch);
    assert_eq!(o.server_received().len(), 1);
}

#[test]
fn r111_a_redirect_to_a_url_with_userinfo_fails_in_cors() {
    // R-111 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    for target in [
        "https://u:p@c.test/y",
        "https://u:p@a.test/y",
        "https://u@b.test/y",
    ] {
        let o = run(
            request("GET", &url_b("/x")),
            router(vec![(url_b("/x"), redirect(302, target, &[ACAO_ANY]))]),
        );
        assert_blocked(&o, Reason::RedirectHasCredentials);
        assert_eq!(o.server_received().len(), 1, "{target}");
    }
    // Untainted and same-origin with the page: allowed.
    let o = run(
        request("GET", &url_a("/x")),
        router(vec![
            (url_a("/x"), redirect(302, "https://u:p@a.test/y", &[])),
            ("https://u:p@a.test/y".to_string(), resp(200, &[])),
        ]),
    );
    assert_exposed(&o, ResponseType::Basic, 200);
}

#[test]
fn r112_a_redirect_to_a_non_http_scheme_fails() {
    // R-112 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    for target in [
        "ftp://b.test/y",
        "data:,hello",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ] {
        let o = run(
            request("GET", &url_b("/x")),
            router(vec![(url_b("/x"), redirect(302, target, &[ACAO_ANY]))]),
        );
        assert_blocked(&o, Reason::RedirectUnsupportedScheme);
        assert_eq!(o.server_received().len(), 1, "{target}");
    }
}

#[test]
fn r113_post_on_301_or_302_becomes_a_bodiless_get_without_body_headers() {
    // R-113 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    for status in [301, 302] {
        let r = with_headers(
            request("POST", &url_a("/form")).body(Body::Bytes("a=1".into())),
            &[
                ("Content-Type", "text/plain"),
                ("Content-Language", "en"),
                ("Content-Encoding", "gzip"),
                ("Content-Location", "/form"),
                ("X-Keep", "1"),
            ],
        );
        let o = run(
            r,
            router(vec![
                (url_a("/form"), redirect(status, &url_a("/done"), &[])),
                (url_a("/done"), resp(200, &[])),
            ]),
        );
        let a = actuals(&o);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].method, "POST");
        assert!(a[0].has_body);
        assert_eq!(a[1].method, "GET", "{status}");
        assert!(!a[1].has_body);
        for n in [
            "content-type",
            "content-language",
            "content-encoding",
            "content-location",
        ] {
            assert_eq!(hv(a[1], n), None, "{status} {n}");
        }
        assert_eq!(hv(a[1], "x-keep").as_deref(), Some("1"));
        assert_exposed(&o, ResponseType::Basic, 200);
    }
}

#[test]
fn r114_303_turns_non_get_head_into_get_307_308_keep_everything() {
    // R-114 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    let hop = |method: &str, body: bool, status: u16| {
        let mut r = request(method, &url_a("/r"))
            .header("Content-Type", "text/plain")
            .unwrap();
        if body {
            r = r.body(Body::Bytes("x".into()));
        }
        let o = run(
            r,
            router(vec![
                (url_a("/r"), redirect(status, &url_a("/t"), &[])),
                (url_a("/t"), resp(200, &[])),
            ]),
        );
        assert!(o.is_exposed(), "{:?}", o.error());
        let a = actuals(&o);
        assert_eq!(a.len(), 2);
        (a[1].method.clone(), a[1].has_body, hv(a[1], "content-type"))
    };
    assert_eq!(hop("PUT", true, 303), ("GET".into(), false, None));
    assert_eq!(hop("POST", true, 303), ("GET".into(), false, None));
    assert_eq!(hop("DELETE", false, 303).0, "GET");
    assert_eq!(hop("HEAD", false, 303).0, "HEAD");
    assert_eq!(hop("GET", false, 303).0, "GET");
    for status in [307, 308] {
        assert_eq!(
            hop("POST", true, status),
            ("POST".into(), true, Some("text/plain".into()))
        );
        assert_eq!(
            hop("PUT", true, status),
            ("PUT".into(), true, Some("text/plain".into()))
        );
    }
    // PUT on 301/302 stays PUT.
    assert_eq!(hop("PUT", true, 301).0, "PUT");
    assert_eq!(hop("PUT", true, 302).0, "PUT");
}

#[test]
fn r115_a_stream_body_cannot_follow_a_redirect_other_than_303() {
    // R-115 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    for status in [301, 302, 307, 308] {
        let o = run(
            request("POST", &url_a("/up")).body(Body::Stream),
            router(vec![(url_a("/up"), redirect(status, &url_a("/t"), &[]))]),
        );
        assert_blocked(&o, Reason::RedirectStreamBody);
        assert_eq!(o.server_received().len(), 1, "{status}");
    }
    let o = run(
        request("POST", &url_a("/up")).body(Body::Stream),
        router(vec![
            (url_a("/up"), redirect(303, &url_a("/t"), &[])),
            (url_a("/t"), resp(200, &[])),
        ]),
    );
    let a = actuals(&o);
    assert_eq!(a.len(), 2);
    assert_eq!(a[1].method, "GET");
    assert!(!a[1].has_body);
    assert_exposed(&o, ResponseType::Basic, 200);
}

#[test]
fn r116_a_cross_origin_hop_removes_authorization() {
    // R-116 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    let auth_get = || {
        request("GET", &url_b("/x"))
            .header("Authorization", "Bearer t")
            .unwrap()
    };
    let o = run(
        auth_get(),
        router(vec![
            (url_b("/x"), redirect(302, &url_c("/y"), &[ACAO_A])),
            (url_c("/y"), resp(200, &[ACAO_ANY])),
        ]),
    );
    let a = actuals(&o);
    assert_eq!(a.len(), 2);
    assert_eq!(hv(a[0], "authorization").as_deref(), Some("Bearer t"));
    assert_eq!(a[1].url.as_str(), url_c("/y"));
    assert_eq!(hv(a[1], "authorization"), None);
    // Without Authorization the GET to C is a simple request: only B's preflight.
    assert_eq!(o.preflight_count(), 1);
    assert_exposed(&o, ResponseType::Cors, 200);
    // A same-origin hop keeps it.
    let o = run(
        auth_get(),
        router(vec![
            (url_b("/x"), redirect(302, &url_b("/z"), &[ACAO_A])),
            (url_b("/z"), resp(200, &[ACAO_A])),
        ]),
    );
    let a = actuals(&o);
    assert_eq!(a.len(), 2);
    assert_eq!(hv(a[1], "authorization").as_deref(), Some("Bearer t"));
    assert!(o.is_exposed());
}

/// GET B/x → 302 → C/y, C answering with `acao` (B allows A).
fn a_b_c(creds: CredentialsMode, c_headers: &[(&str, &str)]) -> Outcome {
    run(
        request("GET", &url_b("/x")).credentials(creds),
        router(vec![
            (url_b("/x"), redirect(302, &url_c("/y"), &[ACAO_A, ACAC])),
            (url_c("/y"), resp(200, c_headers)),
        ]),
    )
}

#[test]
fn r117_a_to_b_to_c_sends_origin_null() {
    // R-117 [#concept-request-tainted-origin]; expected: Fetch standard (docs/rules.md).
    let o = a_b_c(CredentialsMode::SameOrigin, &[ACAO_NULL]);
    let a = actuals(&o);
    assert_eq!(a[0].origin().as_deref(), Some(A));
    assert_eq!(a[1].origin().as_deref(), Some("null"));
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = a_b_c(CredentialsMode::SameOrigin, &[ACAO_ANY]);
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = a_b_c(CredentialsMode::SameOrigin, &[ACAO_A]);
    assert_blocked(&o, Reason::AllowOriginMismatch);
    let o = a_b_c(CredentialsMode::Include, &[ACAO_ANY, ACAC]);
    assert_blocked(&o, Reason::WildcardOriginWithCredentials);
    let o = a_b_c(CredentialsMode::Include, &[ACAO_NULL, ACAC]);
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r118_a_to_b_to_a_stays_tainted() {
    // R-118 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let back = |a_headers: &[(&str, &str)]| {
        run(
            request("GET", &url_b("/x")),
            router(vec![
                (url_b("/x"), redirect(302, &url_a("/back"), &[ACAO_A])),
                (url_a("/back"), resp(200, a_headers)),
            ]),
        )
    };
    let o = back(&[]);
    let a = actuals(&o);
    assert_eq!(a.len(), 2);
    assert_eq!(a[1].origin().as_deref(), Some("null"));
    assert!(!a[1].credentials);
    assert_blocked(&o, Reason::MissingAllowOrigin);
    let o = back(&[ACAO_NULL]);
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = back(&[ACAO_A]);
    assert_blocked(&o, Reason::AllowOriginMismatch);
}

#[test]
fn r119_a_to_a_to_b_is_untainted() {
    // R-119 [#concept-request-tainted-origin]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("GET", &url_a("/start")),
        router(vec![
            (url_a("/start"), redirect(302, &url_b("/x"), &[])),
            (url_b("/x"), resp(200, &[ACAO_A])),
        ]),
    );
    let a = actuals(&o);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].origin(), None);
    assert_eq!(a[1].origin().as_deref(), Some(A));
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r120_redirect_modes_error_and_manual() {
    // R-120 [#http-fetch]; expected: Fetch standard (docs/rules.md).
    let routes = || {
        router(vec![(
            url_b("/x"),
            redirect(302, &url_b("/y"), &[ACAO_ANY]).body("moved"),
        )])
    };
    let o = run(
        request("GET", &url_b("/x")).redirect(RedirectMode::Error),
        routes(),
    );
    assert_blocked(&o, Reason::RedirectNotAllowed);
    assert_eq!(o.server_received().len(), 1);
    let o = run(
        request("GET", &url_b("/x")).redirect(RedirectMode::Manual),
        routes(),
    );
    assert_eq!(o.server_received().len(), 1);
    assert_exposed(&o, ResponseType::OpaqueRedirect, 0);
    let r = o.response().unwrap();
    assert!(r.headers.is_empty());
    assert_eq!(r.body, None);
    assert_eq!(
        r.url.as_ref().map(|u| u.as_str()),
        Some(url_b("/x").as_str())
    ); // The CORS check runs on the 3xx before the redirect mode is looked at.
    let o = run(
        request("GET", &url_b("/x")).redirect(RedirectMode::Manual),
        router(vec![(url_b("/x"), redirect(302, &url_b("/y"), &[]))]),
    );
    assert_blocked(&o, Reason::MissingAllowOrigin);
}

#[test]
fn r121_a_redirected_preflighted_request_preflights_the_new_url() {
    // R-121 [#http-redirect-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("PUT", &url_b("/x")),
        router(vec![
            (url_b("/x"), redirect(307, &url_b("/y"), &[ACAO_A])),
            (url_b("/y"), resp(200, &[ACAO_A])),
        ]),
    );
    let seen: Vec<(String, String, Option<String>)> = o
        .server_received()
        .iter()
        .map(|w| (w.method.clone(), w.url.to_string(), w.origin()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("OPTIONS".into(), url_b("/x"), Some(A.into())),
            ("PUT".into(), url_b("/x"), Some(A.into())),
            ("OPTIONS".into(), url_b("/y"), Some(A.into())),
            ("PUT".into(), url_b("/y"), Some(A.into())),
        ]
    );
    assert_exposed(&o, ResponseType::Cors, 200);
    // Cross-origin: the new preflight goes to C with Origin: null.
    let o = run(
        request("PUT", &url_b("/x")),
        router(vec![
            (url_b("/x"), redirect(307, &url_c("/z"), &[ACAO_A])),
            (url_c("/z"), resp(200, &[ACAO_NULL])),
        ]),
    );
    let s = o.server_received();
    assert_eq!(s.len(), 4);
    assert!(s[2].is_preflight());
    assert_eq!(s[2].url.as_str(), url_c("/z"));
    assert_eq!(s[2].origin().as_deref(), Some("null"));
    assert_eq!(
        hv(s[2], "access-control-request-method").as_deref(),
        Some("PUT")
    );
    assert_eq!(s[3].origin().as_deref(), Some("null"));
    assert_exposed(&o, ResponseType::Cors, 200); // The decision may now be "no preflight": a JSON POST turned into a GET by a 302
    // loses its Content-Type, so B/y gets a simple GET.
    let r = request("POST", &url_b("/x"))
        .header("Content-Type", "application/json")
        .unwrap()
        .body(Body::Bytes("{}".into()));
    let o = run(
        r,
        router(vec![
            (url_b("/x"), redirect(302, &url_b("/y"), &[ACAO_A])),
            (url_b("/y"), resp(200, &[ACAO_A])),
        ]),
    );
    let seen: Vec<(String, String)> = o
        .server_received()
        .iter()
        .map(|w| (w.method.clone(), w.url.to_string()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("OPTIONS".into(), url_b("/x")),
            ("POST".into(), url_b("/x")),
            ("GET".into(), url_b("/y")),
        ]
    );
    assert_exposed(&o, ResponseType::Cors, 200);
}

#[test]
fn r122_mode_same_origin_redirected_cross_origin_fails() {
    // R-122 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(
        request("GET", &url_a("/x")).mode(Mode::SameOrigin),
        router(vec![
            (url_a("/x"), redirect(302, &url_b("/y"), &[])),
            (url_b("/y"), resp(200, &[ACAO_ANY])),
        ]),
    );
    assert_blocked(&o, Reason::DisallowedByMode);
    assert_eq!(o.server_received().len(), 1);
}

// ---------------------------------------------------------------------------
// Response exposure
// ---------------------------------------------------------------------------

/// A response carrying the seven safelisted headers and a few others.
fn rich_response(extra: &[(&str, &str)]) -> ServerResponse {
    let mut r = resp(
        200,
        &[
            ("Cache-Control", "no-cache"),
            ("Content-Language", "en"),
            ("Content-Length", "4"),
            ("Content-Type", "text/plain"),
            ("Expires", "0"),
            ("Last-Modified", "Tue, 01 Jan 2030 00:00:00 GMT"),
            ("Pragma", "no-cache"),
            ("X-Custom", "c"),
            ("X-Listed", "l"),
            ("Date", "Tue, 01 Jan 2030 00:00:00 GMT"),
            ("Set-Cookie", "sid=1"),
            ("Set-Cookie2", "sid=2"),
            ("*", "star"),
        ],
    )
    .body("body");
    for (n, v) in extra {
        r = r.header(n, v);
    }
    r
}

const SEVEN: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

#[test]
fn r123_a_basic_response_shows_everything_but_set_cookie() {
    // R-123 [#concept-filtered-response-basic]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_a("/same")), |_| rich_response(&[]));
    assert_exposed(&o, ResponseType::Basic, 200);
    for n in SEVEN.iter().chain(&["x-custom", "x-listed", "date", "*"]) {
        assert!(o.visible_header(n).is_some(), "{n}");
    }
    assert_eq!(o.visible_header("set-cookie"), None);
    assert_eq!(o.visible_header("set-cookie2"), None);
    assert_eq!(o.response().unwrap().body.as_deref(), Some("body"));
}

#[test]
fn r124_a_cors_response_shows_the_seven_and_the_listed_names() {
    // R-124 [#cors-safelisted-response-header-name]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_b("/c")), |_| {
        rich_response(&[ACAO_ANY, ("Access-Control-Expose-Headers", "x-LISTED")])
    });
    assert_exposed(&o, ResponseType::Cors, 200);
    for n in SEVEN {
        assert!(o.visible_header(n).is_some(), "{n}");
    }
    assert_eq!(o.visible_header("X-Listed").as_deref(), Some("l"));
    for n in [
        "x-custom",
        "date",
        "*",
        "set-cookie",
        "access-control-allow-origin",
        "access-control-expose-headers",
    ] {
        assert_eq!(o.visible_header(n), None, "{n}");
    }
    // Without ACEH, only the seven.
    let o = run(request("GET", &url_b("/c")), |_| rich_response(&[ACAO_ANY]));
    assert_eq!(o.response().unwrap().headers.unique_names(), SEVEN.to_vec());
}

#[test]
fn r125_aceh_star_is_a_wildcard_only_without_credentials() {
    // R-125 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_b("/c")), |_| {
        rich_response(&[ACAO_ANY, ("Access-Control-Expose-Headers", "*")])
    });
    assert_exposed(&o, ResponseType::Cors, 200);
    for n in [
        "x-custom",
        "x-listed",
        "date",
        "*",
        "access-control-allow-origin",
    ] {
        assert!(o.visible_header(n).is_some(), "{n}");
    }
    assert_eq!(o.visible_header("set-cookie"), None);
    assert_eq!(o.visible_header("set-cookie2"), None);
    // With credentials, `*` only matches a header named `*`.
    let o = run(
        request("GET", &url_b("/c")).credentials(CredentialsMode::Include),
        |_| {
            rich_response(&[
                ACAO_A,
                ACAC,
                ("Access-Control-Expose-Headers", "X-Listed, *"),
            ])
        },
    );
    assert_exposed(&o, ResponseType::Cors, 200);
    assert_eq!(o.visible_header("*").as_deref(), Some("star"));
    assert_eq!(o.visible_header("x-listed").as_deref(), Some("l"));
    assert_eq!(o.visible_header("x-custom"), None);
    assert_eq!(o.visible_header("date"), None);
}

#[test]
fn r126_aceh_cannot_expose_set_cookie() {
    // R-126 [#cors-safelisted-response-header-name]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_b("/c")), |_| {
        rich_response(&[
            ACAO_ANY,
            ("Access-Control-Expose-Headers", "Set-Cookie, Set-Cookie2"),
        ])
    });
    assert_exposed(&o, ResponseType::Cors, 200);
    assert_eq!(o.visible_header("set-cookie"), None);
    assert_eq!(o.visible_header("set-cookie2"), None);
}

#[test]
fn r127_an_aceh_that_does_not_parse_exposes_only_the_seven() {
    // R-127 [#main-fetch]; expected: Fetch standard (docs/rules.md).
    for bad in ["X-Listed, bb-8 x", "\"X-Listed\"", "X-Listed, *, a:b"] {
        let o = run(request("GET", &url_b("/c")), |_| {
            rich_response(&[ACAO_ANY, ("Access-Control-Expose-Headers", bad)])
        });
        assert_exposed(&o, ResponseType::Cors, 200);
        assert_eq!(
            o.response().unwrap().headers.unique_names(),
            SEVEN.to_vec(),
            "{bad}"
        );
    }
}

#[test]
fn r128_an_opaque_response_shows_nothing() {
    // R-128 [#concept-filtered-response-opaque]; expected: Fetch standard (docs/rules.md).
    let o = run(request("GET", &url_b("/img")).mode(Mode::NoCors), |_| {
        rich_response(&[ACAO_ANY])
    });
    assert_exposed(&o, ResponseType::Opaque, 0);
    let r = o.response().unwrap();
    assert!(r.headers.is_empty());
    assert_eq!(r.body, None);
    assert_eq!(r.url, None);
    assert!(!r.redirected);
    assert!(!r.ok());
}

#[test]
fn r129_every_network_error_rejects_with_a_type_error() {
    // R-129 [#dom-global-fetch]; expected: Fetch standard (docs/rules.md).
    let failures = [
        run(request("TRACE", &url_b("/x")), permissive),
        run(request("GET", &url_b("/x")), |_| resp(200, &[])),
        put_with_preflight(500, &[ACAO_A, ALLOW_PUT]),
        run(
            request("GET", &url_b("/x")).mode(Mode::SameOrigin),
            permissive,
        ),
    ];
    for o in &failures {
        assert!(!o.is_exposed());
        assert!(o.response().is_none());
        let e = o.error().unwrap();
        // The standard only says the promise rejects with a TypeError; its
        // message is the browser's. Measured (docs/measurements.md,
        // console and JavaScript messages): Chromium "Failed to fetch",
        // Firefox "NetworkError when attempting to fetch resource.",
        // WebKitGTK "Load failed", whatever the CORS reason.
        assert!(!e.js_message(Engine::Spec).is_empty());
        if e.reason.is_request_error() {
            // TRACE: the Request constructor throws before any network
            // activity; its message is not the network-error one.
            assert!(e.js_message(Engine::Chromium).contains("TRACE"));
            continue;
        }
        assert_eq!(
            e.js_message(Engine::Chromium),
            "Failed to fetch",
            "{:?}",
            e.reason
        );
        assert_eq!(
            e.js_message(Engine::Firefox),
            "NetworkError when attempting to fetch resource.",
            "{:?}",
            e.reason
        );
        assert_eq!(
            e.js_message(Engine::WebKit),
            "Load failed",
            "{:?}",
            e.reason
        );
    }
}

// ---------------------------------------------------------------------------
// Origin header
// ---------------------------------------------------------------------------

/// The Origin header of the only actual request of a fetch.
fn origin_sent(r: Request) -> Option<String> {
    let o = run(r, |w| {
        if w.is_preflight() {
            permissive(w)
        } else {
            resp(200, &[ACAO_ANY])
        }
    });
    the_actual(&o).origin()
}

#[test]
fn r130_origin_on_cors_gets_not_on_same_origin_or_no_cors_gets() {
    // R-130 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    assert_eq!(
        origin_sent(request("GET", &url_b("/x"))).as_deref(),
        Some(A)
    );
    assert_eq!(
        origin_sent(request("HEAD", &url_b("/x"))).as_deref(),
        Some(A)
    );
    assert_eq!(origin_sent(request("GET", &url_a("/x"))), None);
    assert_eq!(origin_sent(request("HEAD", &url_a("/x"))), None);
    assert_eq!(
        origin_sent(request("GET", &url_b("/x")).mode(Mode::NoCors)),
        None
    );
}

#[test]
fn r131_a_same_origin_post_carries_origin() {
    // R-131 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    assert_eq!(
        origin_sent(request("POST", &url_a("/x")).body(Body::Bytes("x".into()))).as_deref(),
        Some(A)
    );
    assert_eq!(
        origin_sent(request("PUT", &url_a("/x"))).as_deref(),
        Some(A)
    );
}

#[test]
fn r132_a_no_cors_post_with_no_referrer_sends_origin_null() {
    // R-132 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    let r = request("POST", &url_b("/x"))
        .mode(Mode::NoCors)
        .referrer_policy(ReferrerPolicy::NoReferrer);
    assert_eq!(origin_sent(r).as_deref(), Some("null"));
}

#[test]
fn r133_a_no_cors_post_downgrading_to_http_sends_origin_null() {
    // R-133 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    for policy in [
        ReferrerPolicy::StrictOriginWhenCrossOrigin,
        ReferrerPolicy::StrictOrigin,
        ReferrerPolicy::NoReferrerWhenDowngrade,
    ] {
        let r = request("POST", "http://b.test/x")
            .mode(Mode::NoCors)
            .referrer_policy(policy);
        assert_eq!(origin_sent(r).as_deref(), Some("null"), "{policy}");
        let r = request("POST", &url_b("/x"))
            .mode(Mode::NoCors)
            .referrer_policy(policy);
        assert_eq!(origin_sent(r).as_deref(), Some(A), "{policy}");
    }
}

#[test]
fn r134_a_no_cors_post_with_same_origin_policy_sends_origin_null() {
    // R-134 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    let post = |policy| {
        request("POST", &url_b("/x"))
            .mode(Mode::NoCors)
            .referrer_policy(policy)
    };
    assert_eq!(
        origin_sent(post(ReferrerPolicy::SameOrigin)).as_deref(),
        Some("null")
    );
    assert_eq!(
        origin_sent(post(ReferrerPolicy::UnsafeUrl)).as_deref(),
        Some(A)
    );
    assert_eq!(
        origin_sent(post(ReferrerPolicy::Origin)).as_deref(),
        Some(A)
    );
}

#[test]
fn r135_a_cors_request_ignores_the_referrer_policy_for_origin() {
    // R-135 [#append-a-request-origin-header]; expected: Fetch standard (docs/rules.md).
    for policy in [
        ReferrerPolicy::NoReferrer,
        ReferrerPolicy::SameOrigin,
        ReferrerPolicy::StrictOrigin,
    ] {
        let r = request("POST", "http://b.test/x").referrer_policy(policy);
        assert_eq!(origin_sent(r).as_deref(), Some(A), "{policy}");
        let o = run(
            request("PUT", &url_b("/x")).referrer_policy(policy),
            permissive,
        );
        assert_eq!(o.preflight_sent().unwrap().origin().as_deref(), Some(A));
        assert_eq!(the_actual(&o).origin().as_deref(), Some(A));
    }
    // A same-origin request in cors mode skips the policy too.
    let r = request("POST", &url_a("/x")).referrer_policy(ReferrerPolicy::NoReferrer);
    assert_eq!(origin_sent(r).as_deref(), Some(A));
}

#[test]
fn r136_the_serialized_origin_omits_only_default_ports() {
    // R-136 [#serializing-a-request-origin]; expected: Fetch standard (docs/rules.md).
    let from = |origin: &str, acao: &str| {
        let r = Request::new(origin, "GET", &url_b("/x")).unwrap();
        run(r, |_| resp(200, &[("Access-Control-Allow-Origin", acao)]))
    };
    let o = from("https://a.test:443", A);
    assert_eq!(the_actual(&o).origin().as_deref(), Some(A));
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = from("https://a.test:8443", "https://a.test:8443");
    assert_eq!(
        the_actual(&o).origin().as_deref(),
        Some("https://a.test:8443")
    );
    assert_exposed(&o, ResponseType::Cors, 200);
    let o = from("https://a.test:8443", A);
    assert_blocked(&o, Reason::AllowOriginMismatch);
    let o = from("http://a.test:80", "http://a.test");
    assert_eq!(the_actual(&o).origin().as_deref(), Some("http://a.test"));
}
