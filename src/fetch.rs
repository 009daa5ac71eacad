//! The fetch state machine: one `fetch()` from request to outcome,
//! preflight and redirects included.
//!
//! fetch: #concept-fetch, #main-fetch, #http-fetch,
//! #http-network-or-cache-fetch, #http-redirect-fetch,
//! #append-a-request-origin-header
//!
//! A [`Client`] owns a [`Profile`] and its [`PreflightCache`]. Starting a
//! fetch gives a [`Fetch`]; while it has a request to send, the caller
//! sends it (to a real server, a mock, a routing table) and hands the
//! response back with the current time. The loop ends with an [`Outcome`].
//!
//! ```
//! use cors_sim::{Client, Profile, Request, ServerResponse, Time};
//! let mut client = Client::new(Profile::chromium());
//! let request = Request::new("https://app.example", "PUT", "https://api.example/items/1")?;
//! let mut fetch = client.start(request, Time::ZERO)?;
//! while let Some(sent) = fetch.pending() {
//!     let response = if sent.is_preflight() {
//!         ServerResponse::new(204)
//!             .header("Access-Control-Allow-Origin", "https://app.example")
//!             .header("Access-Control-Allow-Methods", "PUT")
//!     } else {
//!         ServerResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example")
//!     };
//!     fetch.receive(&mut client, response, Time::ZERO)?;
//! }
//! let outcome = fetch.into_outcome()?;
//! assert!(outcome.is_exposed());
//! assert_eq!(outcome.server_received().len(), 2); // OPTIONS, then PUT
//! # Ok::<(), cors_sim::InputError>(())
//! ```

use serde::{Deserialize, Serialize};
use url::Url;

use crate::cors_check::{CorsCheckFailure, cors_check};
use crate::diagnostics::{NetworkError, Reason, Warning, WarningCode};
use crate::error::InputError;
use crate::exchange::{
    Exchange, RequestKind, ServerResponse, WireRequest, is_ok_status, is_redirect_status,
};
use crate::header_list::{HeaderList, normalize_value, validate_name, validate_value};
use crate::method::{is_cors_safelisted_method, is_forbidden_method, is_method, normalize_method};
use crate::origin::Origin;
use crate::preflight::{AllowCheckInput, PreflightRefusal, check_allow_lists, preflight_headers};
use crate::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightGrant};
use crate::profile::{
    AfterAuthorizationStrip, ClearOnFailure, Engine, Profile, RedirectCredentials,
    TaintedPreflightOrigin,
};
use crate::redirect::{
    REQUEST_BODY_HEADER_NAMES, includes_credentials, is_tainted, location_url, redirected_method,
};
use crate::request::{Body, CredentialsMode, Mode, RedirectMode, ReferrerPolicy, Request};
use crate::request_headers::{
    cors_unsafe_request_header_names_with, is_forbidden_request_header,
    is_no_cors_safelisted_request_header, is_privileged_no_cors_request_header_name,
};
use crate::response_filter::{self, JsResponse};
use crate::response_headers::{
    ExposeSource, cors_exposed_header_names, is_cors_safelisted_response_header_name,
};
use crate::time::Time;

/// Records a trace event when the fetch keeps a trace; the message is only
/// built then.
macro_rules! trace {
    ($s:ident, $kind:expr, $msg:expr $(,)?) => {
        if $s.tracing {
            let message: String = $msg;
            $s.trace.push(TraceEvent {
                kind: $kind,
                message,
            });
        }
    };
}

/// The most redirects a fetch follows.
///
/// fetch: #http-redirect-fetch
pub const REDIRECT_LIMIT: u32 = 20;

/// A request's response tainting.
///
/// fetch: #concept-request-response-tainting
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tainting {
    /// Same-origin so far.
    Basic,
    /// Went through CORS.
    Cors,
    /// `no-cors` to another origin.
    Opaque,
}

/// What JavaScript gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum FetchResult {
    /// The promise resolves with this response.
    Exposed {
        /// The response as JavaScript sees it.
        response: JsResponse,
    },
    /// The promise rejects with a `TypeError`.
    NetworkError {
        /// Why.
        error: NetworkError,
    },
}

/// A step of a fetch, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    /// The request as `fetch()` builds it.
    Request,
    /// Which path main fetch takes, and why.
    Classify,
    /// A preflight-cache lookup.
    CacheLookup,
    /// A request put on the wire.
    Send,
    /// A response received.
    Receive,
    /// A CORS check.
    CorsCheck,
    /// The allow-list checks of a preflight.
    AllowCheck,
    /// What was stored in the preflight cache.
    CacheStore,
    /// Entries removed from the preflight cache.
    CacheClear,
    /// A redirect followed.
    Redirect,
    /// What JavaScript is given.
    Result,
}

/// One step of a fetch, in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// What kind of step.
    pub kind: TraceKind,
    /// What happened.
    pub message: String,
}

/// Everything about one finished fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// What JavaScript gets.
    #[serde(flatten)]
    pub result: FetchResult,
    /// Every request that reached the server, with its response, in order.
    pub exchanges: Vec<Exchange>,
    /// Findings that did not change the result.
    pub warnings: Vec<Warning>,
    /// The steps taken.
    pub trace: Vec<TraceEvent>,
    /// The engine whose profile produced this.
    pub engine: Engine,
}

impl Outcome {
    /// Whether JavaScript got a response.
    pub fn is_exposed(&self) -> bool {
        matches!(self.result, FetchResult::Exposed { .. })
    }

    /// The response JavaScript got.
    pub fn response(&self) -> Option<&JsResponse> {
        match &self.result {
            FetchResult::Exposed { response } => Some(response),
            FetchResult::NetworkError { .. } => None,
        }
    }

    /// The network error, if the fetch failed.
    pub fn error(&self) -> Option<&NetworkError> {
        match &self.result {
            FetchResult::Exposed { .. } => None,
            FetchResult::NetworkError { error } => Some(error),
        }
    }

    /// Why the fetch failed, if it did.
    pub fn blocked_reason(&self) -> Option<Reason> {
        self.error().map(|e| e.reason)
    }

    /// Every request that reached the server, in order.
    pub fn server_received(&self) -> Vec<&WireRequest> {
        self.exchanges.iter().map(|e| &e.request).collect()
    }

    /// The first preflight sent, if any.
    pub fn preflight_sent(&self) -> Option<&WireRequest> {
        self.exchanges
            .iter()
            .map(|e| &e.request)
            .find(|r| r.is_preflight())
    }

    /// How many preflights were sent.
    pub fn preflight_count(&self) -> usize {
        self.exchanges
            .iter()
            .filter(|e| e.request.is_preflight())
            .count()
    }

    /// The value of a response header as JavaScript reads it (`None` when
    /// hidden, absent, or the fetch failed).
    pub fn visible_header(&self, name: &str) -> Option<String> {
        self.response().and_then(|r| r.header(name))
    }

    /// The console message `engine` prints, if the fetch failed.
    pub fn console_message(&self, engine: Engine) -> Option<String> {
        self.error().map(|e| e.console_message(engine))
    }

    /// Whether a warning with `code` was raised.
    pub fn has_warning(&self, code: WarningCode) -> bool {
        self.warnings.iter().any(|w| w.code == code)
    }
}

/// A browser: a profile and its preflight cache, shared by its fetches.
#[derive(Debug, Clone)]
pub struct Client {
    profile: Profile,
    cache: PreflightCache,
    tracing: bool,
    /// Per URL, one `Access-Control-Allow-Origin` value (not `*`) seen
    /// before: evidence for the missing-`Vary` warning. Bounded.
    seen_acao: std::collections::BTreeMap<String, String>,
}

impl Default for Client {
    fn default() -> Self {
        Client::new(Profile::spec())
    }
}

impl Client {
    /// A browser with `profile` and an empty cache.
    pub fn new(profile: Profile) -> Client {
        Client {
            profile,
            cache: PreflightCache::new(),
            tracing: true,
            seen_acao: std::collections::BTreeMap::new(),
        }
    }

    /// Whether fetches keep a step-by-step [`Outcome::trace`] (on by
    /// default). Turning it off skips building the trace's messages, which
    /// is most of the cost of a fetch served from the preflight cache.
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    /// Records that `url` answered `acao`; returns an earlier, different
    /// value if there was one.
    fn note_acao(&mut self, url: &str, acao: &str) -> Option<String> {
        const MAX_URLS: usize = 4096;
        match self.seen_acao.get(url) {
            Some(v) if v != acao => Some(v.clone()),
            Some(_) => None,
            None => {
                if self.seen_acao.len() < MAX_URLS {
                    self.seen_acao.insert(url.to_string(), acao.to_string());
                }
                None
            }
        }
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The preflight cache.
    pub fn cache(&self) -> &PreflightCache {
        &self.cache
    }

    /// The preflight cache, to inspect or clear.
    pub fn cache_mut(&mut self) -> &mut PreflightCache {
        &mut self.cache
    }

    /// Starts a fetch at `now`.
    pub fn start(&mut self, request: Request, now: Time) -> Result<Fetch, InputError> {
        Fetch::start(self, request, now)
    }

    /// Runs a whole fetch against `server`, which answers each request the
    /// browser sends (preflights included) at `now`.
    ///
    /// ```
    /// use cors_sim::{Client, Profile, Request, ServerResponse, Time, Reason};
    /// let mut client = Client::new(Profile::firefox());
    /// let req = Request::new("https://evil.example", "POST", "https://bank.example/transfer")?;
    /// let outcome = client.run(req, Time::ZERO, |_| ServerResponse::new(200))?;
    /// // The POST reached the server; JavaScript cannot read the answer.
    /// assert_eq!(outcome.server_received().len(), 1);
    /// assert_eq!(outcome.blocked_reason(), Some(Reason::MissingAllowOrigin));
    /// # Ok::<(), cors_sim::InputError>(())
    /// ```
    pub fn run(
        &mut self,
        request: Request,
        now: Time,
        mut server: impl FnMut(&WireRequest) -> ServerResponse,
    ) -> Result<Outcome, InputError> {
        self.try_run(request, now, |r| {
            Ok::<_, std::convert::Infallible>(server(r))
        })
    }

    /// Like [`Client::run`] with a server that may fail; its error becomes
    /// [`InputError::Server`].
    pub fn try_run<E: std::fmt::Display>(
        &mut self,
        request: Request,
        now: Time,
        mut server: impl FnMut(&WireRequest) -> Result<ServerResponse, E>,
    ) -> Result<Outcome, InputError> {
        let mut fetch = self.start(request, now)?;
        // A fetch sends at most 2 requests per hop and follows at most 20
        // redirects; the bound guards against a broken state machine.
        for _ in 0..(2 * (REDIRECT_LIMIT as usize + 2)) {
            let Some(sent) = fetch.pending() else { break };
            let response = server(sent).map_err(|e| InputError::Server(e.to_string()))?;
            fetch.receive(self, response, now)?;
        }
        fetch.into_outcome()
    }
}

#[derive(Debug, Clone)]
struct PreflightCtx {
    unsafe_names: Vec<String>,
    serialized_origin: String,
    key: CacheKey,
}

#[derive(Debug, Clone)]
enum State {
    Preflight(WireRequest, PreflightCtx),
    Actual(WireRequest),
    Done(Box<Outcome>),
    /// Only while a response is being handled.
    Busy,
}

/// One fetch in progress.
#[derive(Debug, Clone)]
pub struct Fetch {
    request: Request,
    method: String,
    headers: HeaderList,
    url_list: Vec<Url>,
    tainting: Tainting,
    redirect_count: u32,
    body: Body,
    use_cors_preflight: bool,
    preflight_branch: bool,
    authorization_stripped: bool,
    method_changed_origin: Option<String>,
    last_origin_header: Option<String>,
    state: State,
    /// The page's origin, serialized once.
    page_origin: String,
    tracing: bool,
    exchanges: Vec<Exchange>,
    warnings: Vec<Warning>,
    trace: Vec<TraceEvent>,
    engine: Engine,
}

impl Fetch {
    fn start(client: &mut Client, request: Request, now: Time) -> Result<Fetch, InputError> {
        let engine = client.profile.engine;
        let url = request.url.clone();
        let mut f = Fetch {
            method: request.method.clone(),
            headers: HeaderList::new(),
            url_list: vec![url],
            tainting: Tainting::Basic,
            redirect_count: 0,
            body: request.body.clone(),
            use_cors_preflight: request.use_cors_preflight,
            preflight_branch: false,
            authorization_stripped: false,
            method_changed_origin: None,
            last_origin_header: None,
            state: State::Done(Box::new(Outcome {
                result: FetchResult::Exposed {
                    response: response_filter::opaque(),
                },
                exchanges: Vec::new(),
                warnings: Vec::new(),
                trace: Vec::new(),
                engine,
            })),
            page_origin: request.origin.serialize(),
            tracing: client.tracing,
            exchanges: Vec::new(),
            warnings: Vec::new(),
            trace: Vec::new(),
            engine,
            request,
        };
        // Headers that no page could set are bad input, not a TypeError.
        for h in &f.request.headers {
            validate_name(&h.name)?;
            validate_value(&h.name, normalize_value(&h.value))?;
        }
        // fetch: #dom-request (the checks that make `fetch()` throw).
        let m = f.request.method.as_bytes();
        if !is_method(m) {
            return Ok(f.finish_error(Reason::InvalidMethod, None, None, None));
        }
        if is_forbidden_method(m) {
            let m = f.request.method.clone();
            return Ok(f.finish_error(Reason::ForbiddenMethod, Some(m), None, None));
        }
        f.method = String::from_utf8_lossy(&normalize_method(m)).into_owned();
        if includes_credentials(&f.request.url) {
            return Ok(f.finish_error(Reason::UrlHasCredentials, None, None, None));
        }
        if f.request.mode == Mode::NoCors && !is_cors_safelisted_method(f.method.as_bytes()) {
            let m = f.method.clone();
            return Ok(f.finish_error(Reason::NoCorsMethodNotSafelisted, Some(m), None, None));
        }
        if f.body.is_some() && matches!(f.method.as_str(), "GET" | "HEAD") {
            return Ok(f.finish_error(Reason::BodyWithGetOrHead, None, None, None));
        }
        if f.body == Body::Stream {
            if f.request.mode == Mode::NoCors {
                return Ok(f.finish_error(Reason::StreamBodyInNoCors, None, None, None));
            }
            f.use_cors_preflight = true;
        }
        // fetch: #headers-validate, #concept-headers-append (the guards).
        let no_cors = f.request.mode == Mode::NoCors;
        for h in f.request.headers.clone().iter() {
            let value = normalize_value(&h.value);
            if is_forbidden_request_header(&h.name, value) {
                f.warn(
                    WarningCode::ForbiddenHeaderDropped,
                    format!(
                        "the browser drops the forbidden request header {}",
                        h.name_str()
                    ),
                );
                continue;
            }
            if no_cors {
                let name = h.name_str();
                let combined = match f.headers.get(&name) {
                    Some(mut v) => {
                        v.extend_from_slice(b", ");
                        v.extend_from_slice(value);
                        v
                    }
                    None => value.to_vec(),
                };
                if !is_no_cors_safelisted_request_header(&h.name, &combined)
                    || is_privileged_no_cors_request_header_name(&h.name)
                {
                    f.warn(
                        WarningCode::NoCorsHeaderDropped,
                        format!("in mode no-cors the browser drops the request header {name}"),
                    );
                    continue;
                }
            }
            f.headers.append(&h.name, value);
        }
        // fetch: #concept-fetch (Accept: */* when the page set none).
        if !f.headers.contains("accept") {
            f.headers.append("Accept", "*/*");
        }
        trace!(
            f,
            TraceKind::Request,
            format!(
                "{} {} from {} (mode {}, credentials {}, redirect {})",
                f.method,
                f.request.url,
                f.request.origin,
                f.request.mode,
                f.request.credentials,
                f.request.redirect
            ),
        );
        f.main_fetch(client, now);
        Ok(f)
    }

    /// The request the caller must send next, if the fetch is not over.
    pub fn pending(&self) -> Option<&WireRequest> {
        match &self.state {
            State::Preflight(w, _) | State::Actual(w) => Some(w),
            State::Done(_) | State::Busy => None,
        }
    }

    /// Whether the fetch is over.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done(_))
    }

    /// The outcome, once the fetch is over.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.state {
            State::Done(o) => Some(o),
            _ => None,
        }
    }

    /// The outcome; an error if the fetch still waits for a response.
    pub fn into_outcome(self) -> Result<Outcome, InputError> {
        match self.state {
            State::Done(o) => Ok(*o),
            _ => Err(InputError::State(
                "the fetch is still waiting for a response",
            )),
        }
    }

    /// Hands the server's response to the pending request to the fetch, at `now`.
    pub fn receive(
        &mut self,
        client: &mut Client,
        response: ServerResponse,
        now: Time,
    ) -> Result<(), InputError> {
        if !(100..=599).contains(&response.status) {
            return Err(InputError::InvalidStatus {
                status: response.status,
            });
        }
        for h in &response.headers {
            validate_name(&h.name)?;
        }
        match std::mem::replace(&mut self.state, State::Busy) {
            State::Busy => Err(InputError::State("the fetch is handling a response")),
            State::Done(o) => {
                self.state = State::Done(o);
                Err(InputError::State(
                    "the fetch is over; no request is pending",
                ))
            }
            State::Preflight(wire, ctx) => {
                trace!(
                    self,
                    TraceKind::Receive,
                    format!("preflight answered {}", response.status),
                );
                self.exchanges.push(Exchange {
                    request: wire,
                    response: response.clone(),
                });
                self.on_preflight_response(client, ctx, response, now);
                Ok(())
            }
            State::Actual(wire) => {
                trace!(
                    self,
                    TraceKind::Receive,
                    format!("{} answered {}", wire.url, response.status),
                );
                self.exchanges.push(Exchange {
                    request: wire,
                    response: response.clone(),
                });
                self.on_actual_response(client, response, now);
                Ok(())
            }
        }
    }

    fn current_url(&self) -> &Url {
        // The list always has the request URL.
        self.url_list.last().unwrap_or(&self.request.url)
    }

    fn tainted(&self) -> bool {
        // A single URL has no hop to taint it.
        self.url_list.len() > 1 && is_tainted(&self.request.origin, &self.url_list)
    }

    fn serialized_origin(&self) -> String {
        if self.tainted() {
            "null".to_string()
        } else {
            self.page_origin.clone()
        }
    }

    fn cache_key(&self, origin: String) -> CacheKey {
        CacheKey {
            partition: self.request.partition.clone(),
            origin,
            url: self.current_url().to_string(),
            credentials: None,
        }
    }

    fn warn(&mut self, code: WarningCode, message: String) {
        if !self
            .warnings
            .iter()
            .any(|w| w.code == code && w.message == message)
        {
            self.warnings.push(Warning { code, message });
        }
    }

    /// fetch: #main-fetch
    fn main_fetch(&mut self, client: &mut Client, now: Time) {
        let url = self.current_url().clone();
        if url.scheme() == "data" {
            trace!(
                self,
                TraceKind::Classify,
                "a data: URL gives a basic response, no network".into(),
            );
            let response = data_url_response(&url);
            self.finish_response(response_filter::basic(
                &response,
                &self.url_list,
                &self.method,
            ));
            return;
        }
        let same_origin = Origin::of_url(&url).same_origin(&self.request.origin);
        if same_origin && self.tainting == Tainting::Basic {
            trace!(
                self,
                TraceKind::Classify,
                "same-origin and untainted: tainting basic, no CORS at all".into(),
            );
            self.send_actual(client);
            return;
        }
        match self.request.mode {
            Mode::SameOrigin => {
                trace!(
                    self,
                    TraceKind::Classify,
                    "mode same-origin to another origin".into(),
                );
                self.fail(client, Reason::DisallowedByMode, None, None, None);
                return;
            }
            Mode::NoCors => {
                if self.request.redirect != RedirectMode::Follow {
                    trace!(
                        self,
                        TraceKind::Classify,
                        "mode no-cors needs redirect mode follow".into(),
                    );
                    self.fail(client, Reason::NoCorsRedirectMode, None, None, None);
                    return;
                }
                self.tainting = Tainting::Opaque;
                trace!(
                    self,
                    TraceKind::Classify,
                    "mode no-cors to another origin: tainting opaque, no preflight, no CORS check"
                        .into(),
                );
                self.send_actual(client);
                return;
            }
            Mode::Cors => {}
        }
        if !matches!(url.scheme(), "http" | "https") {
            trace!(
                self,
                TraceKind::Classify,
                format!("scheme {} cannot be fetched with CORS", url.scheme()),
            );
            self.fail(client, Reason::UnsupportedScheme, None, None, None);
            return;
        }
        self.tainting = Tainting::Cors;
        let profile = &client.profile;
        let mut unsafe_names =
            cors_unsafe_request_header_names_with(&self.headers, profile.safelist);
        let mut force = self.use_cors_preflight;
        if self.authorization_stripped {
            match profile.after_authorization_strip {
                AfterAuthorizationStrip::Recompute => {}
                AfterAuthorizationStrip::PreflightWithoutHeaders => force = true,
                AfterAuthorizationStrip::PreflightListingAuthorization => {
                    force = true;
                    unsafe_names.push("authorization".to_string());
                    unsafe_names.sort();
                    unsafe_names.dedup();
                }
            }
        }
        let method_safe = is_cors_safelisted_method(self.method.as_bytes());
        let needs =
            force || (self.request.unsafe_request && (!method_safe || !unsafe_names.is_empty()));
        if !needs {
            trace!(
                self,
                TraceKind::Classify,
                format!(
                    "cross-origin simple request: method {} is safelisted and every header is safelisted; tainting cors, no preflight",
                    self.method
                ),
            );
            self.send_actual(client);
            return;
        }
        let mut why = Vec::new();
        if force {
            why.push("the use-CORS-preflight flag is set".to_string());
        }
        if !method_safe {
            why.push(format!("method {} is not GET, HEAD or POST", self.method));
        }
        if !unsafe_names.is_empty() {
            why.push(format!("unsafe headers: {}", unsafe_names.join(", ")));
        }
        trace!(
            self,
            TraceKind::Classify,
            format!(
                "cross-origin, preflight needed ({}); tainting cors",
                why.join("; ")
            ),
        );
        self.preflight_branch = true;
        let preflight_origin = match (self.tainted(), client.profile.tainted_preflight_origin) {
            (true, TaintedPreflightOrigin::PageOrigin) => self.page_origin.clone(),
            _ => self.serialized_origin(),
        };
        let key = self.cache_key(preflight_origin.clone());
        let query = CacheQuery {
            key: key.clone(),
            credentials: self.request.credentials,
            method: self.method.clone(),
            unsafe_names: unsafe_names.clone(),
            force_method: force,
        };
        let lookup = client.cache.lookup(&client.profile, &query, now);
        if !lookup.needs_preflight {
            trace!(
                self,
                TraceKind::CacheLookup,
                format!("cache hit for {} {}: no preflight", self.method, key.url),
            );
            self.send_actual(client);
            return;
        }
        let mut missing = Vec::new();
        if lookup.method_missing {
            missing.push(format!("method {}", self.method));
        }
        missing.extend(lookup.headers_missing.iter().map(|h| format!("header {h}")));
        trace!(
            self,
            TraceKind::CacheLookup,
            format!(
                "cache miss ({}){}",
                missing.join(", "),
                if lookup.erased {
                    "; the insufficient entry was erased"
                } else {
                    ""
                }
            ),
        );
        let mut headers = preflight_headers(&self.method, &unsafe_names);
        headers.append("Origin", &preflight_origin);
        let wire = WireRequest {
            kind: RequestKind::Preflight,
            method: "OPTIONS".to_string(),
            url: url.clone(),
            headers,
            credentials: false,
            has_body: false,
        };
        trace!(
            self,
            TraceKind::Send,
            format!(
                "OPTIONS {} with Access-Control-Request-Method: {}{}",
                url,
                self.method,
                if unsafe_names.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", Access-Control-Request-Headers: {}",
                        unsafe_names.join(",")
                    )
                }
            ),
        );
        self.state = State::Preflight(
            wire,
            PreflightCtx {
                unsafe_names,
                serialized_origin: preflight_origin,
                key,
            },
        );
    }

    /// fetch: #append-a-request-origin-header
    fn origin_header(&self, profile: &Profile) -> Option<String> {
        let mut serialized = self.serialized_origin();
        let header = if self.tainting == Tainting::Cors {
            Some(serialized)
        } else if !matches!(self.method.as_str(), "GET" | "HEAD") {
            if self.request.mode != Mode::Cors {
                let url = self.current_url();
                let downgrade =
                    self.request.origin.scheme() == Some("https") && url.scheme() != "https";
                let by_policy = profile.referrer_policy_nulls_origin;
                let nulled = match self.request.referrer_policy {
                    ReferrerPolicy::NoReferrer => by_policy,
                    ReferrerPolicy::NoReferrerWhenDowngrade
                    | ReferrerPolicy::StrictOrigin
                    | ReferrerPolicy::StrictOriginWhenCrossOrigin => downgrade,
                    ReferrerPolicy::SameOrigin => {
                        by_policy && !self.request.origin.same_origin(&Origin::of_url(url))
                    }
                    _ => false,
                };
                let redirected_away = profile.no_cors_redirect_nulls_origin
                    && self.request.mode == Mode::NoCors
                    && self
                        .url_list
                        .windows(2)
                        .any(|w| matches!(w, [a, b] if !Origin::of_url(a).same_origin(&Origin::of_url(b))));
                if nulled || redirected_away {
                    serialized = "null".to_string();
                }
            }
            Some(serialized)
        } else {
            None
        };
        header.or_else(|| self.method_changed_origin.clone())
    }

    fn send_actual(&mut self, client: &Client) {
        let mut headers = self.headers.clone();
        let origin = self.origin_header(&client.profile);
        if let Some(o) = &origin {
            headers.append("Origin", o);
        }
        self.last_origin_header = origin;
        // fetch: #http-network-or-cache-fetch (includeCredentials).
        let credentials = self.request.credentials == CredentialsMode::Include
            || (self.request.credentials == CredentialsMode::SameOrigin
                && self.tainting == Tainting::Basic);
        let wire = WireRequest {
            kind: RequestKind::Actual,
            method: self.method.clone(),
            url: self.current_url().clone(),
            headers,
            credentials,
            has_body: self.body.is_some(),
        };
        trace!(
            self,
            TraceKind::Send,
            format!(
                "{} {}{}{}",
                wire.method,
                wire.url,
                wire.origin()
                    .map(|o| format!(" with Origin: {o}"))
                    .unwrap_or_default(),
                if credentials {
                    ", with cookies"
                } else {
                    ", without cookies"
                }
            ),
        );
        self.state = State::Actual(wire);
    }

    fn on_preflight_response(
        &mut self,
        client: &mut Client,
        ctx: PreflightCtx,
        response: ServerResponse,
        now: Time,
    ) {
        let headers = response.headers.normalized();
        let status = response.status;
        let credentials = self.request.credentials;
        let cors = cors_check(&headers, &ctx.serialized_origin, credentials);
        let mut failure: Option<(Reason, Option<String>, Option<String>)> = None;
        if is_redirect_status(status) {
            failure = Some((Reason::PreflightRedirect, None, None));
        } else if client.profile.preflight_status_first && !is_ok_status(status) {
            failure = Some((Reason::PreflightInvalidStatus, None, None));
        } else if let Err(f) = &cors {
            let (r, v) = cors_failure(f.clone(), true);
            failure = Some((r, None, v));
        } else if !is_ok_status(status) {
            failure = Some((Reason::PreflightInvalidStatus, None, None));
        }
        trace!(
            self,
            TraceKind::CorsCheck,
            match &cors {
                Ok(()) => format!(
                    "preflight CORS check passed for origin {}",
                    ctx.serialized_origin
                ),
                Err(f) => format!("preflight CORS check failed: {f:?}"),
            },
        );
        if let Some((reason, detail, value)) = failure {
            self.clear_cache(client, &ctx.key);
            self.fail_with_status(client, reason, detail, value, Some(status), false);
            return;
        }
        self.note_allow_origin(client, &headers);
        let has_authorization = self.headers.contains("authorization");
        let check = check_allow_lists(
            &headers,
            AllowCheckInput {
                method: &self.method,
                unsafe_names: &ctx.unsafe_names,
                has_authorization,
                credentials,
                use_cors_preflight: self.use_cors_preflight,
                wildcard_covers_authorization: client.profile.wildcard_covers_authorization,
            },
        );
        if check.authorization_by_wildcard {
            self.warn(
                WarningCode::AuthorizationCoveredByWildcard,
                "Access-Control-Allow-Headers: * let Authorization through; the standard requires it to be listed by name"
                    .into(),
            );
        }
        if credentials == CredentialsMode::Include {
            let star = |n: &str| {
                crate::header_values::extract_token_list(&headers, n)
                    .list()
                    .is_some_and(|l| l.iter().any(|i| i == "*"))
            };
            if star("access-control-allow-methods") || star("access-control-allow-headers") {
                self.warn(
                    WarningCode::WildcardLiteralWithCredentials,
                    "with credentials, * in Access-Control-Allow-Methods or -Headers is a literal name, not a wildcard"
                        .into(),
                );
            }
        }
        let max_age = client.profile.max_age(&headers);
        if let Some(refusal) = check.refusal.clone() {
            trace!(self, TraceKind::AllowCheck, format!("refused: {refusal:?}"));
            self.clear_cache(client, &ctx.key);
            if client.profile.store_refused_preflight
                && matches!(
                    refusal,
                    PreflightRefusal::MethodNotAllowed { .. }
                        | PreflightRefusal::HeaderNotAllowed { .. }
                )
            {
                if let (Some(methods), Some(hdrs), Some(secs)) =
                    (check.methods, check.headers, max_age.seconds)
                {
                    let grant = PreflightGrant {
                        methods,
                        headers: hdrs,
                    };
                    client
                        .cache
                        .store(&client.profile, &ctx.key, credentials, &grant, secs, now);
                }
            }
            let (reason, detail, raw) = match refusal {
                PreflightRefusal::InvalidAllowMethods { item } => (
                    Reason::InvalidAllowMethods,
                    item,
                    headers.get_str("access-control-allow-methods"),
                ),
                PreflightRefusal::InvalidAllowHeaders { item } => (
                    Reason::InvalidAllowHeaders,
                    item,
                    headers.get_str("access-control-allow-headers"),
                ),
                PreflightRefusal::MethodNotAllowed { method } => {
                    (Reason::MethodNotAllowed, method, None)
                }
                PreflightRefusal::HeaderNotAllowed { header } => {
                    // The name as the page wrote it (WebKit prints that form).
                    let as_set = self
                        .headers
                        .iter()
                        .find(|h| h.is(&header))
                        .map(|h| h.name_str());
                    (Reason::HeaderNotAllowed, header, as_set)
                }
            };
            self.fail_with_status(client, reason, Some(detail), raw, Some(status), false);
            return;
        }
        trace!(
            self,
            TraceKind::AllowCheck,
            "method and headers allowed".into()
        );
        if !max_age.valid {
            self.warn(
                WarningCode::InvalidMaxAge,
                format!(
                    "Access-Control-Max-Age {:?} is not valid; {}",
                    max_age.raw.clone().unwrap_or_default(),
                    match max_age.seconds {
                        Some(s) => format!("cached for {s} s"),
                        None => "the result is not cached".to_string(),
                    }
                ),
            );
        }
        if max_age.capped {
            self.warn(
                WarningCode::MaxAgeCapped,
                format!(
                    "Access-Control-Max-Age {} is above this browser's cap; cached for {} s",
                    max_age.raw.clone().unwrap_or_default(),
                    max_age.seconds.unwrap_or(0)
                ),
            );
        }
        match (max_age.seconds, check.methods, check.headers) {
            (Some(secs), Some(methods), Some(hdrs)) => {
                let grant = PreflightGrant {
                    methods,
                    headers: hdrs,
                };
                client
                    .cache
                    .store(&client.profile, &ctx.key, credentials, &grant, secs, now);
                trace!(
                    self,
                    TraceKind::CacheStore,
                    format!(
                        "cached methods [{}] and headers [{}] for {} until {}",
                        grant.methods.join(", "),
                        grant.headers.join(", "),
                        ctx.key.url,
                        now.plus_secs(secs)
                    ),
                );
            }
            _ => trace!(self, TraceKind::CacheStore, "nothing cached".into()),
        }
        self.send_actual(client);
    }

    fn note_allow_origin(&mut self, client: &mut Client, headers: &HeaderList) {
        let Some(acao) = headers.get_str("access-control-allow-origin") else {
            return;
        };
        if acao == "null" {
            self.warn(
                WarningCode::AllowOriginNullTrusted,
                "Access-Control-Allow-Origin: null lets any sandboxed page or data: document read the response".into(),
            );
        } else if acao != "*" {
            let varies = headers.get_all("vary").any(|v| {
                v.split(|&b| b == b',').any(|item| {
                    let item = crate::header_list::normalize_value(item);
                    item.eq_ignore_ascii_case(b"origin") || item == b"*"
                })
            });
            // A static origin needs no Vary (fetch: #cors-protocol-and-http-caches);
            // only a URL seen answering different origins with different
            // values is evidence that the server picks the value per request.
            let mut url = self.current_url().clone();
            url.set_fragment(None);
            let other = client.note_acao(url.as_str(), &acao);
            if let (false, Some(other)) = (varies, other) {
                self.warn(
                    WarningCode::MissingVaryOrigin,
                    format!(
                        "{url} answered Access-Control-Allow-Origin {other} before and {acao} now, so it picks the value per request origin, but Vary does not list Origin: a shared cache may hand one origin's answer to another"
                    ),
                );
            }
        }
    }

    fn on_actual_response(&mut self, client: &mut Client, response: ServerResponse, now: Time) {
        let headers = response.headers.normalized();
        let status = response.status;
        if self.tainting == Tainting::Cors {
            // fetch: #http-fetch (the CORS check, on every response, redirects included).
            let origin = self.serialized_origin();
            match cors_check(&headers, &origin, self.request.credentials) {
                Ok(()) => {
                    trace!(
                        self,
                        TraceKind::CorsCheck,
                        format!("CORS check passed for origin {origin}"),
                    );
                    self.note_allow_origin(client, &headers);
                }
                Err(f) => {
                    trace!(
                        self,
                        TraceKind::CorsCheck,
                        format!("CORS check failed: {f:?}")
                    );
                    let (reason, value) = cors_failure(f, false);
                    let clear = match client.profile.clear_on_failure {
                        ClearOnFailure::PreflightBranch => self.preflight_branch,
                        ClearOnFailure::AnyCorsFailure => true,
                        ClearOnFailure::Never => false,
                    };
                    if clear {
                        let key = self.cache_key(self.serialized_origin());
                        self.clear_cache(client, &key);
                    }
                    self.warn(
                        WarningCode::SideEffectsDespiteBlock,
                        format!(
                            "{} {} reached the server and was processed; only reading the response is blocked",
                            self.method,
                            self.current_url()
                        ),
                    );
                    self.fail_with_status(client, reason, None, value, Some(status), true);
                    return;
                }
            }
        }
        if is_redirect_status(status) {
            match self.request.redirect {
                RedirectMode::Error => {
                    self.fail_with_status(
                        client,
                        Reason::RedirectNotAllowed,
                        None,
                        None,
                        Some(status),
                        true,
                    );
                    return;
                }
                RedirectMode::Manual => {
                    trace!(
                        self,
                        TraceKind::Result,
                        "redirect mode manual: an opaqueredirect response".into(),
                    );
                    self.finish_response(response_filter::opaque_redirect(&self.url_list));
                    return;
                }
                RedirectMode::Follow => {
                    if headers.contains("location") {
                        self.redirect(client, &headers, status, now);
                        return;
                    }
                }
            }
        }
        let js = match self.tainting {
            Tainting::Basic => response_filter::basic(&response, &self.url_list, &self.method),
            Tainting::Opaque => response_filter::opaque(),
            Tainting::Cors => {
                let exposed = cors_exposed_header_names(&headers, self.request.credentials);
                match exposed.source {
                    ExposeSource::ParseFailure => self.warn(
                        WarningCode::InvalidExposeHeaders,
                        "Access-Control-Expose-Headers does not parse; only the safelisted headers are visible"
                            .into(),
                    ),
                    ExposeSource::Listed
                        if self.request.credentials == CredentialsMode::Include
                            && exposed.names.iter().any(|n| n == "*") =>
                    {
                        self.warn(
                            WarningCode::WildcardLiteralWithCredentials,
                            "with credentials, * in Access-Control-Expose-Headers is a literal name, not a wildcard"
                                .into(),
                        )
                    }
                    _ => {}
                }
                let hidden: Vec<String> = headers
                    .unique_names()
                    .into_iter()
                    .filter(|n| {
                        !is_cors_safelisted_response_header_name(n.as_bytes(), &exposed.names)
                            && !n.starts_with("access-control-")
                            && n != "vary"
                    })
                    .collect();
                if !hidden.is_empty() {
                    self.warn(
                        WarningCode::HeaderHidden,
                        format!(
                            "JavaScript cannot read these response headers: {} (list them in Access-Control-Expose-Headers to expose them)",
                            hidden.join(", ")
                        ),
                    );
                }
                response_filter::cors(&response, &self.url_list, &self.method, &exposed.names)
            }
        };
        self.finish_response(js);
    }

    /// fetch: #http-redirect-fetch
    fn redirect(&mut self, client: &mut Client, headers: &HeaderList, status: u16, now: Time) {
        let from = self.current_url().clone();
        let locations: Vec<&[u8]> = headers.get_all("location").collect();
        // A Location with several values does not parse either.
        let (location, parsed) = match locations.as_slice() {
            [one] => {
                let location = crate::header_list::isomorphic_decode(one);
                let parsed = location_url(&from, &location).ok();
                (location, parsed)
            }
            _ => (String::new(), None),
        };
        let Some(to) = parsed else {
            self.fail_with_status(
                client,
                Reason::RedirectInvalidLocation,
                Some(location),
                None,
                Some(status),
                true,
            );
            return;
        };
        if !matches!(to.scheme(), "http" | "https") {
            self.fail_with_status(
                client,
                Reason::RedirectUnsupportedScheme,
                Some(to.to_string()),
                None,
                Some(status),
                true,
            );
            return;
        }
        if self.redirect_count >= REDIRECT_LIMIT {
            self.fail_with_status(
                client,
                Reason::TooManyRedirects,
                None,
                None,
                Some(status),
                true,
            );
            return;
        }
        self.redirect_count += 1;
        let creds = includes_credentials(&to);
        let refuse_creds = match client.profile.redirect_credentials {
            RedirectCredentials::Always => creds,
            RedirectCredentials::Spec => {
                (self.request.mode == Mode::Cors
                    && creds
                    && !self.request.origin.same_origin(&Origin::of_url(&to)))
                    || (self.tainting == Tainting::Cors && creds)
            }
        };
        if refuse_creds {
            self.fail_with_status(
                client,
                Reason::RedirectHasCredentials,
                Some(to.to_string()),
                None,
                Some(status),
                true,
            );
            return;
        }
        if status != 303 && self.body == Body::Stream {
            self.fail_with_status(
                client,
                Reason::RedirectStreamBody,
                None,
                None,
                Some(status),
                true,
            );
            return;
        }
        let (mut method, mut drop_body) = redirected_method(status, &self.method);
        if client.profile.redirect_307_delete_becomes_get
            && matches!(status, 307 | 308)
            && method == "DELETE"
        {
            method = "GET".to_string();
            drop_body = true;
        }
        if method != self.method {
            self.method_changed_origin = if client.profile.method_change_keeps_origin {
                self.last_origin_header.clone()
            } else {
                None
            };
        }
        if drop_body {
            self.body = Body::None;
            for n in REQUEST_BODY_HEADER_NAMES {
                self.headers.remove(n);
            }
        }
        self.method = method;
        if !Origin::of_url(&from).same_origin(&Origin::of_url(&to))
            && self.headers.contains("authorization")
        {
            self.headers.remove("authorization");
            self.authorization_stripped = true;
            self.warn(
                WarningCode::AuthorizationStripped,
                format!(
                    "the redirect to {to} crosses origins, so the browser removed Authorization"
                ),
            );
        }
        trace!(
            self,
            TraceKind::Redirect,
            format!("{status} from {from} to {to}; now {} {to}", self.method),
        );
        self.url_list.push(to);
        self.main_fetch(client, now);
    }

    fn clear_cache(&mut self, client: &mut Client, key: &CacheKey) {
        let before = client.cache.len();
        client.cache.clear(key);
        if client.cache.len() != before {
            trace!(
                self,
                TraceKind::CacheClear,
                format!("cleared preflight-cache entries for {}", key.url),
            );
        }
    }

    fn fail(
        &mut self,
        client: &mut Client,
        reason: Reason,
        detail: Option<String>,
        value: Option<String>,
        status: Option<u16>,
    ) {
        self.fail_with_status(client, reason, detail, value, status, false);
    }

    fn fail_with_status(
        &mut self,
        client: &mut Client,
        reason: Reason,
        detail: Option<String>,
        value: Option<String>,
        status: Option<u16>,
        actual: bool,
    ) {
        // fetch: #main-fetch (a network error in the preflight branch clears the cache).
        if actual
            && self.preflight_branch
            && client.profile.clear_on_failure == ClearOnFailure::PreflightBranch
        {
            let key = self.cache_key(self.serialized_origin());
            self.clear_cache(client, &key);
        }
        let error = self.network_error(reason, detail, value, status);
        self.finish(FetchResult::NetworkError { error });
    }

    fn network_error(
        &self,
        reason: Reason,
        detail: Option<String>,
        value: Option<String>,
        status: Option<u16>,
    ) -> NetworkError {
        NetworkError {
            reason,
            url: self.current_url().clone(),
            initial_url: self.request.url.clone(),
            origin: self.page_origin.clone(),
            method: self.method.clone(),
            detail,
            value,
            status,
            credentials: self.request.credentials == CredentialsMode::Include,
        }
    }

    fn finish_error(
        mut self,
        reason: Reason,
        detail: Option<String>,
        value: Option<String>,
        status: Option<u16>,
    ) -> Fetch {
        let error = self.network_error(reason, detail, value, status);
        self.finish(FetchResult::NetworkError { error });
        self
    }

    fn finish_response(&mut self, response: JsResponse) {
        self.finish(FetchResult::Exposed { response });
    }

    fn finish(&mut self, result: FetchResult) {
        match &result {
            FetchResult::Exposed { response } => trace!(
                self,
                TraceKind::Result,
                format!(
                    "JavaScript gets a {} response, status {}, headers [{}]",
                    response.type_,
                    response.status,
                    response.headers.unique_names().join(", ")
                ),
            ),
            FetchResult::NetworkError { error } => trace!(
                self,
                TraceKind::Result,
                format!(
                    "fetch() rejects with a TypeError: {} ({})",
                    error.reason.describe(),
                    error.reason.code()
                ),
            ),
        }
        self.state = State::Done(Box::new(Outcome {
            result,
            exchanges: std::mem::take(&mut self.exchanges),
            warnings: std::mem::take(&mut self.warnings),
            trace: std::mem::take(&mut self.trace),
            engine: self.engine,
        }));
    }
}

/// The reason (and the offending value) of a failed CORS check, on a
/// preflight or on another response.
///
/// fetch: #concept-cors-check
fn cors_failure(f: CorsCheckFailure, preflight: bool) -> (Reason, Option<String>) {
    let pick =
        |on_preflight: Reason, otherwise: Reason| if preflight { on_preflight } else { otherwise };
    match f {
        CorsCheckFailure::MissingAllowOrigin => (
            pick(
                Reason::PreflightMissingAllowOrigin,
                Reason::MissingAllowOrigin,
            ),
            None,
        ),
        CorsCheckFailure::MultipleAllowOrigin { value } => (
            pick(
                Reason::PreflightMultipleAllowOrigin,
                Reason::MultipleAllowOrigin,
            ),
            Some(value),
        ),
        CorsCheckFailure::WildcardWithCredentials => (
            pick(
                Reason::PreflightWildcardOriginWithCredentials,
                Reason::WildcardOriginWithCredentials,
            ),
            Some("*".into()),
        ),
        CorsCheckFailure::AllowOriginMismatch { value } => (
            pick(
                Reason::PreflightAllowOriginMismatch,
                Reason::AllowOriginMismatch,
            ),
            Some(value),
        ),
        CorsCheckFailure::AllowCredentialsNotTrue { value } => (
            pick(
                Reason::PreflightAllowCredentialsNotTrue,
                Reason::AllowCredentialsNotTrue,
            ),
            Some(value.unwrap_or_default()),
        ),
    }
}

/// A `data:` URL's response: status 200, its MIME type, its text.
///
/// fetch: #data-url-processor (simplified: no base64 decoding of the body)
fn data_url_response(url: &Url) -> ServerResponse {
    let s = url.as_str().strip_prefix("data:").unwrap_or_default();
    let (meta, body) = s.split_once(',').unwrap_or((s, ""));
    let meta = meta.trim();
    let mime = meta.strip_suffix(";base64").unwrap_or(meta);
    let mime = if mime.is_empty() || mime.starts_with(';') {
        format!(
            "text/plain{}",
            if mime.is_empty() {
                ";charset=US-ASCII"
            } else {
                mime
            }
        )
    } else {
        mime.to_string()
    };
    ServerResponse::new(200)
        .header("Content-Type", mime)
        .body(body)
}
