//! The classic server mistakes, as real axum / tower-http / hyper-style
//! services make them, and what a browser does with each.
//!
//! Each test states the rule behind its expected outcome: a step of the
//! Fetch standard (`fetch: #anchor`) or a measured/sourced browser
//! behaviour (browser-differences reference).
#![cfg(feature = "tower")]

use std::convert::Infallible;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use cors_sim::harness::{Browser, TowerServer};
use cors_sim::{Engine, Profile, Reason, WarningCode};
use http_body_util::Full;
use tower_http::cors::{AllowOrigin, CorsLayer};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";
const SESSION: &str = "session=alice-session";

fn signed_in(req: &Request) -> bool {
    req.headers()
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p == SESSION))
}

/// An authentication middleware: 401 without the session cookie.
async fn require_session(req: Request, next: Next) -> Response {
    if signed_in(&req) {
        next.run(req).await
    } else {
        (StatusCode::UNAUTHORIZED, "sign in first").into_response()
    }
}

/// An authentication middleware that sends the signed-out to a login page.
async fn redirect_to_login(req: Request, next: Next) -> Response {
    if signed_in(&req) {
        next.run(req).await
    } else {
        (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response()
    }
}

fn routes() -> Router {
    Router::new()
        .route("/api/me", get(|| async { "alice" }))
        .route(
            "/api/items/{id}",
            get(|| async { "item" }).put(|| async { "updated" }),
        )
}

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(HeaderValue::from_static(APP))
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .allow_credentials(true)
}

fn put_json() -> http::Request<&'static str> {
    http::Request::put("https://api.example/api/items/1")
        .header("Content-Type", "application/json")
        .body("{}")
        .unwrap()
}

#[test]
fn a_401_from_an_auth_layer_outside_cors_is_unreadable() {
    // The auth layer wraps the CORS layer, so its 401 carries no CORS header.
    // fetch: #http-fetch runs the CORS check on every response whatever its status,
    // and #concept-cors-check step 2 fails without ACAO: JS cannot tell "signed out"
    // from a network failure.
    let broken = routes().layer(cors()).layer(from_fn(require_session));
    let mut b = Browser::chromium().serve_service(broken);
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::MissingAllowOrigin);
    assert_eq!(out.exchanges()[0].response.status, 401);
    assert_eq!(out.status(), None);

    // With CORS outermost the same 401 is a readable cors response
    // (#concept-filtered-response-cors keeps the status).
    let fixed = routes().layer(from_fn(require_session)).layer(cors());
    let mut b = Browser::chromium().serve_service(fixed);
    b.visit(APP)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap()
        .assert_exposed()
        .assert_status(401)
        .assert_body("sign in first");
}

#[test]
fn an_auth_layer_outside_cors_fails_every_preflight_even_when_signed_in() {
    // fetch: #cors-preflight-fetch-0: a preflight never carries cookies, so the
    // auth layer answers it 401 with no CORS header, and the PUT is never sent even
    // for a signed-in user. The standard checks ACAO before the status, and so does
    // Firefox 153 (measured by the fidelity harness: a 401/404 preflight without ACAO
    // logs "CORS header 'Access-Control-Allow-Origin' missing"); WebKit checks the
    // status first (browser differences §5).
    for profile in Profile::all() {
        let engine = profile.engine;
        let broken = routes().layer(cors()).layer(from_fn(require_session));
        let mut b = Browser::new(profile)
            .cookie("https://api.example", SESSION)
            .serve_service(broken);
        let out = b
            .visit(APP)
            .unwrap()
            .fetch(put_json())
            .include_credentials()
            .send_blocking()
            .unwrap();
        out.assert_preflight().assert_not_reached_server();
        assert!(!out.preflight_sent().unwrap().credentials);
        assert_eq!(out.exchanges()[0].response.status, 401);
        match engine {
            Engine::Spec | Engine::Firefox => {
                out.assert_blocked(Reason::PreflightMissingAllowOrigin);
            }
            Engine::WebKit => {
                out.assert_blocked(Reason::PreflightInvalidStatus);
            }
            Engine::Chromium => {
                out.assert_blocked_any();
            }
        }
    }
}

#[derive(Debug)]
struct AppError(&'static str);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({ "error": self.0 })),
        )
            .into_response()
    }
}

/// CORS headers added by hand, on the success path only.
async fn report_by_hand() -> Result<Response, AppError> {
    let broken_db = true;
    if broken_db {
        return Err(AppError("database unavailable"));
    }
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, APP)], "report").into_response())
}

#[test]
fn a_500_without_cors_headers_hides_the_error_from_the_page() {
    // The handler adds ACAO only when it succeeds. fetch: #concept-cors-check step 2
    // fails on the 500 (no ACAO), so the page cannot read the error body.
    let app = Router::new().route("/api/report", get(report_by_hand));
    let mut b = Browser::firefox().serve_service(app);
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/report")
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::MissingAllowOrigin);
    assert_eq!(out.exchanges()[0].response.status, 500);
    assert!(out.body().is_none());

    // tower-http's CorsLayer adds its headers to every response, errors included:
    // the 500 is readable (#concept-filtered-response-cors keeps status and body).
    let app = Router::new()
        .route("/api/report", get(report_by_hand))
        .layer(cors());
    let mut b = Browser::firefox().serve_service(app);
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/report")
        .send_blocking()
        .unwrap();
    out.assert_exposed().assert_status(500);
    assert_eq!(
        out.json::<serde_json::Value>().unwrap()["error"],
        "database unavailable"
    );
}

#[test]
fn a_preflight_answered_with_a_redirect_fails_in_every_browser() {
    // The login redirect sits outside CORS and the preflight has no cookie, so it is
    // answered 302. fetch: #cors-preflight-fetch-0: a redirect is not an ok status,
    // a network error; the console texts are each engine's (browser differences §7:
    // Chromium kPreflightDisallowedRedirect, Firefox external redirect not allowed,
    // WebKit "Preflight response is not successful").
    for (profile, console) in [
        (
            Profile::chromium(),
            "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
        ),
        (
            Profile::firefox(),
            "(Reason: CORS request external redirect not allowed)",
        ),
        (
            Profile::webkit(),
            "Preflight response is not successful. Status code: 302",
        ),
    ] {
        let app = routes().layer(cors()).layer(from_fn(redirect_to_login));
        let mut b = Browser::new(profile)
            .cookie("https://api.example", SESSION)
            .serve_service(app);
        let out = b
            .visit(APP)
            .unwrap()
            .fetch(put_json())
            .include_credentials()
            .send_blocking()
            .unwrap();
        out.assert_blocked(Reason::PreflightRedirect)
            .assert_not_reached_server();
        assert_eq!(out.exchanges().len(), 1);
        let message = out.console_message().unwrap();
        assert!(message.contains(console), "{message}");
    }
}

#[test]
fn a_login_redirect_outside_cors_blocks_even_a_simple_get() {
    // fetch: #http-fetch: a CORS request's redirect response must itself pass the CORS
    // check (#concept-cors-check) before it is followed; the 302 of an auth layer
    // outside CORS has no ACAO, so fetch() rejects and /login is never requested.
    let app = routes()
        .route("/login", get(|| async { "please sign in" }))
        .layer(cors())
        .layer(from_fn(redirect_to_login));
    let mut b = Browser::chromium().serve_service(app);
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::MissingAllowOrigin);
    assert_eq!(out.exchanges().len(), 1);
    assert_eq!(out.exchanges()[0].response.status, 302);

    // With CORS outermost the 302 passes the check and is followed (#http-redirect-fetch;
    // same-origin hop on api.example, so the origin is not tainted), and JS reads the
    // login page with response.redirected set. Exempting /login from auth is the app's.
    async fn login_is_public(req: Request, next: Next) -> Response {
        if req.uri().path() == "/login" {
            next.run(req).await
        } else {
            redirect_to_login(req, next).await
        }
    }
    let app = routes()
        .route("/login", get(|| async { "please sign in" }))
        .layer(from_fn(login_is_public))
        .layer(cors());
    let mut b = Browser::chromium().serve_service(app);
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()
        .unwrap();
    out.assert_exposed()
        .assert_status(200)
        .assert_body("please sign in");
    let response = out.response().unwrap();
    assert!(response.redirected);
    assert_eq!(
        response.url.as_ref().map(|u| u.as_str()),
        Some("https://api.example/login")
    );
    assert_eq!(out.server_received().len(), 2);
}

/// A hyper-style router: a function of (method, path), 404 for the rest; a
/// wrapper adds ACAO and Vary to every answer, but nobody routes OPTIONS.
async fn hyper_style(
    req: http::Request<Full<Bytes>>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let (status, body) = match (req.method().as_str(), req.uri().path()) {
        ("GET", "/api/items/1") => (200, "item"),
        ("PUT", "/api/items/1") => (200, "updated"),
        _ => (404, "not found"),
    };
    let mut r = http::Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("access-control-allow-origin", HeaderValue::from_static(APP));
    r.headers_mut()
        .insert("vary", HeaderValue::from_static("Origin"));
    Ok(r)
}

#[test]
fn a_preflight_answered_404_fails_though_it_carries_cors_headers() {
    // fetch: #cors-preflight-fetch-0: the preflight passes the CORS check (ACAO names
    // the origin) but 404 is not an ok status (200-299), a network error in every
    // browser (measured: ok status 200-299 for preflights, Chromium and Firefox
    // agree). The simple GET needs no preflight and works.
    for profile in Profile::all() {
        let mut b = Browser::new(profile).serve(TowerServer::new(tower::service_fn(hyper_style)));
        let mut page = b.visit(APP).unwrap();
        page.get("https://api.example/api/items/1")
            .send_blocking()
            .unwrap()
            .assert_exposed()
            .assert_body("item");
        let out = page.fetch(put_json()).send_blocking().unwrap();
        out.assert_blocked(Reason::PreflightInvalidStatus)
            .assert_not_reached_server();
        assert_eq!(out.error().unwrap().status, Some(404));
    }
}

#[test]
fn a_reflected_origin_without_vary_origin_is_flagged() {
    // Access-Control-Allow-Origin copied from the request's Origin depends on it, so
    // fetch: #cors-protocol-and-http-caches asks for Vary: Origin; without it a shared
    // cache may serve one origin's answer to another. The browser itself exposes the
    // response (#concept-cors-check passes); the harness reports the mistake.
    let no_vary = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .vary([]);
    let mut b = Browser::chromium().serve_service(routes().layer(no_vary));
    // A first answer to another origin is what shows the value is reflected.
    b.visit("https://other.example")
        .unwrap()
        .get("https://api.example/api/items/1")
        .send_blocking()
        .unwrap()
        .assert_exposed();
    b.visit(APP)
        .unwrap()
        .get("https://api.example/api/items/1")
        .send_blocking()
        .unwrap()
        .assert_exposed()
        .assert_warning(WarningCode::MissingVaryOrigin);

    // tower-http's default Vary (origin, access-control-request-*) is right.
    let default_vary = CorsLayer::new().allow_origin(AllowOrigin::mirror_request());
    let mut b = Browser::chromium().serve_service(routes().layer(default_vary));
    b.visit("https://other.example")
        .unwrap()
        .get("https://api.example/api/items/1")
        .send_blocking()
        .unwrap()
        .assert_exposed();
    let out = b
        .visit(APP)
        .unwrap()
        .get("https://api.example/api/items/1")
        .send_blocking()
        .unwrap();
    out.assert_exposed();
    assert!(!out.has_warning(WarningCode::MissingVaryOrigin));
}

#[test]
fn trusting_the_null_origin_lets_any_sandboxed_page_read_with_credentials() {
    // The allow list holds "null". A page in a sandboxed iframe (or a data: document)
    // on any site has an opaque origin, serialized "null" (fetch:
    // #serializing-a-request-origin), so #concept-cors-check step 4 passes for it
    // (measured, all engines: ACAO null matches an opaque origin).
    let layer = CorsLayer::new()
        .allow_origin([
            HeaderValue::from_static(APP),
            HeaderValue::from_static("null"),
        ])
        .allow_credentials(true);
    for profile in Profile::all() {
        let mut b = Browser::new(profile)
            .cookie("https://api.example", SESSION)
            .serve_service(
                Router::new()
                    .route(
                        "/api/me",
                        get(|req: Request| async move {
                            if signed_in(&req) {
                                "alice@example.com"
                            } else {
                                "nobody"
                            }
                        }),
                    )
                    .layer(layer.clone()),
            );
        let out = b
            .visit("null")
            .unwrap()
            .get("https://api.example/api/me")
            .include_credentials()
            .send_blocking()
            .unwrap();
        out.assert_exposed()
            .assert_body("alice@example.com")
            .assert_warning(WarningCode::AllowOriginNullTrusted);
        assert_eq!(out.server_received()[0].origin().as_deref(), Some("null"));
    }
}

#[test]
fn answering_null_to_a_real_origin_is_a_mismatch() {
    // A server that answers ACAO: null to refuse. fetch: #concept-cors-check step 4:
    // "null" is not byte-equal to "https://evil.example", a failure (Chromium:
    // kAllowOriginMismatch, browser differences §5) - but see the previous test.
    let app = routes().layer(axum::middleware::map_response(
        |mut r: Response| async move {
            r.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("null"),
            );
            r
        },
    ));
    let mut b = Browser::chromium().serve_service(app);
    let out = b
        .visit(EVIL)
        .unwrap()
        .get("https://api.example/api/items/1")
        .send_blocking()
        .unwrap();
    out.assert_blocked(Reason::AllowOriginMismatch);
    assert!(out.console_message().unwrap().contains(
        "The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin."
    ));
}

/// Hand-written CORS: reflect the origin, allow credentials, expose "*".
async fn reflect_and_expose_all(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut r = next.run(req).await;
    r.headers_mut()
        .insert("x-total-count", HeaderValue::from_static("7"));
    if let Some(o) = origin {
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("*"),
        );
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    r
}

#[test]
fn expose_headers_star_exposes_nothing_to_a_credentialed_fetch() {
    // fetch: #cors-safelisted-response-header-name, #concept-filtered-response-cors:
    // with credentials mode include, "*" in Access-Control-Expose-Headers is a header
    // literally named "*"; without include it exposes every header (measured: both
    // browsers agree on which response headers JS can read, * with credentials included).
    let app = routes().layer(from_fn(reflect_and_expose_all));
    let mut b = Browser::firefox().serve_service(app);
    let mut page = b.visit(APP).unwrap();
    page.get("https://api.example/api/items/1")
        .include_credentials()
        .send_blocking()
        .unwrap()
        .assert_exposed()
        .assert_header_hidden("x-total-count")
        .assert_warning(WarningCode::WildcardLiteralWithCredentials);
    page.get("https://api.example/api/items/1")
        .send_blocking()
        .unwrap()
        .assert_exposed()
        .assert_visible_header("x-total-count", "7");
}
