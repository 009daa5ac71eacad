//! Scenarios: the language-neutral case format of `spec-cases/`, and the
//! runner that checks cors-sim (or anything that answers like it) against
//! one.
//!
//! A case is one page origin, a routing table standing for the server, and
//! one or more fetch steps that share a preflight cache, each at a time in
//! seconds, each with the outcome a browser must produce. The format is
//! documented in `docs/spec-cases.md`; `spec-cases/schema.json` is its JSON
//! Schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::diagnostics::Reason;
use crate::error::InputError;
use crate::exchange::{ServerResponse, WireRequest};
use crate::fetch::{Client, Outcome};
use crate::header_list::HeaderList;
use crate::origin::Origin;
use crate::profile::{Engine, Profile};
use crate::request::{Body, CredentialsMode, Mode, RedirectMode, ReferrerPolicy, Request};
use crate::response_filter::ResponseType;
use crate::time::Time;

/// A file of cases about one concept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// The concept the file covers.
    pub concept: String,
    /// What the file covers, in a sentence.
    #[serde(default)]
    pub description: String,
    /// The cases.
    pub cases: Vec<Case>,
}

/// Whether a case's expectation is the only acceptable behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// The standard requires this outcome.
    #[default]
    Required,
    /// The standard leaves the choice to the browser; this outcome is one
    /// acceptable choice. A difference is reported, not failed.
    Acceptable,
}

/// One scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A unique id, `concept/short-name`.
    pub id: String,
    /// One line on what is checked.
    pub description: String,
    /// The Fetch anchors involved (`#concept-cors-check`).
    #[serde(default)]
    pub anchors: Vec<String>,
    /// The checklist rules covered (`R-101`).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Where the expected values come from: `spec`, or a measurement
    /// (`measured: Chromium 156, Firefox 153, WebKitGTK 2.50`).
    pub source: String,
    /// Required or acceptable.
    #[serde(default)]
    pub status: Requirement,
    /// The profiles the case applies to (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<Vec<Engine>>,
    /// The page's origin.
    pub page: Origin,
    /// The server's routing table, for every step.
    #[serde(default)]
    pub server: Vec<Route>,
    /// The fetches, in order, sharing one preflight cache.
    pub steps: Vec<Step>,
}

/// One route of the server: a request it answers, and the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The method, byte for byte (`OPTIONS` for a preflight).
    pub method: String,
    /// The URL (a fragment is ignored: it never reaches a server).
    pub url: String,
    /// The answer's status.
    pub status: u16,
    /// The answer's header lines.
    #[serde(default)]
    pub headers: HeaderList,
    /// The answer's body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// One fetch of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// When, in seconds from the case's start.
    #[serde(default)]
    pub time: f64,
    /// What the page passes to `fetch()`.
    pub request: StepRequest,
    /// Routes for this step only; they take precedence over the case's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server: Vec<Route>,
    /// What must happen.
    #[serde(default)]
    pub expect: Expect,
    /// Per-profile changes to `expect`, where engines differ: each field
    /// given replaces the one in `expect` for that profile.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<Engine, Expect>,
}

fn default_get() -> String {
    "GET".into()
}

/// The arguments of `fetch()` in a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// The URL.
    pub url: String,
    /// The method.
    #[serde(default = "default_get")]
    pub method: String,
    /// Header lines.
    #[serde(default)]
    pub headers: HeaderList,
    /// Mode.
    #[serde(default)]
    pub mode: Mode,
    /// Credentials mode.
    #[serde(default)]
    pub credentials: CredentialsMode,
    /// Redirect mode.
    #[serde(default)]
    pub redirect: RedirectMode,
    /// Referrer policy.
    #[serde(default)]
    pub referrer_policy: ReferrerPolicy,
    /// Body.
    #[serde(default)]
    pub body: Body,
    /// The use-CORS-preflight flag.
    #[serde(default)]
    pub use_cors_preflight: bool,
    /// The unsafe-request flag (false for an HTML element's fetch).
    #[serde(default = "yes")]
    pub unsafe_request: bool,
    /// The network partition key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
}

fn yes() -> bool {
    true
}

impl StepRequest {
    /// The request a page on `page` makes.
    pub fn to_request(&self, page: &Origin) -> Result<Request, InputError> {
        let url = crate::request::parse_url(&self.url)?;
        let mut r = Request::with_origin(page.clone(), &self.method, url)
            .mode(self.mode)
            .credentials(self.credentials)
            .redirect(self.redirect)
            .referrer_policy(self.referrer_policy)
            .body(self.body.clone())
            .use_cors_preflight(self.use_cors_preflight)
            .unsafe_request(self.unsafe_request);
        r.headers = self.headers.clone();
        r.partition = self.partition.clone();
        Ok(r)
    }
}

/// `exposed` or `network-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// JavaScript gets a response.
    Exposed,
    /// `fetch()` rejects.
    NetworkError,
}

/// What a step must produce. Every field is optional: only what is given
/// is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Exposed or network error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeKind>,
    /// The reason of the network error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Whether a preflight was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preflight: Option<bool>,
    /// The requests that reached the server, exactly this many, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_received: Option<Vec<ExpectedRequest>>,
    /// What JavaScript sees of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ExpectedResponse>,
    /// How many URLs have live preflight-cache entries after the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_entries: Option<usize>,
}

impl Expect {
    /// `self` with every field that `over` gives replaced.
    pub fn merged(&self, over: &Expect) -> Expect {
        Expect {
            outcome: over.outcome.or(self.outcome),
            reason: over.reason.or(self.reason),
            preflight: over.preflight.or(self.preflight),
            server_received: over
                .server_received
                .clone()
                .or_else(|| self.server_received.clone()),
            response: over.response.clone().or_else(|| self.response.clone()),
            cache_entries: over.cache_entries.or(self.cache_entries),
        }
    }
}

/// A request the server must have received (a partial match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    /// The method, byte for byte.
    pub method: String,
    /// The URL, if checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Header values to check (the combined value of the name's lines);
    /// `null` means the header must be absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, Option<String>>,
    /// Whether cookies and HTTP authentication went with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<bool>,
    /// Whether it carried a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_body: Option<bool>,
}

/// What JavaScript must see of the response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedResponse {
    /// `response.type`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<ResponseType>,
    /// `response.status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `response.url`: `null` for the empty string (opaque responses).
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Option<String>>,
    /// `response.redirected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected: Option<bool>,
    /// Headers JavaScript must read, with their values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub visible: BTreeMap<String, String>,
    /// Headers JavaScript must not read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
    /// The body text JavaScript reads: absent, not checked; `null`, there
    /// must be no body; a string, the body must be that text.
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub body: Option<Option<String>>,
}

/// Reads a field that may be absent (outer `None`, by `default`), `null`
/// (`Some(None)`) or a value (`Some(Some(v))`).
fn present_or_null<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One difference between what a step expected and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The step (0-based).
    pub step: usize,
    /// What was compared (`outcome`, `server_received[1].headers.origin`).
    pub what: String,
    /// The expected value.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

/// The result of running one case under one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// The case's id.
    pub id: String,
    /// The profile.
    pub engine: Engine,
    /// Required or acceptable.
    pub status: Requirement,
    /// The differences (none: the case passed).
    pub mismatches: Vec<Mismatch>,
    /// Each step's outcome.
    pub outcomes: Vec<Outcome>,
}

impl CaseResult {
    /// Whether every step matched.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

impl Case {
    /// Whether the case applies to `engine`.
    pub fn applies_to(&self, engine: Engine) -> bool {
        self.profiles.as_ref().is_none_or(|p| p.contains(&engine))
    }

    /// The expectation of step `i` for `engine`.
    pub fn expect_for(&self, step: &Step, engine: Engine) -> Expect {
        match step.overrides.get(&engine) {
            Some(o) => step.expect.merged(o),
            None => step.expect.clone(),
        }
    }

    /// Runs the case under `profile` and compares each step.
    pub fn run(&self, profile: &Profile) -> Result<CaseResult, InputError> {
        let engine = profile.engine;
        let mut client = Client::new(profile.clone());
        let mut result = CaseResult {
            id: self.id.clone(),
            engine,
            status: self.status,
            mismatches: Vec::new(),
            outcomes: Vec::new(),
        };
        for (i, step) in self.steps.iter().enumerate() {
            let request = step.request.to_request(&self.page)?;
            let now = Time::from_secs_f64(step.time);
            let outcome = client.try_run(request, now, |sent| {
                route(&step.server, &self.server, sent)
                    .ok_or_else(|| format!("no route for {} {}", sent.method, sent.url))
            });
            let outcome = match outcome {
                Ok(o) => o,
                Err(InputError::Server(msg)) => {
                    result.mismatches.push(Mismatch {
                        step: i,
                        what: "routing".into(),
                        expected: "every request the browser sends is routed".into(),
                        actual: msg,
                    });
                    break;
                }
                Err(e) => return Err(e),
            };
            let expect = self.expect_for(step, engine);
            let live = client.cache().snapshot(now).len();
            compare(
                i,
                &expect,
                &Observation::of(&outcome, Some(live)),
                &mut result.mismatches,
            );
            result.outcomes.push(outcome);
        }
        Ok(result)
    }
}

/// Finds the answer to `sent`: the step's routes first, then the case's.
pub fn route(
    step_routes: &[Route],
    case_routes: &[Route],
    sent: &WireRequest,
) -> Option<ServerResponse> {
    // Neither the fragment nor credentials in the URL reach the server.
    let wire = |mut u: Url| {
        u.set_fragment(None);
        let _ = u.set_username("");
        let _ = u.set_password(None);
        u
    };
    let target = wire(sent.url.clone());
    step_routes.iter().chain(case_routes).find_map(|r| {
        let url = wire(Url::parse(&r.url).ok()?);
        (r.method == sent.method && url == target).then(|| ServerResponse {
            status: r.status,
            headers: r.headers.clone(),
            body: r.body.clone(),
        })
    })
}

/// What an implementation observed for one step: the requests that reached
/// the server and what JavaScript got. cors-sim's own [`Outcome`] converts
/// to it; an external implementation reports it through the shim protocol
/// (`docs/shim-protocol.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// Exposed or network error.
    pub outcome: OutcomeKind,
    /// The reason code of a network error, if the implementation has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every request that reached the server, in order.
    #[serde(default)]
    pub server_received: Vec<ObservedRequest>,
    /// The response JavaScript got.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ObservedResponse>,
    /// How many URLs have live preflight-cache entries, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_entries: Option<usize>,
}

/// A request as it reached the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedRequest {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The header lines.
    #[serde(default)]
    pub headers: HeaderList,
    /// Whether cookies went with it, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<bool>,
    /// Whether it carried a body, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_body: Option<bool>,
}

/// A response as JavaScript sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedResponse {
    /// `response.type`.
    #[serde(rename = "type")]
    pub type_: ResponseType,
    /// `response.status`.
    pub status: u16,
    /// The headers JavaScript can read.
    #[serde(default)]
    pub headers: HeaderList,
    /// The body text (`None`: no body).
    #[serde(default)]
    pub body: Option<String>,
    /// `response.url` (`None`: the empty string), if known.
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Option<String>>,
    /// `response.redirected`, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected: Option<bool>,
}

impl Observation {
    /// What cors-sim observed, from an outcome and the cache after it.
    pub fn of(outcome: &Outcome, cache_entries: Option<usize>) -> Observation {
        Observation {
            outcome: if outcome.is_exposed() {
                OutcomeKind::Exposed
            } else {
                OutcomeKind::NetworkError
            },
            reason: outcome.blocked_reason().map(|r| r.code().to_string()),
            server_received: outcome
                .server_received()
                .into_iter()
                .map(|r| ObservedRequest {
                    method: r.method.clone(),
                    url: r.url.to_string(),
                    headers: r.headers.clone(),
                    credentials: Some(r.credentials),
                    has_body: Some(r.has_body),
                })
                .collect(),
            response: outcome.response().map(|r| ObservedResponse {
                type_: r.type_,
                status: r.status,
                headers: r.headers.clone(),
                body: r.body.clone(),
                url: Some(r.url.as_ref().map(|u| u.to_string())),
                redirected: Some(r.redirected),
            }),
            cache_entries,
        }
    }

    fn describe(&self) -> String {
        match (&self.response, &self.reason) {
            (Some(r), _) => format!("exposed ({} {})", r.type_, r.status),
            (None, Some(reason)) => format!("network-error ({reason})"),
            (None, None) => "network-error".to_string(),
        }
    }
}

/// Compares what a step expected with what an implementation observed;
/// pushes one [`Mismatch`] per difference. A reason is only compared when
/// the observation has one; likewise the cache and credentials.
pub fn compare(step: usize, expect: &Expect, seen: &Observation, out: &mut Vec<Mismatch>) {
    let mut miss = |what: String, expected: String, actual: String| {
        out.push(Mismatch {
            step,
            what,
            expected,
            actual,
        });
    };
    if let Some(k) = expect.outcome {
        if k != seen.outcome {
            miss("outcome".into(), format!("{k:?}"), seen.describe());
        }
    }
    if let (Some(r), Some(got)) = (expect.reason, &seen.reason) {
        if r.code() != got {
            miss("reason".into(), r.code().into(), seen.describe());
        }
    } else if let (Some(r), None) = (expect.reason, &seen.reason) {
        if seen.outcome == OutcomeKind::Exposed {
            miss("reason".into(), r.code().into(), seen.describe());
        }
    }
    if let Some(p) = expect.preflight {
        let sent = seen.server_received.iter().any(|r| r.method == "OPTIONS");
        if p != sent {
            miss("preflight".into(), p.to_string(), sent.to_string());
        }
    }
    if let Some(expected) = &expect.server_received {
        let actual = &seen.server_received;
        if expected.len() != actual.len() {
            miss(
                "server_received".into(),
                format!("{} requests: {}", expected.len(), list_expected(expected)),
                format!("{} requests: {}", actual.len(), list_actual(actual)),
            );
        } else {
            for (j, (e, a)) in expected.iter().zip(actual).enumerate() {
                if e.method != a.method {
                    miss(
                        format!("server_received[{j}].method"),
                        e.method.clone(),
                        a.method.clone(),
                    );
                }
                if let Some(u) = &e.url {
                    if !same_url(u, &a.url) {
                        miss(
                            format!("server_received[{j}].url"),
                            u.clone(),
                            a.url.clone(),
                        );
                    }
                }
                for (name, value) in &e.headers {
                    let got = a.headers.get_str(name);
                    if &got != value {
                        miss(
                            format!("server_received[{j}].headers.{}", name.to_ascii_lowercase()),
                            show(value),
                            show(&got),
                        );
                    }
                }
                if let (Some(c), Some(got)) = (e.credentials, a.credentials) {
                    if c != got {
                        miss(
                            format!("server_received[{j}].credentials"),
                            c.to_string(),
                            got.to_string(),
                        );
                    }
                }
                if let (Some(b), Some(got)) = (e.has_body, a.has_body) {
                    if b != got {
                        miss(
                            format!("server_received[{j}].has_body"),
                            b.to_string(),
                            got.to_string(),
                        );
                    }
                }
            }
        }
    }
    if let Some(er) = &expect.response {
        match &seen.response {
            None => miss("response".into(), "a response".into(), seen.describe()),
            Some(r) => {
                if let Some(t) = er.type_ {
                    if t != r.type_ {
                        miss("response.type".into(), t.to_string(), r.type_.to_string());
                    }
                }
                if let Some(st) = er.status {
                    if st != r.status {
                        miss(
                            "response.status".into(),
                            st.to_string(),
                            r.status.to_string(),
                        );
                    }
                }
                if let (Some(u), Some(got)) = (&er.url, &r.url) {
                    let same = match (u, got) {
                        (Some(a), Some(b)) => same_url(a, b),
                        (None, None) => true,
                        _ => false,
                    };
                    if !same {
                        miss("response.url".into(), show(u), show(got));
                    }
                }
                if let (Some(e), Some(got)) = (er.redirected, r.redirected) {
                    if e != got {
                        miss("response.redirected".into(), e.to_string(), got.to_string());
                    }
                }
                for (name, value) in &er.visible {
                    let got = r.headers.get_str(name);
                    if got.as_deref() != Some(value.as_str()) {
                        miss(
                            format!("response.visible.{name}"),
                            value.clone(),
                            show(&got),
                        );
                    }
                }
                for name in &er.hidden {
                    if let Some(v) = r.headers.get_str(name) {
                        miss(
                            format!("response.hidden.{name}"),
                            "hidden".into(),
                            format!("visible: {v:?}"),
                        );
                    }
                }
                if let Some(b) = &er.body {
                    if b != &r.body {
                        miss("response.body".into(), show(b), show(&r.body));
                    }
                }
            }
        }
    }
    if let (Some(n), Some(live)) = (expect.cache_entries, seen.cache_entries) {
        if n != live {
            miss("cache_entries".into(), n.to_string(), live.to_string());
        }
    }
}

fn same_url(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn show(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{s:?}"),
        None => "absent".into(),
    }
}

fn list_expected(v: &[ExpectedRequest]) -> String {
    v.iter()
        .map(|r| r.method.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_actual(v: &[ObservedRequest]) -> String {
    v.iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known failures of a corpus (`expected-failures.json`): case and
/// profile pairs cors-sim is known to get wrong, each with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFailures {
    /// What the file is.
    #[serde(default)]
    pub description: String,
    /// The pairs.
    pub failures: Vec<ExpectedFailure>,
}

/// One known failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFailure {
    /// The case's id.
    pub case: String,
    /// The profile it fails under.
    pub profile: Engine,
    /// What the standard or the measurement says against what cors-sim does.
    pub reason: String,
}

impl ExpectedFailures {
    /// Parses the text of an `expected-failures.json`.
    pub fn parse(text: &str) -> Result<ExpectedFailures, String> {
        serde_json::from_str(text).map_err(|e| format!("expected-failures.json: {e}"))
    }

    /// `(case id, profile name)` → reason.
    pub fn by_case(&self) -> BTreeMap<(String, String), String> {
        self.failures
            .iter()
            .map(|f| ((f.case.clone(), f.profile.to_string()), f.reason.clone()))
            .collect()
    }
}

/// An error reading a case file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}{}: {message}", case.as_ref().map(|c| format!(" (case {c})")).unwrap_or_default(), if path.is_empty() || path == "." { String::new() } else { format!(" at {path}") })]
pub struct CaseError {
    /// The file (or `line N` for an oracle line).
    pub file: String,
    /// The case's id, when known.
    pub case: Option<String>,
    /// The JSON path at fault.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Parses a case file's text. A case that fails to parse is reported on
/// its own (with its id and the JSON path at fault); the others are kept.
pub fn parse_case_file(file: &str, text: &str) -> (Option<CaseFile>, Vec<CaseError>) {
    let err = |case: Option<String>, path: String, message: String| CaseError {
        file: file.to_string(),
        case,
        path,
        message,
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return (
                None,
                vec![err(None, String::new(), format!("not JSON: {e}"))],
            );
        }
    };
    let Some(obj) = value.as_object() else {
        return (
            None,
            vec![err(
                None,
                String::new(),
                "a case file is a JSON object".into(),
            )],
        );
    };
    let mut errors = Vec::new();
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "concept" | "description" | "cases" | "$schema"
        ) {
            errors.push(err(None, key.clone(), format!("unknown field `{key}`")));
        }
    }
    let concept = match obj.get("concept").and_then(|c| c.as_str()) {
        Some(c) => c.to_string(),
        None => {
            errors.push(err(
                None,
                "concept".into(),
                "missing string field `concept`".into(),
            ));
            String::new()
        }
    };
    let description = obj
        .get("description")
        .and_then(|d| d.as_str())
        .unwrap_or_default()
        .to_string();
    let Some(cases) = obj.get("cases").and_then(|c| c.as_array()) else {
        errors.push(err(
            None,
            "cases".into(),
            "missing array field `cases`".into(),
        ));
        return (None, errors);
    };
    let mut parsed = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in cases.iter().enumerate() {
        let id = c.get("id").and_then(|v| v.as_str()).map(str::to_string);
        match parse_case(c) {
            Ok(case) => {
                if !seen.insert(case.id.clone()) {
                    errors.push(err(
                        id,
                        format!("cases[{i}].id"),
                        "duplicate case id".into(),
                    ));
                } else if case.steps.is_empty() {
                    errors.push(err(
                        id,
                        format!("cases[{i}].steps"),
                        "a case needs at least one step".into(),
                    ));
                } else {
                    parsed.push(case);
                }
            }
            Err((path, message)) => errors.push(err(id, format!("cases[{i}].{path}"), message)),
        }
    }
    (
        Some(CaseFile {
            concept,
            description,
            cases: parsed,
        }),
        errors,
    )
}

/// Parses one case from a JSON value; on error, the JSON path and message.
pub fn parse_case(value: &serde_json::Value) -> Result<Case, (String, String)> {
    let case: Case = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        (path, e.into_inner().to_string())
    })?;
    for (i, step) in case.steps.iter().enumerate() {
        crate::request::parse_url(&step.request.url)
            .map_err(|e| (format!("steps[{i}].request.url"), e.to_string()))?;
        if !step.time.is_finite() || step.time < 0.0 {
            return Err((
                format!("steps[{i}].time"),
                "time must be a non-negative number of seconds".into(),
            ));
        }
    }
    for (i, r) in case.server.iter().enumerate() {
        Url::parse(&r.url).map_err(|e| {
            (
                format!("server[{i}].url"),
                format!("invalid URL {:?}: {e}", r.url),
            )
        })?;
        if !(100..=599).contains(&r.status) {
            return Err((
                format!("server[{i}].status"),
                format!("status {} is not in 100-599", r.status),
            ));
        }
    }
    Ok(case)
}
