//! The browser harness against tower-http's `CorsLayer` in front of a real
//! axum application: what a browser really does with each configuration.
//!
//! Each test states the rule behind its expected outcome: a step of the
//! Fetch standard (`fetch: #anchor`), or a measured browser behaviour
//! (`measured: ...`, section 11 of the browser-differences reference).
#![cfg(feature = "tower")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use cors_sim::harness::{Browser, Matrix, TowerServer};
use cors_sim::{CredentialsMode, InputError, Profile, Reason, WarningCode};
use tower_http::cors::{Any, Cors, CorsLayer};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";
const SESSION: &str = "session=alice-session";

/// The API's state: its items, and how many times each handler ran.
#[derive(Clone, Default)]
struct Store {
    items: Arc<Mutex<Vec<String>>>,
    me_calls: Arc<AtomicUsize>,
}

impl Store {
    fn with_items(items: &[&str]) -> Store {
        let s = Store::default();
        s.items
            .lock()
            .unwrap()
            .extend(items.iter().map(|s| s.to_string()));
        s
    }
    fn items(&self) -> Vec<String> {
        self.items.lock().unwrap().clone()
    }
}

async fn list(State(s): State<Store>) -> impl IntoResponse {
    let items = s.items();
    (
        [("x-total-count", items.len().to_string())],
        axum::Json(items),
    )
}

async fn create(State(s): State<Store>, body: String) -> StatusCode {
    s.items.lock().unwrap().push(body);
    StatusCode::CREATED
}

async fn show(State(s): State<Store>, Path(id): Path<usize>) -> axum::response::Response {
    let items = s.items();
    match items.get(id) {
        Some(item) => ([("x-total-count", items.len().to_string())], item.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn update(State(s): State<Store>, Path(id): Path<usize>, body: String) -> StatusCode {
    match s.items.lock().unwrap().get_mut(id) {
        Some(item) => {
            *item = body;
            StatusCode::OK
        }
        None => StatusCode::NOT_FOUND,
    }
}

async fn remove(State(s): State<Store>, Path(id): Path<usize>) -> StatusCode {
    let mut items = s.items.lock().unwrap();
    if id < items.len() {
        items.remove(id);
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

/// The signed-in user, for the session cookie only.
async fn me(State(s): State<Store>, headers: HeaderMap) -> axum::response::Response {
    s.me_calls.fetch_add(1, Ordering::SeqCst);
    let signed_in = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p == SESSION));
    if signed_in {
        axum::Json(serde_json::json!({"user": "alice", "email": "alice@example.com"}))
            .into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

fn api(store: Store) -> Router {
    Router::new()
        .route("/api/items", get(list).post(create))
        .route("/api/items/{id}", get(show).put(update).delete(remove))
        .route("/api/me", get(me))
        .with_state(store)
}

/// A browser of `profile`, signed in to api.example, in front of `app`.
fn browser(profile: Profile, app: Router) -> Browser<TowerServer<Router>> {
    Browser::new(profile)
        .cookie("https://api.example", SESSION)
        .serve_service(app)
}

fn put_json(url: &str, body: &'static str) -> http::Request<&'static str> {
    http::Request::put(url)
        .header("Content-Type", "application/json")
        .body(body)
        .unwrap()
}

fn hv(s: &'static str) -> HeaderValue {
    HeaderValue::from_static(s)
}

/// The exact-origin policy an API for https://app.example would use.
fn app_only() -> CorsLayer {
    CorsLayer::new()
        .allow_origin([hv(APP), hv("https://admin.example")])
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .allow_credentials(true)
        .expose_headers([HeaderName::from_static("x-total-count")])
}

// ---------------------------------------------------------------- permissive()

#[test]
fn permissive_lets_any_origin_read_and_write_without_credentials() {
    // CorsLayer::permissive() answers ACAO *, ACAM *, ACAH *, ACEH *.
    // fetch: #cors-preflight-fetch-0: without credentials, * in ACAM and ACAH
    // allows any method and header; #concept-cors-check step 3: ACAO * passes
    // when the credentials mode is not include; #cors-safelisted-response-header-name:
    // ACEH * exposes every header when the credentials mode is not include.
    let store = Store::with_items(&["a", "b"]);
    let mut b = browser(
        Profile::chromium(),
        api(store.clone()).layer(CorsLayer::permissive()),
    );
    let mut page = b.visit(EVIL).unwrap();
    let out = page
        .fetch(put_json("https://api.example/api/items/0", "changed"))
        .send_blocking()
        .unwrap();
    out.assert_preflight().assert_exposed().assert_status(200);
    assert_eq!(store.items(), ["changed", "b"]);

    let out = page
        .fetch(
            http::Request::get("https://api.example/api/items")
                .header("X-Request-Id", "r1")
                .body(())
                .unwrap(),
        )
        .send_blocking()
        .unwrap();
    out.assert_preflight()
        .assert_exposed()
        .assert_visible_header("x-total-count", "2");
    assert_eq!(out.json::<Vec<String>>().unwrap(), ["changed", "b"]);
}

#[test]
fn permissive_blocks_credentialed_reads_but_the_get_still_ran() {
    // fetch: #concept-cors-check step 3 applies only without credentials; with
    // credentials mode include, ACAO * fails (Chromium: "must not be the wildcard
    // '*' when the request's credentials mode is 'include'"). A simple GET is sent
    // before any check (#main-fetch), with cookies (#http-network-or-cache-fetch).
    let store = Store::default();
    let mut b = browser(
        Profile::chromium(),
        api(store.clone()).layer(CorsLayer::permissive()),
    );
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::WildcardOriginWithCredentials)
        .assert_no_preflight()
        .assert_reached_server();
    assert!(out.server_received()[0].credentials);
    assert_eq!(store.me_calls.load(Ordering::SeqCst), 1);
    assert!(
        out.console_message().unwrap().contains(
            "must not be the wildcard '*' when the request's credentials mode is 'include'"
        )
    );
}

#[test]
fn permissive_preflight_fails_for_a_credentialed_put_which_never_runs() {
    // fetch: #cors-preflight-fetch-0: the preflight's CORS check uses the request's
    // credentials mode, so ACAO * fails it; #cors-preflight-fetch (3.3): the actual
    // request is never sent when the preflight fails.
    let store = Store::with_items(&["a"]);
    let mut b = browser(
        Profile::firefox(),
        api(store.clone()).layer(CorsLayer::permissive()),
    );
    let out = b
        .visit(APP)
        .unwrap()
        .fetch(put_json("https://api.example/api/items/0", "changed"))
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::PreflightWildcardOriginWithCredentials)
        .assert_not_reached_server();
    assert!(!out.preflight_sent().unwrap().credentials);
    assert_eq!(store.items(), ["a"]);
}

#[test]
fn permissive_wildcard_allow_headers_and_authorization_per_browser() {
    // fetch: #cors-preflight-fetch-0 step 5, #cors-non-wildcard-request-header-name:
    // ACAH * never covers Authorization, so the Spec profile fails the preflight.
    // measured (M11, Chromium 156, Firefox 153; WebKitGTK 2.50 sides with them):
    // shipped browsers let ACAH * cover Authorization without credentials.
    let request = || {
        http::Request::get("https://api.example/api/items")
            .header("Authorization", "Bearer t0k3n")
            .body(())
            .unwrap()
    };
    for (profile, allowed) in [
        (Profile::spec(), false),
        (Profile::chromium(), true),
        (Profile::firefox(), true),
        (Profile::webkit(), true),
    ] {
        let engine = profile.engine;
        let mut b = browser(
            profile,
            api(Store::default()).layer(CorsLayer::permissive()),
        );
        let out = b
            .visit(APP)
            .unwrap()
            .fetch(request())
            .send_blocking()
            .unwrap();
        out.assert_preflight();
        if allowed {
            out.assert_exposed()
                .assert_warning(WarningCode::AuthorizationCoveredByWildcard);
        } else {
            out.assert_blocked(Reason::HeaderNotAllowed)
                .assert_not_reached_server();
            assert_eq!(
                out.error().unwrap().detail.as_deref(),
                Some("authorization")
            );
        }
        assert_eq!(out.is_exposed(), allowed, "{engine}");
    }
}

// ---------------------------------------------------------- very_permissive()

#[test]
fn very_permissive_lets_a_hostile_origin_read_the_signed_in_user() {
    // CorsLayer::very_permissive() reflects the request's Origin and answers
    // Access-Control-Allow-Credentials: true. fetch: #concept-cors-check steps 4-6:
    // ACAO byte-equal to the origin and ACAC exactly "true" pass, so a page on
    // evil.example reads the response to a request that carried the user's cookies.
    let store = Store::default();
    let mut b = browser(
        Profile::chromium(),
        api(store.clone()).layer(CorsLayer::very_permissive()),
    );
    let out = b
        .visit(EVIL)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_exposed().assert_status(200);
    let me: serde_json::Value = out.json().unwrap();
    assert_eq!(me["email"], "alice@example.com");
    assert_eq!(
        out.exchanges()[0]
            .response
            .headers
            .get_str("access-control-allow-origin")
            .as_deref(),
        Some(EVIL)
    );
    // tower-http always sends Vary: origin, ..., so no shared-cache warning.
    assert!(!out.has_warning(WarningCode::MissingVaryOrigin));
}

#[test]
fn very_permissive_lets_a_hostile_origin_delete_with_the_users_cookies() {
    // fetch: #cors-preflight-fetch-0: the preflight mirrors ACRM (DELETE) into ACAM
    // and the origin into ACAO with ACAC true, so every check passes and the DELETE
    // is sent with cookies (#http-network-or-cache-fetch, credentials mode include).
    let store = Store::with_items(&["keep", "precious"]);
    let mut b = browser(
        Profile::webkit(),
        api(store.clone()).layer(CorsLayer::very_permissive()),
    );
    let out = b
        .visit(EVIL)
        .unwrap()
        .fetch(
            http::Request::delete("https://api.example/api/items/1")
                .body(())
                .unwrap(),
        )
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_preflight().assert_exposed().assert_status(204);
    assert_eq!(store.items(), ["keep"]);
    // No Access-Control-Expose-Headers: a list response's X-Total-Count stays hidden
    // (#cors-safelisted-response-header-name), though the body is readable.
    let out = b
        .visit(EVIL)
        .unwrap()
        .get("https://api.example/api/items")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_exposed().assert_header_hidden("x-total-count");
    assert_eq!(out.json::<Vec<String>>().unwrap(), ["keep"]);
}

// ------------------------------------------------- an exact list of origins

#[test]
fn exact_origins_let_the_app_read_with_credentials_and_exposed_headers() {
    // fetch: #concept-cors-check: ACAO equals the origin, ACAC true; the preflight
    // for PUT + Content-Type: application/json lists PUT and content-type
    // (#cors-preflight-fetch-0 steps 4-6); #cors-safelisted-response-header-name:
    // Content-Type is safelisted, X-Total-Count is exposed by ACEH.
    let store = Store::with_items(&["a", "b", "c"]);
    let mut b = browser(Profile::chromium(), api(store.clone()).layer(app_only()));
    let mut page = b.visit(APP).unwrap();
    let out = page
        .get("https://api.example/api/items")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_exposed()
        .assert_no_preflight()
        .assert_visible_header("x-total-count", "3")
        .assert_visible_header("content-type", "application/json");
    let out = page
        .fetch(put_json("https://api.example/api/items/1", "B"))
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_preflight().assert_exposed().assert_status(200);
    assert_eq!(store.items(), ["a", "B", "c"]);
    let out = page
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_exposed();
    assert_eq!(out.json::<serde_json::Value>().unwrap()["user"], "alice");
}

#[test]
fn exact_origins_hide_the_response_from_another_origin_but_the_server_answered() {
    // tower-http sends no ACAO to an origin not in the list. fetch: #concept-cors-check
    // step 2: no ACAO is a failure; the GET was still sent with cookies and the
    // handler ran (CORS blocks reading, not sending).
    let store = Store::default();
    let mut b = browser(Profile::firefox(), api(store.clone()).layer(app_only()));
    let out = b
        .visit(EVIL)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::MissingAllowOrigin)
        .assert_reached_server()
        .assert_warning(WarningCode::SideEffectsDespiteBlock);
    assert_eq!(store.me_calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        out.server_body(0),
        Some(&br#"{"email":"alice@example.com","user":"alice"}"#[..])
    );
    assert!(out.body().is_none());
}

#[test]
fn exact_origins_do_not_stop_a_simple_cross_site_post() {
    // fetch: #cors-safelisted-method, #cors-safelisted-request-header: POST with
    // Content-Type text/plain needs no preflight, so the item is created before the
    // browser checks the response (#main-fetch). CORS is not CSRF protection.
    let store = Store::default();
    let mut b = browser(Profile::spec(), api(store.clone()).layer(app_only()));
    let out = b
        .visit(EVIL)
        .unwrap()
        .fetch(
            http::Request::post("https://api.example/api/items")
                .header("Content-Type", "text/plain")
                .body("planted by evil")
                .unwrap(),
        )
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::MissingAllowOrigin)
        .assert_no_preflight();
    assert_eq!(store.items(), ["planted by evil"]);
}

#[test]
fn exact_origins_stop_a_preflighted_put_from_another_origin_before_it_runs() {
    // fetch: #cors-preflight-fetch-0: the preflight response has no ACAO for
    // evil.example, a network error; the PUT is never sent.
    let store = Store::with_items(&["a"]);
    let mut b = browser(Profile::spec(), api(store.clone()).layer(app_only()));
    let out = b
        .visit(EVIL)
        .unwrap()
        .fetch(put_json("https://api.example/api/items/0", "pwned"))
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::PreflightMissingAllowOrigin)
        .assert_not_reached_server();
    assert_eq!(store.items(), ["a"]);
}

#[test]
fn exact_origins_refuse_an_unlisted_method_and_header() {
    // fetch: #cors-preflight-fetch-0 step 4: DELETE is not safelisted and not in
    // ACAM (GET,POST,PUT); step 6: x-request-id is not in ACAH (content-type).
    let store = Store::with_items(&["a"]);
    let mut b = browser(Profile::chromium(), api(store.clone()).layer(app_only()));
    let mut page = b.visit(APP).unwrap();
    let out = page
        .fetch(
            http::Request::delete("https://api.example/api/items/0")
                .body(())
                .unwrap(),
        )
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::MethodNotAllowed)
        .assert_not_reached_server();
    assert!(out.console_message().unwrap().contains(
        "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
    ));
    let out = page
        .fetch(
            http::Request::get("https://api.example/api/items")
                .header("X-Request-Id", "r1")
                .body(())
                .unwrap(),
        )
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::HeaderNotAllowed);
    assert!(
        out.console_message()
            .unwrap()
            .contains("Request header field x-request-id is not allowed by Access-Control-Allow-Headers in preflight response.")
    );
    assert_eq!(store.items(), ["a"]);
}

// ------------------------------------------------------------ allow_credentials

#[test]
fn without_allow_credentials_a_credentialed_fetch_fails_and_an_anonymous_one_passes() {
    // fetch: #concept-cors-check steps 5-7: with credentials mode include, ACAC must
    // be exactly "true"; without include, ACAC is not looked at. The preflight is
    // checked the same way (#cors-preflight-fetch-0).
    let policy = || {
        CorsLayer::new()
            .allow_origin(hv(APP))
            .allow_methods([Method::GET, Method::PUT])
            .allow_headers([header::CONTENT_TYPE])
    };
    let store = Store::with_items(&["a"]);
    let mut b = browser(Profile::chromium(), api(store.clone()).layer(policy()));
    let mut page = b.visit(APP).unwrap();
    page.get("https://api.example/api/items")
        .include_credentials()
        .send_blocking()
        .unwrap()
        .assert_blocked(Reason::AllowCredentialsNotTrue)
        .assert_reached_server();
    page.fetch(put_json("https://api.example/api/items/0", "x"))
        .include_credentials()
        .send_blocking()
        .unwrap()
        .assert_blocked(Reason::PreflightAllowCredentialsNotTrue)
        .assert_not_reached_server();
    page.get("https://api.example/api/items")
        .credentials(CredentialsMode::Omit)
        .send_blocking()
        .unwrap()
        .assert_exposed();
    // credentials: "omit" sends no cookie: /api/me answers 401, which JS may read
    // (#http-fetch: the CORS check does not look at the status).
    page.get("https://api.example/api/me")
        .credentials(CredentialsMode::Omit)
        .send_blocking()
        .unwrap()
        .assert_exposed()
        .assert_status(401);
}

// ---------------------------------------------------------------- max_age

#[test]
fn max_age_is_capped_by_each_browser() {
    // CorsLayer::max_age(24 h) answers Access-Control-Max-Age: 86400.
    // fetch: #cors-preflight-fetch-0 step 7: the user agent may impose a limit.
    // Sourced caps (reference rules §3.2 and browser differences row 2): Chromium
    // 7200 s, Firefox 86400 s, WebKit 600 s; the Spec profile imposes none.
    for (profile, cap, capped) in [
        (Profile::spec(), 86_400, false),
        (Profile::chromium(), 7_200, true),
        (Profile::firefox(), 86_400, false),
        (Profile::webkit(), 600, true),
    ] {
        let engine = profile.engine;
        let layer = CorsLayer::new()
            .allow_origin(hv(APP))
            .allow_methods([Method::PUT])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(Duration::from_secs(86_400));
        let mut b = browser(profile, api(Store::with_items(&["a"])).layer(layer));
        let put = || put_json("https://api.example/api/items/0", "x");
        let first = b.visit(APP).unwrap().fetch(put()).send_blocking().unwrap();
        first.assert_preflight().assert_exposed();
        assert_eq!(
            first.has_warning(WarningCode::MaxAgeCapped),
            capped,
            "{engine}"
        );
        b.advance_secs(cap - 1);
        let out = b.visit(APP).unwrap().fetch(put()).send_blocking().unwrap();
        assert_eq!(
            out.preflight_count(),
            0,
            "{engine}: still cached at {}s",
            cap - 1
        );
        b.advance_secs(2);
        let out = b.visit(APP).unwrap().fetch(put()).send_blocking().unwrap();
        assert_eq!(
            out.preflight_count(),
            1,
            "{engine}: expired at {}s",
            cap + 1
        );
    }
}

#[test]
fn without_max_age_every_browser_caches_five_seconds() {
    // fetch: #cors-preflight-fetch-0 step 7: no Access-Control-Max-Age means 5 s;
    // measured (all three engines): the default max-age is 5 s.
    for profile in Profile::all() {
        let engine = profile.engine;
        let layer = CorsLayer::new()
            .allow_origin(hv(APP))
            .allow_methods([Method::PUT])
            .allow_headers([header::CONTENT_TYPE]);
        let mut b = browser(profile, api(Store::with_items(&["a"])).layer(layer));
        let put = || put_json("https://api.example/api/items/0", "x");
        let _ = b.visit(APP).unwrap().fetch(put()).send_blocking().unwrap();
        b.advance_secs(4);
        let out = b.visit(APP).unwrap().fetch(put()).send_blocking().unwrap();
        assert_eq!(out.preflight_count(), 0, "{engine} at 4 s");
        b.advance_secs(2);
        let out = b.visit(APP).unwrap().fetch(put()).send_blocking().unwrap();
        assert_eq!(out.preflight_count(), 1, "{engine} at 6 s");
    }
}

// ---------------------------------------------------------- expose_headers

#[test]
fn without_expose_headers_javascript_reads_only_safelisted_headers() {
    // fetch: #cors-safelisted-response-header-name, #concept-filtered-response-cors:
    // Content-Type is safelisted; X-Total-Count needs Access-Control-Expose-Headers.
    let layer = CorsLayer::new().allow_origin(hv(APP));
    let mut b = browser(
        Profile::chromium(),
        api(Store::with_items(&["a"])).layer(layer),
    );
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/items")
        .send_blocking()
        .unwrap();
    out.assert_exposed()
        .assert_visible_header("content-type", "application/json")
        .assert_header_hidden("x-total-count")
        .assert_warning(WarningCode::HeaderHidden);
    assert!(out.body().is_some());
}

// ---------------------------------------------------- allow_private_network

#[test]
fn allow_private_network_changes_nothing_a_current_browser_sees() {
    // tower-http answers Access-Control-Allow-Private-Network: true only to a
    // preflight carrying Access-Control-Request-Private-Network: true. Private
    // Network Access is not part of Fetch, and no modelled browser sends that
    // header: PNA preflights were never enforced and are superseded by Local Network
    // Access, a permission prompt with no CORS header (reference rules §8b,
    // browser differences §8). The fetch is decided by the ordinary CORS checks.
    let layer = CorsLayer::new()
        .allow_origin(hv(APP))
        .allow_methods([Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .allow_private_network(true);
    for profile in Profile::all() {
        let mut b = browser(profile, api(Store::with_items(&["a"])).layer(layer.clone()));
        let out = b
            .visit(APP)
            .unwrap()
            .fetch(put_json("https://api.example/api/items/0", "x"))
            .send_blocking()
            .unwrap();
        out.assert_exposed();
        let preflight = out.preflight_sent().unwrap();
        assert!(
            !preflight
                .headers
                .contains("access-control-request-private-network")
        );
        assert!(
            !out.exchanges()[0]
                .response
                .headers
                .contains("access-control-allow-private-network")
        );
    }
}

// ---------------------------------------------------------------- a matrix

#[test]
fn the_exact_origin_policy_as_a_table() {
    // Row by row (Chromium):
    // - app.example, any cell: ACAO names it and ACAC is true (#concept-cors-check);
    //   GET without headers is simple (no preflight); Content-Type: application/json
    //   is not safelisted and PUT is not a safelisted method, so those preflight
    //   (#cors-preflight-fetch-0) and pass (PUT and content-type are allowed);
    //   X-Total-Count is exposed by ACEH.
    // - evil.example and a null origin (sandboxed iframe): no ACAO. A simple GET
    //   reaches the server and is blocked (missing_allow_origin); anything needing a
    //   preflight stops at it (preflight_missing_allow_origin).
    let mut b = browser(
        Profile::chromium(),
        api(Store::with_items(&["a"])).layer(app_only()),
    );
    let table = b
        .run_matrix_blocking(
            &Matrix::new("https://api.example/api/items/0")
                .origins([APP, EVIL, "null"])
                .methods(["GET", "PUT"])
                .header_sets([vec![], vec![("Content-Type", "application/json")]])
                .credentials([CredentialsMode::Omit, CredentialsMode::Include])
                .read_headers(["X-Total-Count"]),
        )
        .unwrap();
    insta::assert_snapshot!(table.to_string(), @r"
    GET|PUT https://api.example/api/items/0 (chromium)
    origin                method  headers                         credentials  server saw   JS sees
    https://app.example   GET     -                               omit         GET          200 cors, x-total-count: 1
    https://app.example   GET     -                               include      GET          200 cors, x-total-count: 1
    https://app.example   GET     Content-Type: application/json  omit         OPTIONS GET  200 cors, x-total-count: 1
    https://app.example   GET     Content-Type: application/json  include      OPTIONS GET  200 cors, x-total-count: 1
    https://app.example   PUT     -                               omit         OPTIONS PUT  200 cors, x-total-count absent
    https://app.example   PUT     -                               include      OPTIONS PUT  200 cors, x-total-count absent
    https://app.example   PUT     Content-Type: application/json  omit         OPTIONS PUT  200 cors, x-total-count absent
    https://app.example   PUT     Content-Type: application/json  include      OPTIONS PUT  200 cors, x-total-count absent
    https://evil.example  GET     -                               omit         GET          TypeError [missing_allow_origin]
    https://evil.example  GET     -                               include      GET          TypeError [missing_allow_origin]
    https://evil.example  GET     Content-Type: application/json  omit         OPTIONS      TypeError [preflight_missing_allow_origin]
    https://evil.example  GET     Content-Type: application/json  include      OPTIONS      TypeError [preflight_missing_allow_origin]
    https://evil.example  PUT     -                               omit         OPTIONS      TypeError [preflight_missing_allow_origin]
    https://evil.example  PUT     -                               include      OPTIONS      TypeError [preflight_missing_allow_origin]
    https://evil.example  PUT     Content-Type: application/json  omit         OPTIONS      TypeError [preflight_missing_allow_origin]
    https://evil.example  PUT     Content-Type: application/json  include      OPTIONS      TypeError [preflight_missing_allow_origin]
    null                  GET     -                               omit         GET          TypeError [missing_allow_origin]
    null                  GET     -                               include      GET          TypeError [missing_allow_origin]
    null                  GET     Content-Type: application/json  omit         OPTIONS      TypeError [preflight_missing_allow_origin]
    null                  GET     Content-Type: application/json  include      OPTIONS      TypeError [preflight_missing_allow_origin]
    null                  PUT     -                               omit         OPTIONS      TypeError [preflight_missing_allow_origin]
    null                  PUT     -                               include      OPTIONS      TypeError [preflight_missing_allow_origin]
    null                  PUT     Content-Type: application/json  omit         OPTIONS      TypeError [preflight_missing_allow_origin]
    null                  PUT     Content-Type: application/json  include      OPTIONS      TypeError [preflight_missing_allow_origin]
    ");
}

// ------------------------------------------------------------- bad input

#[test]
fn an_invalid_cors_configuration_panics_in_the_service_and_is_reported() {
    // tower-http asserts in poll_ready that credentials are not combined with a
    // wildcard origin; the harness reports the panic instead of unwinding.
    let svc = Cors::new(api(Store::default()))
        .allow_credentials(true)
        .allow_origin(Any);
    let mut b = Browser::chromium().serve(TowerServer::new(svc));
    let err = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/items")
        .send_blocking()
        .unwrap_err();
    match err {
        InputError::ServerPanicked { request, message } => {
            assert_eq!(request, "GET https://api.example/api/items");
            assert!(message.contains("Invalid CORS configuration"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_panicking_handler_is_reported_and_the_router_still_serves() {
    async fn boom() -> &'static str {
        panic!("handler bug")
    }
    let app = api(Store::with_items(&["a"]))
        .route("/api/boom", get(boom))
        .layer(CorsLayer::permissive());
    let mut b = browser(Profile::spec(), app);
    let mut page = b.visit(APP).unwrap();
    let err = page.get("https://api.example/api/boom").await.unwrap_err();
    assert_eq!(
        err,
        InputError::ServerPanicked {
            request: "GET https://api.example/api/boom".into(),
            message: "handler bug".into()
        }
    );
    page.get("https://api.example/api/items")
        .await
        .unwrap()
        .assert_exposed();
}

/// A response body that fails on its first frame.
struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = bytes::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other("disk on fire"))))
    }
}

#[test]
fn a_failing_body_and_a_failing_service_are_typed_errors() {
    type Req = http::Request<http_body_util::Full<bytes::Bytes>>;
    let svc = tower::service_fn(|_req: Req| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(FailingBody))
    });
    let mut b = Browser::firefox().serve(TowerServer::new(svc));
    let err = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/stream")
        .send_blocking()
        .unwrap_err();
    assert_eq!(
        err,
        InputError::ResponseBody {
            request: "GET https://api.example/stream".into(),
            message: "disk on fire".into()
        }
    );

    let svc = tower::service_fn(|_req: Req| async {
        Err::<http::Response<http_body_util::Full<bytes::Bytes>>, _>(std::io::Error::other(
            "connection refused",
        ))
    });
    let mut b = Browser::firefox().serve(TowerServer::new(svc));
    let err = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/x")
        .send_blocking()
        .unwrap_err();
    assert_eq!(
        err,
        InputError::ServerError {
            request: "GET https://api.example/x".into(),
            message: "connection refused".into()
        }
    );
}

#[test]
fn a_body_over_the_limit_is_a_typed_error() {
    // An endless or huge body must not hang or exhaust the harness.
    let app = api(Store::with_items(&["0123456789", "0123456789"]));
    let mut b = Browser::spec().serve(TowerServer::new(app).body_limit(10));
    let err = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/items")
        .send_blocking()
        .unwrap_err();
    assert!(
        matches!(&err, InputError::ResponseBody { message, .. } if message.contains("length limit")),
        "{err:?}"
    );
}

#[test]
fn axum_body_requests_work_too() {
    // The service may take another request body type (here axum's own Body).
    let app = api(Store::default()).layer(app_only());
    let mut b = Browser::chromium().serve(TowerServer::<_, axum::body::Body>::with_body(app));
    let out = b
        .visit(APP)
        .unwrap()
        .fetch(
            http::Request::post("https://api.example/api/items")
                .header("Content-Type", "text/plain")
                .body("hello")
                .unwrap(),
        )
        .send_blocking()
        .unwrap();
    out.assert_exposed().assert_status(201);
}

#[test]
fn a_single_static_origin_needs_no_vary() {
    // CorsLayer::allow_origin(one value) answers the same ACAO to every request and,
    // rightly, no Vary: Origin (tower-http 0.7 computes Vary from the policy).
    // fetch: #cors-protocol-and-http-caches: "if Access-Control-Allow-Origin is set to
    // * or a static origin for a particular resource, then configure the server to
    // always send Access-Control-Allow-Origin ... and do not use Vary". A shared cache
    // serving this answer to another origin changes nothing, so there is nothing to
    // warn about.
    let layer = CorsLayer::new().allow_origin(hv(APP));
    let mut b = browser(
        Profile::chromium(),
        api(Store::with_items(&["a"])).layer(layer),
    );
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/items")
        .send_blocking()
        .unwrap();
    out.assert_exposed();
    assert!(!out.exchanges()[0].response.headers.contains("vary"));
    assert!(!out.has_warning(WarningCode::MissingVaryOrigin));
}
