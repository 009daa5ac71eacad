//! What does a page on https://app.example get from an API on another origin?
//!
//! Run: `cargo run --example quickstart`

use cors_sim::{
    Client, CredentialsMode, Engine, Profile, Request, ServerResponse, Time, WireRequest,
};

/// A small API whose CORS policy trusts https://app.example only, and
/// forgets CORS headers on its error responses.
fn api(req: &WireRequest) -> ServerResponse {
    let origin = req.origin().unwrap_or_default();
    let trusted = origin == "https://app.example";
    if req.is_preflight() {
        let mut r = ServerResponse::new(204).header("Vary", "Origin");
        if trusted {
            r = r
                .header("Access-Control-Allow-Origin", &origin)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", "GET, PUT, DELETE")
                .header("Access-Control-Allow-Headers", "Content-Type")
                .header("Access-Control-Max-Age", "600");
        }
        return r;
    }
    if req.url.path() == "/api/broken" {
        return ServerResponse::new(500).body("internal error");
    }
    let mut r = ServerResponse::new(200)
        .header("Content-Type", "application/json")
        .header("X-Total-Count", "42")
        .header("Vary", "Origin")
        .body("{\"items\":[]}");
    if trusted {
        r = r
            .header("Access-Control-Allow-Origin", &origin)
            .header("Access-Control-Allow-Credentials", "true");
    }
    r
}

fn show(title: &str, client: &mut Client, request: Request) -> Result<(), cors_sim::InputError> {
    let outcome = client.run(request, Time::ZERO, api)?;
    println!("== {title}");
    for sent in outcome.server_received() {
        println!(
            "   server saw: {} {} (Origin: {}, cookies: {})",
            sent.method,
            sent.url,
            sent.origin().unwrap_or_else(|| "-".into()),
            if sent.credentials { "yes" } else { "no" }
        );
    }
    match outcome.response() {
        Some(r) => {
            println!("   JS gets: type {}, status {}", r.type_, r.status);
            for h in &r.headers {
                println!("     {}: {}", h.name_str(), h.value_str());
            }
        }
        None => {
            let e = outcome.error().map(|e| e.reason.code()).unwrap_or_default();
            println!("   JS gets: TypeError ({e})");
            for engine in [Engine::Chromium, Engine::Firefox] {
                if let Some(m) = outcome.console_message(engine) {
                    println!("   {engine} console: {m}");
                }
            }
        }
    }
    for w in &outcome.warnings {
        println!("   warning [{:?}]: {}", w.code, w.message);
    }
    println!();
    Ok(())
}

fn main() -> Result<(), cors_sim::InputError> {
    let mut chromium = Client::new(Profile::chromium());
    show(
        "app.example PUTs JSON with cookies",
        &mut chromium,
        Request::new(
            "https://app.example",
            "PUT",
            "https://api.example/api/items/1",
        )?
        .header("Content-Type", "application/json")?
        .credentials(CredentialsMode::Include),
    )?;
    show(
        "evil.example POSTs a form (a simple request: it runs on the server, JS is blocked)",
        &mut chromium,
        Request::new(
            "https://evil.example",
            "POST",
            "https://api.example/api/items",
        )?
        .header("Content-Type", "application/x-www-form-urlencoded")?
        .credentials(CredentialsMode::Include),
    )?;
    show(
        "app.example GETs an endpoint whose 500 has no CORS headers",
        &mut chromium,
        Request::get("https://app.example", "https://api.example/api/broken")?,
    )?;
    Ok(())
}
