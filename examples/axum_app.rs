//! A small axum API with a CORS policy, and tests that check that policy
//! the way a browser applies it, with cors-sim's in-process browser
//! harness: no browser, no network, no port.
//!
//! ```sh
//! cargo run  --example axum_app --features tower   # what each page can do, and a table
//! cargo test --example axum_app --features tower   # the same, as tests
//! ```

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, http};
use cors_sim::CredentialsMode;
use cors_sim::harness::{Browser, Matrix};
use serde::{Deserialize, Serialize};
use tower_http::cors::CorsLayer;

/// The front end allowed to call the API with the user's cookies.
const FRONT_END: &str = "https://app.example";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Item {
    name: String,
}

#[derive(Clone, Default)]
struct Db {
    items: Arc<Mutex<Vec<Item>>>,
}

impl Db {
    fn items(&self) -> std::sync::MutexGuard<'_, Vec<Item>> {
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn list(State(db): State<Db>) -> impl IntoResponse {
    let items = db.items().clone();
    ([("x-total-count", items.len().to_string())], Json(items))
}

async fn create(State(db): State<Db>, Json(item): Json<Item>) -> impl IntoResponse {
    db.items().push(item.clone());
    (StatusCode::CREATED, Json(item))
}

async fn update(State(db): State<Db>, Path(id): Path<usize>, Json(item): Json<Item>) -> Response {
    match db.items().get_mut(id) {
        Some(slot) => {
            *slot = item.clone();
            Json(item).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn delete(State(db): State<Db>, Path(id): Path<usize>) -> StatusCode {
    let mut items = db.items();
    if id < items.len() {
        items.remove(id);
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

/// The signed-in user: the session cookie is the whole authentication here.
async fn me(headers: HeaderMap) -> Response {
    let session = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p == "session=alice"));
    if session {
        Json(serde_json::json!({ "user": "alice", "email": "alice@example.com" })).into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

/// The CORS policy: only the front end, with credentials; it may read
/// X-Total-Count; browsers may cache a preflight for 10 minutes.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(HeaderValue::from_static(FRONT_END))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE])
        .allow_credentials(true)
        .expose_headers([HeaderName::from_static("x-total-count")])
        .max_age(Duration::from_secs(600))
}

/// The whole application, as `axum::serve` would run it.
fn app(db: Db) -> Router {
    Router::new()
        .route("/api/items", get(list).post(create))
        .route("/api/items/{id}", axum::routing::put(update).delete(delete))
        .route("/api/me", get(me))
        .with_state(db)
        .layer(cors())
}

/// A Chromium browser whose user is signed in to the API.
fn signed_in_chromium(db: Db) -> Browser<cors_sim::harness::TowerServer<Router>> {
    Browser::chromium()
        .cookie("https://api.example", "session=alice")
        .serve_service(app(db))
}

fn json_request(method: Method, url: &str, body: &str) -> http::Request<String> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .unwrap_or_default()
}

fn main() -> Result<(), cors_sim::InputError> {
    let db = Db::default();
    db.items().push(Item {
        name: "first".into(),
    });
    let mut browser = signed_in_chromium(db.clone());

    println!("== the front end adds an item, with the user's cookies");
    let seen = browser
        .visit(FRONT_END)?
        .fetch(json_request(
            Method::POST,
            "https://api.example/api/items",
            r#"{"name":"second"}"#,
        ))
        .include_credentials()
        .send_blocking()?;
    print!("{}", seen.explain());

    println!("\n== another site tries to read who is signed in");
    let seen = browser
        .visit("https://evil.example")?
        .get("https://api.example/api/me")
        .include_credentials()
        .send_blocking()?;
    print!("{}", seen.explain());

    println!("\n== what each origin can do");
    let table = browser.run_matrix_blocking(
        &Matrix::new("https://api.example/api/items")
            .origins([FRONT_END, "https://evil.example"])
            .methods(["GET", "POST"])
            .header_sets([vec![], vec![("Content-Type", "application/json")]])
            .body(r#"{"name":"from the table"}"#)
            .credentials([CredentialsMode::Omit, CredentialsMode::Include])
            .read_headers(["X-Total-Count"]),
    )?;
    print!("{table}");
    println!("\nitems on the server now: {}", db.items().len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cors_sim::{Profile, Reason};

    // "A page on https://app.example calling PUT /api/items/0 with credentials
    // gets the response": PUT and a JSON body need a preflight, which the policy
    // answers with the origin, PUT and content-type, and credentials allowed.
    #[tokio::test]
    async fn the_front_end_updates_an_item_with_credentials() {
        let db = Db::default();
        db.items().push(Item { name: "old".into() });
        let mut browser = signed_in_chromium(db.clone());
        let seen = browser
            .visit(FRONT_END)
            .unwrap()
            .fetch(json_request(
                Method::PUT,
                "https://api.example/api/items/0",
                r#"{"name":"new"}"#,
            ))
            .include_credentials()
            .await
            .unwrap();
        seen.assert_preflight().assert_exposed().assert_status(200);
        assert_eq!(seen.json::<Item>().unwrap().name, "new");
        assert_eq!(db.items()[0].name, "new");
    }

    // "... and can read X-Total-Count": it is listed in Access-Control-Expose-Headers.
    #[tokio::test]
    async fn the_front_end_reads_the_total_count() {
        let db = Db::default();
        db.items().push(Item { name: "a".into() });
        let mut browser = signed_in_chromium(db);
        browser
            .visit(FRONT_END)
            .unwrap()
            .get("https://api.example/api/items")
            .include_credentials()
            .await
            .unwrap()
            .assert_exposed()
            .assert_visible_header("x-total-count", "1");
    }

    // "A page on https://evil.example cannot read /api/me": the policy always
    // answers Access-Control-Allow-Origin: https://app.example, which is not
    // evil.example's origin (fetch: #concept-cors-check), so fetch() rejects,
    // although the request was sent with the cookie and answered.
    #[tokio::test]
    async fn another_site_cannot_read_who_is_signed_in() {
        let mut browser = signed_in_chromium(Db::default());
        let seen = browser
            .visit("https://evil.example")
            .unwrap()
            .get("https://api.example/api/me")
            .include_credentials()
            .await
            .unwrap();
        seen.assert_blocked(Reason::AllowOriginMismatch)
            .assert_reached_server();
        assert!(seen.body().is_none());
    }

    // ... nor change anything that needs a preflight: the preflight fails the
    // same check (fetch: #cors-preflight-fetch-0) and the DELETE is never sent.
    #[tokio::test]
    async fn another_site_cannot_delete_items() {
        let db = Db::default();
        db.items().push(Item {
            name: "keep".into(),
        });
        let mut browser = signed_in_chromium(db.clone());
        browser
            .visit("https://evil.example")
            .unwrap()
            .fetch(
                http::Request::delete("https://api.example/api/items/0")
                    .body(())
                    .unwrap(),
            )
            .include_credentials()
            .await
            .unwrap()
            .assert_blocked(Reason::PreflightAllowOriginMismatch)
            .assert_not_reached_server();
        assert_eq!(db.items().len(), 1);
    }

    // Max-Age 600 is kept by WebKit (its cap is 600 s): one preflight per 10 minutes.
    #[tokio::test]
    async fn webkit_caches_the_preflight_for_ten_minutes() {
        let db = Db::default();
        db.items().push(Item { name: "a".into() });
        let mut browser = Browser::new(Profile::webkit()).serve_service(app(db));
        let put = || {
            json_request(
                Method::PUT,
                "https://api.example/api/items/0",
                r#"{"name":"b"}"#,
            )
        };
        let first = browser
            .visit(FRONT_END)
            .unwrap()
            .fetch(put())
            .await
            .unwrap();
        assert_eq!(first.preflight_count(), 1);
        browser.advance_secs(599);
        let cached = browser
            .visit(FRONT_END)
            .unwrap()
            .fetch(put())
            .await
            .unwrap();
        assert_eq!(cached.preflight_count(), 0);
        browser.advance_secs(2);
        let again = browser
            .visit(FRONT_END)
            .unwrap()
            .fetch(put())
            .await
            .unwrap();
        assert_eq!(again.preflight_count(), 1);
    }

    #[test]
    fn main_runs() {
        main().unwrap();
    }
}
