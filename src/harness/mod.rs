//! The in-process browser harness: test a real server's CORS with no
//! browser and no network.
//!
//! A [`Browser`] is a browser profile with its preflight cache, its own
//! clock (advanced only by the test) and a few cookies, attached to a
//! server: a closure ([`Browser::serve_fn`]) or, with the `tower` feature,
//! any `tower::Service<http::Request<B>>` (`Browser::serve_service`): an
//! axum `Router`, a stack with tower-http's `CorsLayer`, a hyper service.
//!
//! A page origin ([`Browser::visit`]) issues fetches built like
//! `http::Request`s. Every request the browser model decides to send, the
//! preflight included, is really dispatched to the server (its side effects
//! happen), its answer is converted back losslessly (every header line, the
//! body bytes) and fed to the model, which decides what JavaScript gets.
//!
//! ```
//! use cors_sim::harness::Browser;
//! use cors_sim::{CredentialsMode, Reason, ServerResponse};
//!
//! // The server: a closure from the request it receives to its answer.
//! let mut browser = Browser::chromium().serve_fn(|req: http::Request<Vec<u8>>| {
//!     let origin = req.headers().get("origin").cloned();
//!     let mut answer = ServerResponse::new(200).header("X-Total-Count", "3").body("[1, 2, 3]");
//!     if let Some(o) = origin.filter(|o| o == "https://app.example") {
//!         answer = answer
//!             .header("Access-Control-Allow-Origin", o.as_bytes())
//!             .header("Access-Control-Expose-Headers", "X-Total-Count")
//!             .header("Vary", "Origin");
//!     }
//!     answer
//! });
//!
//! let seen = browser.visit("https://app.example")?.get("https://api.example/items").send_blocking()?;
//! seen.assert_exposed().assert_visible_header("x-total-count", "3");
//! assert_eq!(seen.text().as_deref(), Some("[1, 2, 3]"));
//!
//! let seen = browser.visit("https://evil.example")?.get("https://api.example/items").send_blocking()?;
//! seen.assert_blocked(Reason::MissingAllowOrigin);
//! assert!(seen.reached_server()); // the GET ran on the server all the same
//! # Ok::<(), cors_sim::InputError>(())
//! ```
//!
//! Fetches are `async` (`.await` them under any executor) or blocking
//! ([`FetchCall::send_blocking`], a small built-in executor, enough for
//! services that need no runtime of their own). A server that panics,
//! fails, answers with bytes HTTP does not allow, or whose body fails gives
//! a typed [`InputError`], never a panic of the harness.
//!
//! What the harness does not model: the cookie store beyond the cookies a
//! test sets with [`Browser::cookie`] (no `Set-Cookie` processing, no
//! `SameSite`), HTTP caches, and anything outside CORS (see the crate's
//! README for the core's scope).

mod matrix;
#[cfg(feature = "tower")]
mod tower_server;

use std::fmt::Write as _;
use std::future::{Future, IntoFuture};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use url::Url;

pub use matrix::{Matrix, MatrixCell, MatrixTable};
#[cfg(feature = "tower")]
pub use tower_server::TowerServer;

use crate::diagnostics::{NetworkError, Reason, Warning, WarningCode};
use crate::error::InputError;
use crate::exchange::{Exchange, ServerResponse, WireRequest};
use crate::fetch::{Client, FetchResult, Outcome, REDIRECT_LIMIT, TraceEvent};
use crate::header_list::{HeaderList, isomorphic_decode};
use crate::origin::Origin;
use crate::profile::{Engine, Profile};
use crate::request::{Body, CredentialsMode, Mode, RedirectMode, ReferrerPolicy, Request};
use crate::response_filter::{JsResponse, ResponseType};
use crate::time::Time;

/// Why a [`Server`] produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerFailure {
    /// The server returned an error instead of a response (a
    /// `tower::Service` whose `poll_ready` or `call` failed, a closure that
    /// returned `Err`).
    Error(String),
    /// The response body failed while being read.
    Body(String),
    /// The answer cannot be put on the wire: a status or header bytes that
    /// HTTP does not allow.
    Invalid(InputError),
}

impl std::fmt::Display for ServerFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerFailure::Error(m) => write!(f, "the server failed: {m}"),
            ServerFailure::Body(m) => write!(f, "the response body failed: {m}"),
            ServerFailure::Invalid(e) => write!(f, "{e}"),
        }
    }
}

/// A server under test: it answers each request the browser sends.
///
/// The request is what the server would receive over HTTP/1.1: the method,
/// an origin-form URI (`/path?query`), a `Host` header, the headers the
/// browser sends (`Origin`, `Access-Control-Request-*`, the page's
/// headers, `Cookie` when credentials go with the request), and the body
/// with its `Content-Length`. Header lines of one name keep their order;
/// lines of different names are grouped by name, as `http::HeaderMap`
/// stores them.
/// The [`WireRequest`] the model produced is in the request's extensions.
///
/// Implemented by [`FnServer`] (closures) and, with the `tower` feature,
/// `TowerServer`; implement it to plug in another framework.
pub trait Server {
    /// Answers one request.
    fn handle(
        &mut self,
        request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Vec<u8>>, ServerFailure>>;
}

/// A body the harness can send or receive as bytes: `()`, `String`, `&str`,
/// `Vec<u8>`, `&[u8]`, a `serde_json::Value` (serialized), and with the
/// `tower` feature `bytes::Bytes`.
pub trait IntoBody {
    /// The body's bytes.
    fn into_body_bytes(self) -> Vec<u8>;
}

impl IntoBody for () {
    fn into_body_bytes(self) -> Vec<u8> {
        Vec::new()
    }
}
impl IntoBody for Vec<u8> {
    fn into_body_bytes(self) -> Vec<u8> {
        self
    }
}
impl IntoBody for &[u8] {
    fn into_body_bytes(self) -> Vec<u8> {
        self.to_vec()
    }
}
impl IntoBody for String {
    fn into_body_bytes(self) -> Vec<u8> {
        self.into_bytes()
    }
}
impl IntoBody for &str {
    fn into_body_bytes(self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}
impl IntoBody for serde_json::Value {
    fn into_body_bytes(self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}
#[cfg(feature = "tower")]
impl IntoBody for bytes::Bytes {
    fn into_body_bytes(self) -> Vec<u8> {
        self.to_vec()
    }
}

/// What a closure server may return: a [`ServerResponse`], an
/// `http::Response` with an [`IntoBody`] body, or a `Result` of either
/// (an `Err` becomes [`InputError::ServerError`]).
pub trait IntoAnswer {
    /// The answer as an `http::Response`.
    fn into_answer(self) -> Result<http::Response<Vec<u8>>, ServerFailure>;
}

impl IntoAnswer for ServerResponse {
    fn into_answer(self) -> Result<http::Response<Vec<u8>>, ServerFailure> {
        let response = self.to_http().map_err(ServerFailure::Invalid)?;
        Ok(response.map(String::into_bytes))
    }
}

impl<B: IntoBody> IntoAnswer for http::Response<B> {
    fn into_answer(self) -> Result<http::Response<Vec<u8>>, ServerFailure> {
        Ok(self.map(IntoBody::into_body_bytes))
    }
}

impl<T: IntoAnswer, E: std::fmt::Display> IntoAnswer for Result<T, E> {
    fn into_answer(self) -> Result<http::Response<Vec<u8>>, ServerFailure> {
        match self {
            Ok(t) => t.into_answer(),
            Err(e) => Err(ServerFailure::Error(e.to_string())),
        }
    }
}

/// A closure as a server (see [`Browser::serve_fn`]).
#[derive(Debug, Clone)]
pub struct FnServer<F>(pub F);

impl<F, R> Server for FnServer<F>
where
    F: FnMut(http::Request<Vec<u8>>) -> R,
    R: IntoAnswer,
{
    fn handle(
        &mut self,
        request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Vec<u8>>, ServerFailure>> {
        std::future::ready((self.0)(request).into_answer())
    }
}

/// The server of a [`Browser`] that has none yet: attach one with
/// [`Browser::serve_fn`], [`Browser::serve`] or `Browser::serve_service`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoServer;

/// A cookie the browser holds for a host (see [`Browser::cookie`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cookie {
    host: String,
    pair: String,
}

/// A browser for tests: a profile, its preflight cache, a clock the test
/// advances, a few cookies, and the server under test.
///
/// ```
/// use cors_sim::harness::Browser;
/// use cors_sim::ServerResponse;
/// let mut browser = Browser::firefox().serve_fn(|_req: http::Request<Vec<u8>>| {
///     ServerResponse::new(204)
///         .header("Access-Control-Allow-Origin", "*")
///         .header("Access-Control-Allow-Methods", "PUT")
///         .header("Access-Control-Max-Age", "60")
/// });
/// let put = || http::Request::put("https://api.example/x").body(()).unwrap();
/// let mut page = browser.visit("https://app.example")?;
/// assert_eq!(page.fetch(put()).send_blocking()?.preflight_count(), 1);
/// assert_eq!(page.fetch(put()).send_blocking()?.preflight_count(), 0); // cached
/// browser.advance_secs(61);
/// let mut page = browser.visit("https://app.example")?;
/// assert_eq!(page.fetch(put()).send_blocking()?.preflight_count(), 1); // expired
/// # Ok::<(), cors_sim::InputError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Browser<S = NoServer> {
    client: Client,
    now: Time,
    server: S,
    cookies: Vec<Cookie>,
    blocking_limit: Duration,
}

impl Browser<NoServer> {
    /// A browser with `profile`, an empty preflight cache, the clock at
    /// [`Time::ZERO`] and no server yet.
    pub fn new(profile: Profile) -> Browser<NoServer> {
        Browser {
            client: Client::new(profile),
            now: Time::ZERO,
            server: NoServer,
            cookies: Vec::new(),
            blocking_limit: Duration::from_secs(30),
        }
    }

    /// The Fetch standard read literally.
    pub fn spec() -> Browser<NoServer> {
        Browser::new(Profile::spec())
    }

    /// Chromium, as measured (see [`Profile::chromium`]).
    pub fn chromium() -> Browser<NoServer> {
        Browser::new(Profile::chromium())
    }

    /// Firefox, as measured (see [`Profile::firefox`]).
    pub fn firefox() -> Browser<NoServer> {
        Browser::new(Profile::firefox())
    }

    /// WebKit, as measured (see [`Profile::webkit`]).
    pub fn webkit() -> Browser<NoServer> {
        Browser::new(Profile::webkit())
    }
}

impl<S> Browser<S> {
    /// The same browser attached to `server`.
    pub fn serve<T: Server>(self, server: T) -> Browser<T> {
        Browser {
            client: self.client,
            now: self.now,
            server,
            cookies: self.cookies,
            blocking_limit: self.blocking_limit,
        }
    }

    /// The same browser attached to a closure server: it gets each request
    /// as an `http::Request<Vec<u8>>` and answers with a [`ServerResponse`],
    /// an `http::Response` or a `Result` of either.
    ///
    /// ```
    /// use cors_sim::harness::Browser;
    /// use cors_sim::ServerResponse;
    /// let mut hits = 0;
    /// let mut browser = Browser::spec().serve_fn(|req: http::Request<Vec<u8>>| {
    ///     hits += 1;
    ///     http::Response::builder()
    ///         .status(if req.method() == "OPTIONS" { 204 } else { 200 })
    ///         .header("access-control-allow-origin", "*")
    ///         .body("hello")
    /// });
    /// let seen = browser.visit("https://app.example")?.get("https://api.example/").send_blocking()?;
    /// seen.assert_exposed();
    /// # Ok::<(), cors_sim::InputError>(())
    /// ```
    pub fn serve_fn<F, R>(self, server: F) -> Browser<FnServer<F>>
    where
        F: FnMut(http::Request<Vec<u8>>) -> R,
        R: IntoAnswer,
    {
        self.serve(FnServer(server))
    }

    /// The same browser attached to a `tower::Service` (an axum `Router`, a
    /// tower-http stack, a hyper service), which gets requests with an
    /// `http_body_util::Full<bytes::Bytes>` body. For another request body
    /// type, use [`TowerServer::with_body`] and [`Browser::serve`].
    #[cfg(feature = "tower")]
    pub fn serve_service<T>(self, service: T) -> Browser<TowerServer<T>>
    where
        TowerServer<T>: Server,
    {
        self.serve(TowerServer::new(service))
    }

    /// Adds a cookie (`name=value`) for the host of `site` (an origin or a
    /// URL, for example `https://api.example`). The browser sends it, in a
    /// `Cookie` header, with every request to that host that carries
    /// credentials (credentials mode `include`, or `same-origin` while the
    /// request is same-origin), preflights never.
    ///
    /// The cookie is host-only and behaves as one set with `SameSite=None;
    /// Secure`, the only kind a cross-site `fetch()` sends; `Set-Cookie`
    /// answers are not processed.
    pub fn cookie(mut self, site: &str, cookie: &str) -> Browser<S> {
        self.add_cookie(site, cookie);
        self
    }

    /// Like [`Browser::cookie`], on a browser in use.
    pub fn add_cookie(&mut self, site: &str, cookie: &str) {
        let host = Url::parse(site)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| site.to_string());
        self.cookies.push(Cookie {
            host,
            pair: cookie.to_string(),
        });
    }

    /// Removes every cookie.
    pub fn clear_cookies(&mut self) {
        self.cookies.clear();
    }

    /// The time on the browser's clock.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Moves the clock forward by `by` (milliseconds count).
    pub fn advance(&mut self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.now = self.now + ms;
    }

    /// Moves the clock forward by `secs` seconds.
    pub fn advance_secs(&mut self, secs: u64) {
        self.now = self.now.plus_secs(secs);
    }

    /// Sets the clock (it may go back: the cache then sees the earlier time).
    pub fn set_time(&mut self, now: Time) {
        self.now = now;
    }

    /// How long [`FetchCall::send_blocking`] waits for a server that is
    /// pending before it gives up with [`InputError::ServerStalled`]
    /// (30 s by default).
    pub fn blocking_limit(mut self, limit: Duration) -> Browser<S> {
        self.blocking_limit = limit;
        self
    }

    /// The browser's profile.
    pub fn profile(&self) -> &Profile {
        self.client.profile()
    }

    /// The engine the profile models.
    pub fn engine(&self) -> Engine {
        self.client.profile().engine
    }

    /// The model's client: the profile and the preflight cache.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The model's client, to inspect or clear the preflight cache.
    pub fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }

    /// The server.
    pub fn server(&self) -> &S {
        &self.server
    }

    /// The server, mutably.
    pub fn server_mut(&mut self) -> &mut S {
        &mut self.server
    }

    /// The server, taking the browser apart.
    pub fn into_server(self) -> S {
        self.server
    }

    /// A page on `origin` (`https://app.example`, or `null` for a sandboxed
    /// iframe or a `data:` document), ready to fetch.
    pub fn visit(&mut self, origin: &str) -> Result<Page<'_, S>, InputError> {
        Ok(Page {
            origin: Origin::parse(origin)?,
            browser: self,
        })
    }

    /// A page whose origin is already parsed.
    pub fn visit_origin(&mut self, origin: Origin) -> Page<'_, S> {
        Page {
            origin,
            browser: self,
        }
    }

    fn cookie_header(&self, url: &Url) -> Option<String> {
        let host = url.host_str()?;
        let pairs: Vec<&str> = self
            .cookies
            .iter()
            .filter(|c| c.host.eq_ignore_ascii_case(host))
            .map(|c| c.pair.as_str())
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

impl<S: Server> Browser<S> {
    /// Runs a fetch of a request the model's way (every `fetch()` option
    /// settable), with `body` as the bytes sent when a body goes out.
    pub async fn fetch_request(
        &mut self,
        request: Request,
        body: Vec<u8>,
    ) -> Result<BrowserOutcome, InputError> {
        self.drive(request, body, None).await
    }

    async fn drive(
        &mut self,
        request: Request,
        body: Vec<u8>,
        progress: Option<&std::cell::RefCell<String>>,
    ) -> Result<BrowserOutcome, InputError> {
        let now = self.now;
        let mut fetch = self.client.start(request.clone(), now)?;
        let mut bodies = Vec::new();
        // A fetch sends at most 2 requests per hop and follows at most 20
        // redirects; the bound guards against a broken state machine.
        for _ in 0..(2 * (REDIRECT_LIMIT as usize + 2)) {
            let Some(wire) = fetch.pending() else { break };
            let description = describe(wire, &request.method);
            if let Some(p) = progress {
                p.replace(description.clone());
            }
            let sent = self.server_request(wire, &body)?;
            let answer = call_server(&mut self.server, sent, &description).await?;
            let response = ServerResponse::from_http(&answer);
            bodies.push(answer.into_body());
            fetch.receive(&mut self.client, response, now)?;
        }
        let outcome = fetch.into_outcome()?;
        Ok(BrowserOutcome {
            outcome,
            bodies,
            request,
            time: now,
        })
    }

    /// The request as the server receives it.
    fn server_request(
        &self,
        wire: &WireRequest,
        body: &[u8],
    ) -> Result<http::Request<Vec<u8>>, InputError> {
        let mut target = wire.url.path().to_string();
        if let Some(q) = wire.url.query() {
            target.push('?');
            target.push_str(q);
        }
        let mut builder = http::Request::builder()
            .method(
                http::Method::from_bytes(wire.method.as_bytes()).map_err(|_| {
                    InputError::UnknownName {
                        what: "method",
                        value: wire.method.clone(),
                        expected: "an HTTP token",
                    }
                })?,
            )
            .uri(target.as_str());
        if let Some(host) = wire.url.host_str() {
            let host = match wire.url.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.to_string(),
            };
            builder = builder.header(http::header::HOST, host);
        }
        let body = if wire.has_body && !wire.is_preflight() {
            body.to_vec()
        } else {
            Vec::new()
        };
        if !body.is_empty() {
            builder = builder.header(http::header::CONTENT_LENGTH, body.len());
        }
        let mut request = builder.body(body).map_err(|e| InputError::InvalidUrl {
            input: wire.url.to_string(),
            reason: e.to_string(),
        })?;
        let headers = http::HeaderMap::try_from(&wire.headers)?;
        for (name, value) in &headers {
            request.headers_mut().append(name, value.clone());
        }
        if wire.credentials {
            if let Some(cookies) = self.cookie_header(&wire.url) {
                let value = http::HeaderValue::from_str(&cookies).map_err(|_| {
                    InputError::InvalidHeaderValue {
                        name: "Cookie".into(),
                        value: cookies.clone(),
                    }
                })?;
                request.headers_mut().append(http::header::COOKIE, value);
            }
        }
        request.extensions_mut().insert(wire.clone());
        Ok(request)
    }
}

/// `PUT https://api.example/x`, or `OPTIONS https://api.example/x (preflight for PUT)`.
fn describe(wire: &WireRequest, method: &str) -> String {
    if wire.is_preflight() {
        let for_method = wire
            .headers
            .get_str("access-control-request-method")
            .unwrap_or_else(|| method.to_string());
        format!("OPTIONS {} (preflight for {for_method})", wire.url)
    } else {
        format!("{} {}", wire.method, wire.url)
    }
}

/// Calls the server, turning a panic or a failure into a typed error.
async fn call_server<S: Server>(
    server: &mut S,
    request: http::Request<Vec<u8>>,
    description: &str,
) -> Result<http::Response<Vec<u8>>, InputError> {
    let panicked = |message: String| InputError::ServerPanicked {
        request: description.to_string(),
        message,
    };
    let future = std::panic::catch_unwind(AssertUnwindSafe(move || server.handle(request)))
        .map_err(|p| panicked(panic_message(p.as_ref())))?;
    let answer = CatchUnwind {
        inner: Box::pin(future),
    }
    .await
    .map_err(panicked)?;
    answer.map_err(|f| match f {
        ServerFailure::Error(message) => InputError::ServerError {
            request: description.to_string(),
            message,
        },
        ServerFailure::Body(message) => InputError::ResponseBody {
            request: description.to_string(),
            message,
        },
        ServerFailure::Invalid(e) => e,
    })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a payload that is not a string".to_string()
    }
}

/// A future that turns a panic while polling `inner` into an `Err`.
struct CatchUnwind<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.inner;
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}

struct ThreadWaker {
    thread: std::thread::Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// Why [`block_on`] gave up.
enum Stall {
    /// Pending, and nothing holds the waker: it can never be woken.
    NoWaker,
    /// Still pending after the limit.
    Timeout(Duration),
}

/// Runs `future` to completion on this thread.
fn block_on<F: Future>(future: F, limit: Duration) -> Result<F::Output, Stall> {
    let mut future = std::pin::pin!(future);
    let state = Arc::new(ThreadWaker {
        thread: std::thread::current(),
        woken: AtomicBool::new(false),
    });
    let waker = Waker::from(state.clone());
    let mut cx = Context::from_waker(&waker);
    let start = Instant::now();
    loop {
        state.woken.store(false, Ordering::SeqCst);
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return Ok(v);
        }
        // Ours and the `waker` above: nobody else can wake the future.
        if !state.woken.load(Ordering::SeqCst) && Arc::strong_count(&state) <= 2 {
            return Err(Stall::NoWaker);
        }
        while !state.woken.swap(false, Ordering::SeqCst) {
            let elapsed = start.elapsed();
            if elapsed >= limit {
                return Err(Stall::Timeout(limit));
            }
            std::thread::park_timeout(limit.saturating_sub(elapsed));
        }
    }
}

/// A page origin in a [`Browser`], from which fetches are made.
#[derive(Debug)]
pub struct Page<'b, S> {
    browser: &'b mut Browser<S>,
    origin: Origin,
}

impl<'b, S> Page<'b, S> {
    /// The page's origin.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The browser, for example to move its clock between fetches.
    pub fn browser(&mut self) -> &mut Browser<S> {
        self.browser
    }

    /// A `fetch()` of `request` from this page: its method, URI, headers and
    /// body. A URI without a scheme and host is resolved against the page's
    /// origin, as `fetch("/api/items")` is. Set the `fetch()` options
    /// (`credentials`, `mode`, `redirect`) on the returned [`FetchCall`],
    /// then `.await` it or call [`FetchCall::send_blocking`].
    pub fn fetch<B: IntoBody>(&mut self, request: http::Request<B>) -> FetchCall<'_, S> {
        let (parts, body) = request.into_parts();
        let body = body.into_body_bytes();
        let request = self.model_request(&parts, &body);
        FetchCall {
            browser: self.browser,
            request,
            body,
        }
    }

    /// A `fetch(url)`: a GET with no headers.
    pub fn get(&mut self, url: &str) -> FetchCall<'_, S> {
        let request = self
            .resolve(url)
            .map(|u| Request::with_origin(self.origin.clone(), "GET", u));
        FetchCall {
            browser: self.browser,
            request,
            body: Vec::new(),
        }
    }

    fn resolve(&self, url: &str) -> Result<Url, InputError> {
        let err = |reason: String| InputError::InvalidUrl {
            input: url.to_string(),
            reason,
        };
        match Url::parse(url) {
            Ok(u) => Ok(u),
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                if self.origin.is_opaque() {
                    return Err(err(
                        "a relative URL needs a page with a tuple origin to resolve against".into(),
                    ));
                }
                let base = Url::parse(&self.origin.serialize()).map_err(|e| err(e.to_string()))?;
                base.join(url).map_err(|e| err(e.to_string()))
            }
            Err(e) => Err(err(e.to_string())),
        }
    }

    fn model_request(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> Result<Request, InputError> {
        let url = self.resolve(&parts.uri.to_string())?;
        let mut r = Request::with_origin(self.origin.clone(), parts.method.as_str(), url);
        r.headers = HeaderList::from(&parts.headers);
        if !body.is_empty() {
            r.body = Body::Bytes(String::from_utf8_lossy(body).into_owned());
        }
        Ok(r)
    }
}

/// A fetch about to be made: set its `fetch()` options, then `.await` it
/// (or call [`FetchCall::send_blocking`]).
///
/// Defaults are `fetch()`'s: mode `cors`, credentials `same-origin`,
/// redirect `follow`.
#[must_use = "a fetch does nothing until it is awaited or sent"]
pub struct FetchCall<'a, S> {
    browser: &'a mut Browser<S>,
    request: Result<Request, InputError>,
    body: Vec<u8>,
}

impl<S> std::fmt::Debug for FetchCall<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchCall")
            .field("request", &self.request)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl<'a, S> FetchCall<'a, S> {
    fn map(mut self, f: impl FnOnce(Request) -> Request) -> Self {
        self.request = self.request.map(f);
        self
    }

    /// Sets the credentials mode (`credentials: "include"` and so on).
    pub fn credentials(self, mode: CredentialsMode) -> Self {
        self.map(|r| r.credentials(mode))
    }

    /// `credentials: "include"`: cookies go with the request, and CORS then
    /// needs an exact origin and `Access-Control-Allow-Credentials: true`.
    pub fn include_credentials(self) -> Self {
        self.credentials(CredentialsMode::Include)
    }

    /// Sets the mode (`cors`, `no-cors`, `same-origin`).
    pub fn mode(self, mode: Mode) -> Self {
        self.map(|r| r.mode(mode))
    }

    /// Sets the redirect mode.
    pub fn redirect(self, redirect: RedirectMode) -> Self {
        self.map(|r| r.redirect(redirect))
    }

    /// Sets the referrer policy.
    pub fn referrer_policy(self, policy: ReferrerPolicy) -> Self {
        self.map(|r| r.referrer_policy(policy))
    }

    /// Changes anything else in the model's request (the
    /// use-CORS-preflight flag, the partition key, ...).
    pub fn configure(self, f: impl FnOnce(Request) -> Request) -> Self {
        self.map(f)
    }
}

impl<'a, S: Server> FetchCall<'a, S> {
    /// Runs the fetch.
    pub async fn send(self) -> Result<BrowserOutcome, InputError> {
        let request = self.request?;
        self.browser.drive(request, self.body, None).await
    }

    /// Runs the fetch on this thread with a small built-in executor, for
    /// tests without an async runtime. A server that stays pending with no
    /// way to be woken, or for longer than [`Browser::blocking_limit`],
    /// gives [`InputError::ServerStalled`].
    pub fn send_blocking(self) -> Result<BrowserOutcome, InputError> {
        let request = self.request?;
        let limit = self.browser.blocking_limit;
        let progress = std::cell::RefCell::new(String::new());
        let result = block_on(
            self.browser.drive(request, self.body, Some(&progress)),
            limit,
        );
        match result {
            Ok(r) => r,
            Err(stall) => Err(InputError::ServerStalled {
                request: progress.take(),
                message: match stall {
                    Stall::NoWaker => "its future is pending and holds no waker, so nothing can ever wake it (does it need an async runtime? then .await the fetch inside one)".to_string(),
                    Stall::Timeout(d) => format!("still pending after {} ms", d.as_millis()),
                },
            }),
        }
    }
}

impl<'a, S: Server + 'a> IntoFuture for FetchCall<'a, S> {
    type Output = Result<BrowserOutcome, InputError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// What happened in one fetch: what JavaScript got, what the server
/// received, and why; with assertion helpers for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserOutcome {
    outcome: Outcome,
    /// The raw body of each response, in the order of `outcome.exchanges`.
    bodies: Vec<Vec<u8>>,
    request: Request,
    time: Time,
}

impl BrowserOutcome {
    /// The model's outcome.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The model's outcome, taking this apart.
    pub fn into_outcome(self) -> Outcome {
        self.outcome
    }

    /// The request as the page made it.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// When the fetch ran, on the browser's clock.
    pub fn time(&self) -> Time {
        self.time
    }

    /// The engine whose profile decided.
    pub fn engine(&self) -> Engine {
        self.outcome.engine
    }

    /// Whether JavaScript got a response (the promise resolved).
    pub fn is_exposed(&self) -> bool {
        self.outcome.is_exposed()
    }

    /// Why `fetch()` rejected, if it did.
    pub fn blocked_reason(&self) -> Option<Reason> {
        self.outcome.blocked_reason()
    }

    /// The network error, if `fetch()` rejected.
    pub fn error(&self) -> Option<&NetworkError> {
        self.outcome.error()
    }

    /// The response as JavaScript sees it.
    pub fn response(&self) -> Option<&JsResponse> {
        self.outcome.response()
    }

    /// `response.status` (0 for an opaque response), if JavaScript got one.
    pub fn status(&self) -> Option<u16> {
        self.response().map(|r| r.status)
    }

    /// `response.type`, if JavaScript got a response.
    pub fn response_type(&self) -> Option<ResponseType> {
        self.response().map(|r| r.type_)
    }

    /// `response.headers.get(name)`: `None` when hidden, absent or blocked.
    pub fn visible_header(&self, name: &str) -> Option<String> {
        self.outcome.visible_header(name)
    }

    /// The body bytes JavaScript can read (`response.arrayBuffer()`), exactly
    /// as the server sent them; `None` when blocked, opaque, or a null body.
    pub fn body(&self) -> Option<&[u8]> {
        self.response()?.body.as_ref()?;
        self.bodies.last().map(Vec::as_slice)
    }

    /// The body as text (`response.text()`, UTF-8 decoded with replacement).
    pub fn text(&self) -> Option<String> {
        self.body().map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The body parsed as JSON (`response.json()`); `None` when unreadable
    /// or not JSON of that shape.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.body()?).ok()
    }

    /// Every request that reached the server, in order (preflights included).
    pub fn server_received(&self) -> Vec<&WireRequest> {
        self.outcome.server_received()
    }

    /// Every request sent with the server's answer, in order.
    pub fn exchanges(&self) -> &[Exchange] {
        &self.outcome.exchanges
    }

    /// The raw body of the server's `i`-th answer (see [`Self::exchanges`]),
    /// whatever JavaScript may read.
    pub fn server_body(&self, i: usize) -> Option<&[u8]> {
        self.bodies.get(i).map(Vec::as_slice)
    }

    /// Whether a request other than a preflight reached the server (and so
    /// ran there, whatever JavaScript gets).
    pub fn reached_server(&self) -> bool {
        self.server_received().iter().any(|r| !r.is_preflight())
    }

    /// The first preflight sent, if any.
    pub fn preflight_sent(&self) -> Option<&WireRequest> {
        self.outcome.preflight_sent()
    }

    /// How many preflights were sent.
    pub fn preflight_count(&self) -> usize {
        self.outcome.preflight_count()
    }

    /// The console message this browser prints, if `fetch()` rejected.
    pub fn console_message(&self) -> Option<String> {
        self.outcome.console_message(self.outcome.engine)
    }

    /// The console message `engine` would print, if `fetch()` rejected.
    pub fn console_message_for(&self, engine: Engine) -> Option<String> {
        self.outcome.console_message(engine)
    }

    /// Findings that did not change the result (a missing `Vary: Origin`,
    /// a hidden header, side effects of a blocked request, ...).
    pub fn warnings(&self) -> &[Warning] {
        &self.outcome.warnings
    }

    /// Whether a warning with `code` was raised.
    pub fn has_warning(&self, code: WarningCode) -> bool {
        self.outcome.has_warning(code)
    }

    /// The steps the browser took.
    pub fn trace(&self) -> &[TraceEvent] {
        &self.outcome.trace
    }

    /// What the browser did and why, step by step, in the format of the
    /// command line's `explain`.
    pub fn explain(&self) -> String {
        let engine = self.outcome.engine;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "fetch {} {} from {} ({engine}) at t={}s",
            self.request.method,
            self.request.url,
            self.request.origin,
            self.time.as_secs_f64()
        );
        s.push_str(&crate::explain::render_outcome(&self.outcome, false));
        s
    }

    /// One line: what JavaScript gets.
    fn verdict(&self) -> String {
        match &self.outcome.result {
            FetchResult::Exposed { response } => format!(
                "JavaScript gets a {} response with status {}",
                response.type_, response.status
            ),
            FetchResult::NetworkError { error } => format!(
                "fetch() rejects with a TypeError: {} [{}]",
                error.reason.describe(),
                error.reason.code()
            ),
        }
    }

    #[track_caller]
    fn fail(&self, expected: &str) -> ! {
        #[allow(clippy::panic)]
        {
            panic!(
                "expected {expected}, but {}.\n\nWhat the browser did:\n{}",
                self.verdict(),
                self.explain()
            )
        }
    }

    /// Asserts that JavaScript gets a response (of any status).
    #[track_caller]
    pub fn assert_exposed(&self) -> &Self {
        if !self.is_exposed() {
            self.fail("JavaScript to get the response");
        }
        self
    }

    /// Asserts that `fetch()` rejects because of `reason`.
    #[track_caller]
    pub fn assert_blocked(&self, reason: Reason) -> &Self {
        if self.blocked_reason() != Some(reason) {
            self.fail(&format!(
                "fetch() to reject because {} [{}]",
                reason.describe(),
                reason.code()
            ));
        }
        self
    }

    /// Asserts that `fetch()` rejects, for whatever reason.
    #[track_caller]
    pub fn assert_blocked_any(&self) -> &Self {
        if self.is_exposed() {
            self.fail("fetch() to reject");
        }
        self
    }

    /// Asserts that JavaScript gets a response with `status`.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        if self.status() != Some(status) {
            self.fail(&format!(
                "JavaScript to get a response with status {status}"
            ));
        }
        self
    }

    /// Asserts that JavaScript reads `value` from header `name`.
    #[track_caller]
    pub fn assert_visible_header(&self, name: &str, value: &str) -> &Self {
        match self.visible_header(name) {
            Some(v) if v == value => {}
            Some(v) => self.fail(&format!(
                "JavaScript to read {name}: {value} (it reads {name}: {v})"
            )),
            None => {
                let why = match self.response() {
                    None => String::new(),
                    Some(_) => {
                        let sent = self
                            .outcome
                            .exchanges
                            .last()
                            .is_some_and(|e| e.response.headers.contains(name));
                        if sent {
                            format!(
                                " (the server sent {name}, but it is hidden: it is not CORS-safelisted and not in Access-Control-Expose-Headers)"
                            )
                        } else {
                            format!(" (the server did not send {name})")
                        }
                    }
                };
                self.fail(&format!("JavaScript to read {name}: {value}{why}"))
            }
        }
        self
    }

    /// Asserts that JavaScript cannot read header `name` (hidden, absent or
    /// blocked).
    #[track_caller]
    pub fn assert_header_hidden(&self, name: &str) -> &Self {
        if let Some(v) = self.visible_header(name) {
            self.fail(&format!(
                "header {name} to be hidden from JavaScript (it reads {name}: {v})"
            ));
        }
        self
    }

    /// Asserts that a preflight was sent.
    #[track_caller]
    pub fn assert_preflight(&self) -> &Self {
        if self.preflight_count() == 0 {
            self.fail("a preflight to be sent");
        }
        self
    }

    /// Asserts that no preflight was sent.
    #[track_caller]
    pub fn assert_no_preflight(&self) -> &Self {
        if self.preflight_count() != 0 {
            self.fail("no preflight");
        }
        self
    }

    /// Asserts that the request itself (not only a preflight) reached the
    /// server.
    #[track_caller]
    pub fn assert_reached_server(&self) -> &Self {
        if !self.reached_server() {
            self.fail("the request to reach the server");
        }
        self
    }

    /// Asserts that the request itself never reached the server (at most its
    /// preflight did).
    #[track_caller]
    pub fn assert_not_reached_server(&self) -> &Self {
        if self.reached_server() {
            self.fail("the request never to reach the server");
        }
        self
    }

    /// Asserts that a warning with `code` was raised.
    #[track_caller]
    pub fn assert_warning(&self, code: WarningCode) -> &Self {
        if !self.has_warning(code) {
            self.fail(&format!("a warning {code:?}"));
        }
        self
    }

    /// Asserts that JavaScript reads `body` (as text).
    #[track_caller]
    pub fn assert_body(&self, body: &str) -> &Self {
        match self.text() {
            Some(t) if t == body => {}
            Some(t) => self.fail(&format!(
                "JavaScript to read the body {body:?} (it reads {t:?})"
            )),
            None => self.fail(&format!("JavaScript to read the body {body:?}")),
        }
        self
    }
}

impl std::fmt::Display for BrowserOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.explain())
    }
}

/// The request header value as text, for tables.
fn header_text(h: &crate::header_list::Header) -> String {
    format!("{}: {}", h.name_str(), isomorphic_decode(&h.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_detects_a_future_nobody_can_wake() {
        let r = block_on(std::future::pending::<()>(), Duration::from_secs(5));
        assert!(matches!(r, Err(Stall::NoWaker)));
    }

    #[test]
    fn block_on_runs_a_future_woken_from_another_thread() {
        struct Later(Option<std::thread::JoinHandle<()>>, Arc<AtomicBool>);
        impl Future for Later {
            type Output = u8;
            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
                if self.1.load(Ordering::SeqCst) {
                    return Poll::Ready(7);
                }
                if self.0.is_none() {
                    let waker = cx.waker().clone();
                    let flag = self.1.clone();
                    self.0 = Some(std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(20));
                        flag.store(true, Ordering::SeqCst);
                        waker.wake();
                    }));
                }
                Poll::Pending
            }
        }
        let r = block_on(
            Later(None, Arc::new(AtomicBool::new(false))),
            Duration::from_secs(5),
        );
        assert!(matches!(r, Ok(7)));
    }

    #[test]
    fn a_panic_while_polling_is_caught() {
        let f = CatchUnwind {
            inner: Box::pin(async { panic!("boom") }),
        };
        let r: Result<Result<(), String>, Stall> = block_on(f, Duration::from_secs(1));
        assert!(matches!(r, Ok(Err(m)) if m == "boom"));
    }
}
