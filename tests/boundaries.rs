//! Boundary tests: value lengths, byte sets, totals, statuses and max-age
//! values at and around every limit the Fetch standard sets.
//!
//! Expected values come from the Fetch standard (anchors named per test);
//! for the per-browser max-age rows, from the sources and measurements cited
//! on the fields of `Profile`.

use cors_sim::request_headers::{
    SAFELISTED_TOTAL_MAX, SAFELISTED_VALUE_MAX, cors_unsafe_request_header_names,
    is_cors_safelisted_request_header, is_cors_unsafe_request_header_byte,
};
use cors_sim::{
    Client, CredentialsMode, HeaderList, InputError, Outcome, Profile, Reason, Request,
    ServerResponse, Time, WireRequest,
};

const PAGE: &str = "https://a.test";
const URL: &str = "https://b.test/r";

/// A server that allows everything for the page origin, with no max-age.
fn permissive(req: &WireRequest) -> ServerResponse {
    let mut r = ServerResponse::new(if req.is_preflight() { 204 } else { 200 })
        .header("Access-Control-Allow-Origin", PAGE);
    if req.is_preflight() {
        r = r
            .header("Access-Control-Allow-Methods", "*")
            .header("Access-Control-Allow-Headers", "*");
    }
    r
}

fn run_with_headers(headers: &[(&str, Vec<u8>)]) -> Outcome {
    let mut req = Request::get(PAGE, URL).unwrap();
    for (n, v) in headers {
        req = req.raw_header(n, v);
    }
    Client::new(Profile::spec())
        .run(req, Time::ZERO, permissive)
        .unwrap()
}

fn acrh(o: &Outcome) -> Option<String> {
    o.preflight_sent()
        .and_then(|p| p.headers.get_str("access-control-request-headers"))
}

// fetch: #cors-safelisted-request-header, step 1: a value of 128 bytes may be
// safelisted, 129 may not, for every safelisted name.
#[test]
fn value_of_128_bytes_is_safe_and_129_is_not_for_every_name() {
    type Make = fn(usize) -> Vec<u8>;
    let cases: [(&str, Make); 5] = [
        ("Accept", |n| vec![b'a'; n]),
        ("Accept-Language", |n| vec![b'e'; n]),
        ("Content-Language", |n| vec![b'x'; n]),
        ("Content-Type", |n| {
            let mut v = b"text/plain;a=".to_vec();
            v.resize(n, b'b');
            v
        }),
        ("Range", |n| {
            let mut v = b"bytes=0-".to_vec();
            v.resize(n, b'9');
            v
        }),
    ];
    for (name, make) in cases {
        let at = make(SAFELISTED_VALUE_MAX);
        let over = make(SAFELISTED_VALUE_MAX + 1);
        assert_eq!(at.len(), 128);
        let o = run_with_headers(&[(name, at)]);
        assert_eq!(
            o.preflight_count(),
            0,
            "{name} with 128 bytes must not preflight"
        );
        assert!(o.is_exposed());
        let o = run_with_headers(&[(name, over)]);
        assert_eq!(
            o.preflight_count(),
            1,
            "{name} with 129 bytes must preflight"
        );
        assert_eq!(
            acrh(&o).as_deref(),
            Some(name.to_ascii_lowercase().as_str())
        );
    }
}

// fetch: #cors-unsafe-request-header-byte: bytes below 0x20 except HTAB, and
// " ( ) : < > ? @ [ \ ] { } DEL. Everything else (0x80-0xFF included) is fine.
#[test]
fn every_byte_of_the_unsafe_set_and_no_other() {
    let listed: &[u8] = b"\"():<>?@[\\]{}\x7f";
    for b in 0u8..=255 {
        let expected = (b < 0x20 && b != 0x09) || listed.contains(&b);
        assert_eq!(
            is_cors_unsafe_request_header_byte(b),
            expected,
            "byte {b:#04x}"
        );
        // The same verdict for Accept, byte embedded in a value.
        let value = [b'a', b, b'a'];
        assert_eq!(
            is_cors_safelisted_request_header(b"Accept", &value),
            !expected,
            "Accept with byte {b:#04x}"
        );
    }
}

// fetch: #cors-safelisted-request-header: Accept with an unsafe byte makes a
// preflight on the wire; with a safe high byte it does not.
#[test]
fn accept_bytes_end_to_end() {
    for b in [
        b'"', b'(', b')', b':', b'<', b'>', b'?', b'@', b'[', b'\\', b']', b'{', b'}', 0x7f, 0x01,
        0x1f,
    ] {
        let o = run_with_headers(&[("Accept", vec![b'x', b, b'y'])]);
        assert_eq!(acrh(&o).as_deref(), Some("accept"), "byte {b:#04x}");
    }
    for b in [b'\t', 0x80, 0xff, b',', b'/', b';', b'=', b'*'] {
        let o = run_with_headers(&[("Accept", vec![b'x', b, b'y'])]);
        assert_eq!(o.preflight_count(), 0, "byte {b:#04x}");
    }
}

// fetch: #cors-safelisted-request-header, accept-language/content-language:
// only 0-9 A-Z a-z SP * , - . ; = are allowed.
#[test]
fn every_byte_for_language_headers() {
    for b in 0u8..=255 {
        let ok = b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b);
        for name in [&b"Accept-Language"[..], b"Content-Language"] {
            assert_eq!(
                is_cors_safelisted_request_header(name, &[b'e', b, b'n']),
                ok,
                "byte {b:#04x}"
            );
        }
    }
}

// fetch: #cors-unsafe-request-header-names: a total of 1024 bytes of
// safelisted values stays safe; 1025 makes every safelisted name unsafe.
#[test]
fn safelisted_total_of_1024_is_safe_and_1025_is_not() {
    // Accept */* (3 bytes, added by fetch() when absent) is not present here:
    // the page sets its own Accept.
    let make = |total: usize| -> Vec<(&'static str, Vec<u8>)> {
        let mut v = vec![("Accept", vec![b'a'; 4])];
        let mut left = total - 4;
        while left > 0 {
            let n = left.min(120);
            v.push(("Accept-Language", vec![b'e'; n]));
            left -= n;
        }
        v
    };
    let at = make(SAFELISTED_TOTAL_MAX);
    let o = run_with_headers(&at);
    assert_eq!(o.preflight_count(), 0);
    let over = make(SAFELISTED_TOTAL_MAX + 1);
    let o = run_with_headers(&over);
    assert_eq!(acrh(&o).as_deref(), Some("accept,accept-language"));
    // The pure function agrees.
    let h = HeaderList::from_pairs(over.iter().map(|(n, v)| (*n, v.clone())));
    assert_eq!(
        cors_unsafe_request_header_names(&h),
        vec!["accept", "accept-language"]
    );
}

// fetch: #concept-fetch adds Accept: */* when the page set none, and it is in
// the header list the 1024 rule sums (fetch: #concept-fetch adds it before main fetch runs).
#[test]
fn the_added_accept_counts_toward_the_total() {
    // 1021 bytes of Accept-Language + 3 bytes of */* = 1024: safe.
    let mut v = Vec::new();
    let mut left = 1021;
    while left > 0 {
        let n = left.min(120);
        v.push(("Accept-Language", vec![b'e'; n]));
        left -= n;
    }
    assert_eq!(run_with_headers(&v).preflight_count(), 0);
    v.push(("Content-Language", vec![b'x']));
    assert_eq!(
        acrh(&run_with_headers(&v)).as_deref(),
        Some("accept,accept-language,content-language")
    );
}

// fetch: #cors-unsafe-request-header-names: values of unsafe headers do not count.
#[test]
fn unsafe_values_do_not_count_toward_the_total() {
    let v = vec![("X-Big", vec![b'x'; 2000]), ("Accept", vec![b'a'; 100])];
    assert_eq!(acrh(&run_with_headers(&v)).as_deref(), Some("x-big"));
}

fn preflight_status(profile: Profile, status: u16) -> Outcome {
    let req = Request::new(PAGE, "PUT", URL).unwrap();
    Client::new(profile)
        .run(req, Time::ZERO, |r| {
            if r.is_preflight() {
                ServerResponse::new(status)
                    .header("Access-Control-Allow-Origin", PAGE)
                    .header("Access-Control-Allow-Methods", "PUT")
            } else {
                ServerResponse::new(200).header("Access-Control-Allow-Origin", PAGE)
            }
        })
        .unwrap()
}

// fetch: #cors-preflight-fetch-0 requires an ok status (#ok-status: 200-299).
// Every status from 100 to 599: only 200-299 lets the PUT go out; a redirect
// status is reported as a redirected preflight.
#[test]
fn every_preflight_status_from_100_to_599() {
    for status in 100..=599u16 {
        let o = preflight_status(Profile::spec(), status);
        if (200..=299).contains(&status) {
            assert!(o.is_exposed(), "status {status}");
            assert_eq!(o.server_received().len(), 2, "status {status}");
        } else {
            let expected = if matches!(status, 301 | 302 | 303 | 307 | 308) {
                Reason::PreflightRedirect
            } else {
                Reason::PreflightInvalidStatus
            };
            assert_eq!(o.blocked_reason(), Some(expected), "status {status}");
            assert_eq!(
                o.server_received().len(),
                1,
                "the PUT must not be sent after status {status}"
            );
            assert_eq!(o.error().unwrap().status, Some(status));
        }
    }
}

// fetch: #http-fetch: the CORS check applies to any status, so a response
// with a valid Access-Control-Allow-Origin is exposed with its own status.
#[test]
fn every_actual_status_from_200_to_599_is_exposed_with_a_valid_acao() {
    for status in 200..=599u16 {
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            continue;
        }
        let req = Request::get(PAGE, URL).unwrap();
        let o = Client::new(Profile::spec())
            .run(req, Time::ZERO, |_| {
                ServerResponse::new(status).header("Access-Control-Allow-Origin", "*")
            })
            .unwrap();
        assert_eq!(o.response().map(|r| r.status), Some(status));
    }
}

// A redirect status without Location is returned as it is (fetch:
// #http-redirect-fetch: no location URL means the response is returned).
#[test]
fn redirect_status_without_location_is_a_plain_response() {
    for status in [301, 302, 303, 307, 308] {
        let req = Request::get(PAGE, URL).unwrap();
        let o = Client::new(Profile::spec())
            .run(req, Time::ZERO, |_| {
                ServerResponse::new(status).header("Access-Control-Allow-Origin", "*")
            })
            .unwrap();
        assert_eq!(o.response().map(|r| r.status), Some(status));
    }
}

/// Runs a PUT (preflighted) at `t0`, then again at `t1`, with `max_age`
/// headers on the preflight; returns the number of preflights at `t1`.
fn preflights_on_repeat(profile: Profile, max_age: &[&str], t1: f64) -> usize {
    let mut client = Client::new(profile);
    let server = |r: &WireRequest| {
        let mut resp = ServerResponse::new(200).header("Access-Control-Allow-Origin", PAGE);
        if r.is_preflight() {
            resp = resp.header("Access-Control-Allow-Methods", "PUT");
            for v in max_age {
                resp = resp.header("Access-Control-Max-Age", v);
            }
        }
        resp
    };
    let req = Request::new(PAGE, "PUT", URL).unwrap();
    let first = client.run(req.clone(), Time::ZERO, server).unwrap();
    assert_eq!(first.preflight_count(), 1);
    client
        .run(req, Time::from_secs_f64(t1), server)
        .unwrap()
        .preflight_count()
}

// fetch: #cors-preflight-fetch-0: max-age absent or failing to parse is 5 s.
// An entry is live while now < stored + max-age.
#[test]
fn spec_max_age_edges() {
    let p = Profile::spec;
    // Absent: 5 s.
    assert_eq!(preflights_on_repeat(p(), &[], 4.999), 0);
    assert_eq!(preflights_on_repeat(p(), &[], 5.0), 1);
    // 0: never reused.
    assert_eq!(preflights_on_repeat(p(), &["0"], 0.0), 1);
    // Negative, non-numeric, fractional, signed, hex, empty, list, two lines: 5 s.
    for bad in [
        &["-1"][..],
        &["abc"],
        &["1.5"],
        &["+10"],
        &["0x10"],
        &[""],
        &["600, 600"],
        &["600", "600"],
    ] {
        assert_eq!(preflights_on_repeat(p(), bad, 4.0), 0, "{bad:?} at 4 s");
        assert_eq!(preflights_on_repeat(p(), bad, 6.0), 1, "{bad:?} at 6 s");
    }
    // Valid values are used as they are; the standard sets no cap.
    assert_eq!(preflights_on_repeat(p(), &["600"], 599.0), 0);
    assert_eq!(preflights_on_repeat(p(), &["600"], 600.0), 1);
    assert_eq!(preflights_on_repeat(p(), &["1000000"], 999_999.0), 0);
    // Too large to represent: 2^31 seconds (RFC 9111 section 1.2.2).
    assert_eq!(
        preflights_on_repeat(p(), &["99999999999999999999"], 2_147_483_647.0),
        0
    );
    assert_eq!(
        preflights_on_repeat(p(), &["99999999999999999999"], 2_147_483_648.0),
        1
    );
}

// The caps, from the sources cited on `Profile::max_age_cap`.
#[test]
fn max_age_above_each_cap() {
    for (profile, cap) in [
        (Profile::chromium(), 7200.0),
        (Profile::firefox(), 86400.0),
        (Profile::webkit(), 600.0),
    ] {
        let name = profile.engine;
        assert_eq!(
            preflights_on_repeat(profile.clone(), &["999999"], cap - 1.0),
            0,
            "{name}"
        );
        assert_eq!(
            preflights_on_repeat(profile, &["999999"], cap + 1.0),
            1,
            "{name}"
        );
    }
}

// fetch: #concept-cors-check: credentials `include` with the exact origin and
// Access-Control-Allow-Credentials at and around `true`.
#[test]
fn allow_credentials_must_be_exactly_true() {
    for (value, ok) in [
        ("true", true),
        ("True", false),
        ("TRUE", false),
        ("1", false),
        ("", false),
        ("true, true", false),
    ] {
        let req = Request::get(PAGE, URL)
            .unwrap()
            .credentials(CredentialsMode::Include);
        let o = Client::new(Profile::spec())
            .run(req, Time::ZERO, |_| {
                ServerResponse::new(200)
                    .header("Access-Control-Allow-Origin", PAGE)
                    .header("Access-Control-Allow-Credentials", value)
            })
            .unwrap();
        assert_eq!(o.is_exposed(), ok, "ACAC {value:?}");
    }
}

// Bad input is a typed error, never a panic.
#[test]
fn bad_input_gives_typed_errors() {
    assert!(matches!(
        Request::get("not an origin", URL),
        Err(InputError::InvalidOrigin { .. })
    ));
    assert!(matches!(
        Request::get("https://a.test/path", URL),
        Err(InputError::InvalidOrigin { .. })
    ));
    assert!(matches!(
        Request::get(PAGE, "::"),
        Err(InputError::InvalidUrl { .. })
    ));
    assert!(matches!(
        Request::get(PAGE, URL).unwrap().header("Bad Name", "x"),
        Err(InputError::InvalidHeaderName { .. })
    ));
    assert!(matches!(
        Request::get(PAGE, URL).unwrap().header("X", "a\nb"),
        Err(InputError::InvalidHeaderValue { .. })
    ));
    let req = Request::get(PAGE, URL).unwrap().raw_header("X", b"a\0b");
    assert!(matches!(
        Client::default().start(req, Time::ZERO),
        Err(InputError::InvalidHeaderValue { .. })
    ));
    let req = Request::get(PAGE, URL).unwrap();
    assert!(matches!(
        Client::default().run(req, Time::ZERO, |_| ServerResponse::new(42)),
        Err(InputError::InvalidStatus { status: 42 })
    ));
    let e = Request::get(PAGE, URL)
        .unwrap()
        .header("Bad Name", "x")
        .unwrap_err();
    assert!(
        e.to_string().contains("Bad Name"),
        "the message names the header: {e}"
    );
}

// The state machine refuses calls out of order.
#[test]
fn state_machine_misuse_is_an_error() {
    let mut client = Client::default();
    let req = Request::get(PAGE, URL).unwrap();
    let fetch = client.start(req.clone(), Time::ZERO).unwrap();
    assert!(matches!(fetch.into_outcome(), Err(InputError::State(_))));
    let mut fetch = client.start(req, Time::ZERO).unwrap();
    fetch
        .receive(
            &mut client,
            ServerResponse::new(200).header("Access-Control-Allow-Origin", "*"),
            Time::ZERO,
        )
        .unwrap();
    assert!(fetch.pending().is_none());
    assert!(matches!(
        fetch.receive(&mut client, ServerResponse::new(200), Time::ZERO),
        Err(InputError::State(_))
    ));
}
