//! The browser harness with closure servers: what the server receives, what
//! comes back, the preflight cache over explicit time, assertion messages,
//! and bad input (a server that panics, fails, stalls or answers with bytes
//! HTTP does not allow).
//!
//! Each test names the rule of the Fetch standard (or the measured browser
//! behaviour) that makes its expected outcome so.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use cors_sim::harness::{Browser, Server, ServerFailure};
use cors_sim::{CredentialsMode, InputError, Mode, Reason, ServerResponse, Time, WarningCode};

/// What a closure server saw: method, URI, headers (name: value) and body.
type Log = Rc<RefCell<Vec<(String, String, Vec<(String, String)>, Vec<u8>)>>>;

fn record(log: &Log, req: &http::Request<Vec<u8>>) {
    log.borrow_mut().push((
        req.method().to_string(),
        req.uri().to_string(),
        req.headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        req.body().clone(),
    ));
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A server that lets https://app.example do anything, with credentials.
fn app_policy(req: &http::Request<Vec<u8>>) -> ServerResponse {
    let mut r = ServerResponse::new(if req.method() == "OPTIONS" { 204 } else { 200 });
    if req
        .headers()
        .get("origin")
        .is_some_and(|o| o == "https://app.example")
    {
        r = r
            .header("Access-Control-Allow-Origin", "https://app.example")
            .header("Access-Control-Allow-Credentials", "true")
            .header("Access-Control-Allow-Methods", "PUT, DELETE")
            .header("Access-Control-Allow-Headers", "Content-Type")
            .header("Access-Control-Max-Age", "10")
            .header("Vary", "Origin");
    }
    r
}

fn put_json(url: &str, body: &'static str) -> http::Request<&'static str> {
    http::Request::put(url)
        .header("Content-Type", "application/json")
        .body(body)
        .unwrap()
}

#[test]
fn the_server_receives_the_preflight_and_the_request_as_a_browser_sends_them() {
    // fetch: #cors-preflight-fetch-0 (OPTIONS with Origin, Access-Control-Request-Method
    // and the sorted unsafe header names; no cookies, no body), then
    // #http-network-or-cache-fetch (credentials mode include: cookies go with the PUT).
    let log: Log = Rc::default();
    let seen = log.clone();
    let mut browser = Browser::spec()
        .cookie("https://api.example", "session=alice")
        .serve_fn(move |req: http::Request<Vec<u8>>| {
            record(&seen, &req);
            app_policy(&req)
        });
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .fetch(put_json(
            "https://api.example/items/1?x=1#frag",
            r#"{"n":1}"#,
        ))
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_exposed().assert_preflight().assert_status(200);

    let log = log.borrow();
    assert_eq!(log.len(), 2);
    let (method, uri, headers, body) = &log[0];
    assert_eq!(method, "OPTIONS");
    // The fragment never goes on the wire; the target is origin-form, with Host.
    assert_eq!(uri, "/items/1?x=1");
    assert_eq!(header(headers, "host"), Some("api.example"));
    assert_eq!(header(headers, "origin"), Some("https://app.example"));
    assert_eq!(
        header(headers, "access-control-request-method"),
        Some("PUT")
    );
    assert_eq!(
        header(headers, "access-control-request-headers"),
        Some("content-type")
    );
    assert_eq!(header(headers, "cookie"), None);
    assert!(body.is_empty());

    let (method, uri, headers, body) = &log[1];
    assert_eq!(method, "PUT");
    assert_eq!(uri, "/items/1?x=1");
    assert_eq!(header(headers, "origin"), Some("https://app.example"));
    assert_eq!(header(headers, "content-type"), Some("application/json"));
    assert_eq!(header(headers, "cookie"), Some("session=alice"));
    assert_eq!(header(headers, "content-length"), Some("7"));
    assert_eq!(body, br#"{"n":1}"#);
}

#[test]
fn a_relative_url_is_same_origin_and_sees_everything() {
    // fetch: #main-fetch (same origin: basic tainting, no CORS), #append-a-request-origin-header
    // (no Origin on a same-origin GET), #http-network-or-cache-fetch (credentials mode
    // same-origin sends cookies while tainting is basic), #concept-filtered-response-basic
    // (every header but Set-Cookie is visible).
    let log: Log = Rc::default();
    let seen = log.clone();
    let mut browser = Browser::chromium()
        .cookie("https://app.example", "session=alice")
        .serve_fn(move |req: http::Request<Vec<u8>>| {
            record(&seen, &req);
            ServerResponse::new(200)
                .header("X-Secret", "42")
                .header("Set-Cookie", "a=b")
                .body("ok")
        });
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .get("/api/items")
        .send_blocking()
        .unwrap();
    out.assert_exposed()
        .assert_visible_header("x-secret", "42")
        .assert_header_hidden("set-cookie")
        .assert_body("ok");
    assert_eq!(out.response_type(), Some(cors_sim::ResponseType::Basic));
    let log = log.borrow();
    assert_eq!(header(&log[0].2, "origin"), None);
    assert_eq!(header(&log[0].2, "cookie"), Some("session=alice"));
    assert_eq!(header(&log[0].2, "host"), Some("app.example"));
}

#[test]
fn the_preflight_cache_lives_across_fetches_and_time_moves_only_when_told() {
    // fetch: #cors-preflight-cache, #concept-cache-match: an entry lives max-age
    // seconds after it is stored (Access-Control-Max-Age: 10); it is expired at
    // exactly 10 s (reference rules §4.4: live iff now < stored + max-age).
    let mut browser = Browser::spec().serve_fn(|req: http::Request<Vec<u8>>| app_policy(&req));
    let url = "https://api.example/items/1";
    let mut page = browser.visit("https://app.example").unwrap();
    assert_eq!(
        page.fetch(put_json(url, "{}"))
            .send_blocking()
            .unwrap()
            .preflight_count(),
        1
    );
    page.browser().advance_secs(9);
    assert_eq!(
        page.fetch(put_json(url, "{}"))
            .send_blocking()
            .unwrap()
            .preflight_count(),
        0
    );
    page.browser().advance_secs(1);
    let out = page.fetch(put_json(url, "{}")).send_blocking().unwrap();
    assert_eq!(out.preflight_count(), 1);
    assert_eq!(out.time(), Time::from_secs(10));
    assert_eq!(browser.now(), Time::from_secs(10));
}

#[test]
fn bodies_and_header_bytes_come_back_losslessly() {
    // fetch: #concept-filtered-response-cors: the body is readable as sent; header
    // values are byte sequences, and Headers.get returns their isomorphic decoding.
    let bytes: Vec<u8> = vec![0, 0x9f, 0x92, 0x96, 0xff, b'\n'];
    let sent = bytes.clone();
    let mut browser = Browser::firefox().serve_fn(move |_req: http::Request<Vec<u8>>| {
        let mut r = http::Response::new(sent.clone());
        let h = r.headers_mut();
        h.insert("access-control-allow-origin", "*".parse().unwrap());
        h.insert("access-control-expose-headers", "x-name".parse().unwrap());
        h.insert("x-name", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        r
    });
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/blob")
        .send_blocking()
        .unwrap();
    out.assert_exposed()
        .assert_visible_header("x-name", "caf\u{e9}");
    assert_eq!(out.body(), Some(&bytes[..]));
    assert_eq!(out.server_body(0), Some(&bytes[..]));
}

#[test]
fn an_opaque_response_hides_status_headers_and_body() {
    // fetch: #concept-filtered-response-opaque: mode no-cors to another origin gives
    // status 0, no headers, a null body, whatever the server answered.
    let mut browser = Browser::spec().serve_fn(|_req: http::Request<Vec<u8>>| {
        ServerResponse::new(200)
            .header("Content-Type", "text/plain")
            .body("secret")
    });
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/x")
        .mode(Mode::NoCors)
        .send_blocking()
        .unwrap();
    out.assert_exposed()
        .assert_status(0)
        .assert_reached_server();
    assert_eq!(out.body(), None);
    assert_eq!(out.visible_header("content-type"), None);
    assert_eq!(out.server_body(0), Some(&b"secret"[..]));
}

#[test]
fn json_bodies_parse_when_javascript_may_read_them() {
    // fetch: #concept-cors-check passes (ACAO *, no credentials): response.json() works.
    let mut browser = Browser::webkit().serve_fn(|_req: http::Request<Vec<u8>>| {
        ServerResponse::new(200)
            .header("Access-Control-Allow-Origin", "*")
            .header("Content-Type", "application/json")
            .body(r#"{"user":"alice"}"#)
    });
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/me")
        .send_blocking()
        .unwrap();
    let v: serde_json::Value = out.json().unwrap();
    assert_eq!(v["user"], "alice");
}

#[tokio::test(flavor = "current_thread")]
async fn awaiting_and_blocking_give_the_same_outcome() {
    // The harness is a driver: the same model decides either way.
    let make = || Browser::chromium().serve_fn(|req: http::Request<Vec<u8>>| app_policy(&req));
    let mut a = make();
    let awaited = a
        .visit("https://evil.example")
        .unwrap()
        .fetch(put_json("https://api.example/items/1", "{}"))
        .await
        .unwrap();
    let mut b = make();
    let blocking = b
        .visit("https://evil.example")
        .unwrap()
        .fetch(put_json("https://api.example/items/1", "{}"))
        .send_blocking()
        .unwrap();
    assert_eq!(awaited, blocking);
    // fetch: #cors-preflight-fetch-0: no Access-Control-Allow-Origin on the preflight.
    awaited
        .assert_blocked(Reason::PreflightMissingAllowOrigin)
        .assert_not_reached_server();
}

fn panic_text(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let err = std::panic::catch_unwind(f).expect_err("the assertion should fail");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

#[test]
fn a_failed_assertion_explains_what_the_browser_did() {
    // fetch: #concept-cors-check step 2: no Access-Control-Allow-Origin is a failure;
    // the explanation is the command line's `explain`, with Chromium's console text.
    let mut browser = Browser::chromium().serve_fn(|_req: http::Request<Vec<u8>>| {
        ServerResponse::new(200).header("X-Total-Count", "3")
    });
    let out = browser
        .visit("https://evil.example")
        .unwrap()
        .get("https://api.example/items")
        .include_credentials()
        .send_blocking()
        .unwrap();
    let msg = panic_text(|| {
        out.assert_exposed();
    });
    assert!(msg.starts_with("expected JavaScript to get the response, but fetch() rejects with a TypeError: the response has no Access-Control-Allow-Origin header [missing_allow_origin]"), "{msg}");
    assert!(
        msg.contains(
            "fetch GET https://api.example/items from https://evil.example (chromium) at t=0s"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("  classify     cross-origin simple request"),
        "{msg}"
    );
    assert!(
        msg.contains("  wire         GET https://api.example/items"),
        "{msg}"
    );
    assert!(
        msg.contains("  JS sees      TypeError: Failed to fetch [missing_allow_origin]"),
        "{msg}"
    );
    assert!(msg.contains("  console      Access to fetch at 'https://api.example/items' from origin 'https://evil.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."), "{msg}");
    assert!(
        msg.contains(
            "  warning      GET https://api.example/items reached the server and was processed"
        ),
        "{msg}"
    );
    assert_eq!(out.explain(), out.to_string());
}

#[test]
fn a_hidden_header_assertion_says_why_it_is_hidden() {
    // fetch: #cors-safelisted-response-header-name: X-Total-Count is neither
    // safelisted nor listed in Access-Control-Expose-Headers.
    let mut browser = Browser::spec().serve_fn(|_req: http::Request<Vec<u8>>| {
        ServerResponse::new(200)
            .header("Access-Control-Allow-Origin", "*")
            .header("X-Total-Count", "3")
    });
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/items")
        .send_blocking()
        .unwrap();
    out.assert_exposed().assert_header_hidden("x-total-count");
    assert!(out.has_warning(WarningCode::HeaderHidden));
    let msg = panic_text(|| {
        out.assert_visible_header("X-Total-Count", "3");
    });
    assert!(
        msg.contains("the server sent X-Total-Count, but it is hidden: it is not CORS-safelisted and not in Access-Control-Expose-Headers"),
        "{msg}"
    );
}

#[test]
fn a_panicking_server_is_a_typed_error_and_the_browser_stays_usable() {
    let mut calls = 0;
    let mut browser = Browser::spec().serve_fn(move |req: http::Request<Vec<u8>>| {
        calls += 1;
        if calls == 1 {
            panic!("handler bug");
        }
        app_policy(&req)
    });
    let err = browser
        .visit("https://app.example")
        .unwrap()
        .fetch(put_json("https://api.example/items/1", "{}"))
        .send_blocking()
        .unwrap_err();
    assert_eq!(
        err,
        InputError::ServerPanicked {
            request: "OPTIONS https://api.example/items/1 (preflight for PUT)".into(),
            message: "handler bug".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "the server panicked while answering OPTIONS https://api.example/items/1 (preflight for PUT): handler bug"
    );
    let out = browser
        .visit("https://app.example")
        .unwrap()
        .fetch(put_json("https://api.example/items/1", "{}"))
        .send_blocking()
        .unwrap();
    out.assert_exposed();
}

#[test]
fn a_server_error_is_a_typed_error() {
    let mut browser = Browser::spec()
        .serve_fn(|_req: http::Request<Vec<u8>>| Err::<ServerResponse, _>("database is down"));
    let err = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/x")
        .send_blocking()
        .unwrap_err();
    assert_eq!(
        err,
        InputError::ServerError {
            request: "GET https://api.example/x".into(),
            message: "database is down".into()
        }
    );
}

#[test]
fn answers_http_cannot_carry_are_typed_errors() {
    type Check = fn(&InputError) -> bool;
    let cases: Vec<(ServerResponse, Check)> = vec![
        (
            ServerResponse::new(200).header("Bad Name", "x"),
            |e| matches!(e, InputError::InvalidHeaderName { name } if name == "Bad Name"),
        ),
        (
            ServerResponse::new(200).header("X-Split", b"a\r\nSet-Cookie: x=y"),
            |e| matches!(e, InputError::InvalidHeaderValue { name, .. } if name == "X-Split"),
        ),
        (ServerResponse::new(200).header("X-Nul", b"a\0b"), |e| {
            matches!(e, InputError::InvalidHeaderValue { .. })
        }),
        (ServerResponse::new(42), |e| {
            matches!(e, InputError::InvalidStatus { status: 42 })
        }),
    ];
    for (answer, check) in cases {
        let mut browser =
            Browser::spec().serve_fn(move |_req: http::Request<Vec<u8>>| answer.clone());
        let err = browser
            .visit("https://app.example")
            .unwrap()
            .get("https://api.example/x")
            .send_blocking()
            .unwrap_err();
        assert!(check(&err), "{err:?}");
    }
    // http allows status 600-999; a fetch response cannot have one.
    let mut browser = Browser::spec().serve_fn(|_req: http::Request<Vec<u8>>| {
        http::Response::builder().status(600).body(()).unwrap()
    });
    let err = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/x")
        .send_blocking()
        .unwrap_err();
    assert_eq!(err, InputError::InvalidStatus { status: 600 });
}

/// A server whose answer never comes.
struct Never;
impl Server for Never {
    fn handle(
        &mut self,
        _request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Vec<u8>>, ServerFailure>> {
        std::future::pending()
    }
}

#[test]
fn a_server_that_can_never_answer_is_a_typed_error_not_a_hang() {
    let mut browser = Browser::spec().serve(Never);
    let err = browser
        .visit("https://app.example")
        .unwrap()
        .get("https://api.example/x")
        .send_blocking()
        .unwrap_err();
    assert!(
        matches!(&err, InputError::ServerStalled { request, .. } if request == "GET https://api.example/x"),
        "{err:?}"
    );
}

#[test]
fn bad_page_input_is_a_typed_error() {
    let mut browser =
        Browser::spec().serve_fn(|_req: http::Request<Vec<u8>>| ServerResponse::new(200));
    assert!(matches!(
        browser.visit("https://app.example/path"),
        Err(InputError::InvalidOrigin { .. })
    ));
    // A relative URL needs a page with a tuple origin.
    let err = browser
        .visit("null")
        .unwrap()
        .get("/api")
        .send_blocking()
        .unwrap_err();
    assert!(matches!(err, InputError::InvalidUrl { .. }), "{err:?}");
}

#[test]
fn the_matrix_reports_each_cell_with_a_fresh_cache() {
    // Per cell: fetch: #cors-preflight-fetch-0 (PUT and Content-Type: application/json
    // need a preflight, which the app origin passes), #concept-cors-check (no ACAO for
    // evil.example: the simple GET still reached the server), the credentials mode
    // include needs Access-Control-Allow-Credentials: true (given here).
    let mut browser = Browser::chromium().serve_fn(|req: http::Request<Vec<u8>>| app_policy(&req));
    let table = browser
        .run_matrix_blocking(
            &cors_sim::harness::Matrix::new("https://api.example/items/1")
                .origins(["https://app.example", "https://evil.example"])
                .methods(["GET", "PUT"])
                .header_sets([vec![], vec![("Content-Type", "application/json")]])
                .credentials([CredentialsMode::Include]),
        )
        .unwrap();
    assert_eq!(
        table.to_string(),
        "\
GET|PUT https://api.example/items/1 (chromium)
origin                method  headers                         credentials  server saw   JS sees
https://app.example   GET     -                               include      GET          200 cors
https://app.example   GET     Content-Type: application/json  include      OPTIONS GET  200 cors
https://app.example   PUT     -                               include      OPTIONS PUT  200 cors
https://app.example   PUT     Content-Type: application/json  include      OPTIONS PUT  200 cors
https://evil.example  GET     -                               include      GET          TypeError [missing_allow_origin]
https://evil.example  GET     Content-Type: application/json  include      OPTIONS      TypeError [preflight_missing_allow_origin]
https://evil.example  PUT     -                               include      OPTIONS      TypeError [preflight_missing_allow_origin]
https://evil.example  PUT     Content-Type: application/json  include      OPTIONS      TypeError [preflight_missing_allow_origin]
"
    );
    // Every cell had its own cache: each preflighted cell sent its preflight.
    assert_eq!(
        table
            .cells_for("https://app.example", "PUT")
            .filter(|c| c.outcome.preflight_count() == 1)
            .count(),
        2
    );
    // The browser's own cache was left alone.
    assert!(browser.client().cache().is_empty());
}
