//! # cors-sim
//!
//! A deterministic, sans-IO model of the CORS rules of the WHATWG Fetch
//! standard. Given a page's origin, a `fetch()` request and what a server
//! answers, cors-sim says what goes over the wire (preflight included),
//! what the server sees, and what JavaScript gets: a response (its type,
//! status and readable headers) or a network error with its reason.
//!
//! ## The contract: no clock, no randomness, no I/O
//!
//! Nothing in this crate reads a clock, draws a random number or touches
//! the network or the file system. Time is a [`Time`] the caller passes
//! in; the preflight cache's expiry is computed from it. The same input
//! always gives the same output, so a test can run a year of cache
//! behaviour in microseconds.
//!
//! ## Two layers
//!
//! - Small pure functions, one module per Fetch concept, each usable alone:
//!   [`method`], [`request_headers`], [`header_values`], [`mime`],
//!   [`range`], [`origin`], [`response_headers`], [`cors_check`],
//!   [`preflight`], [`preflight_cache`], [`redirect`], [`response_filter`].
//! - A state machine ([`Client`], [`Fetch`]) that drives one whole fetch,
//!   preflight and redirects included, through explicit steps that the
//!   caller feeds with server responses; [`Client::run`] does the loop for
//!   a server closure.
//!
//! ## The run loop
//!
//! ```
//! use cors_sim::{Client, Profile, Request, ServerResponse, Time, Reason, Engine};
//!
//! let mut browser = Client::new(Profile::chromium());
//! let request = Request::new("https://app.example", "GET", "https://api.example/me")?
//!     .credentials(cors_sim::CredentialsMode::Include);
//! let outcome = browser.run(request, Time::ZERO, |_sent| {
//!     ServerResponse::new(200).header("Access-Control-Allow-Origin", "*")
//! })?;
//! assert_eq!(outcome.blocked_reason(), Some(Reason::WildcardOriginWithCredentials));
//! assert!(outcome.console_message(Engine::Chromium).unwrap()
//!     .contains("must not be the wildcard '*' when the request's credentials mode is 'include'"));
//! # Ok::<(), cors_sim::InputError>(())
//! ```
//!
//! ## Browser profiles
//!
//! [`Profile`] holds every point where engines use the discretion the
//! standard leaves them or depart from it (max-age caps, cache size and
//! policy, measured quirks), each value with its source.
//!
//! Spec anchors: code implementing a step of the standard names its anchor
//! (`fetch: #concept-cors-check`); `docs/spec-map.md` lists them all.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Untrusted input (headers, case files, oracle lines) must never panic
// the library: no unwrap, expect, indexing or panic outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod console;
pub mod cors_check;
pub mod diagnostics;
pub mod error;
pub mod exchange;
pub mod explain;
pub mod fetch;
pub mod harness;
pub mod header_list;
pub mod header_values;
pub mod http_interop;
pub mod method;
pub mod mime;
pub mod origin;
pub mod preflight;
pub mod preflight_cache;
pub mod profile;
pub mod range;
pub mod redirect;
pub mod request;
pub mod request_headers;
pub mod response_filter;
pub mod response_headers;
pub mod scenario;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod time;

pub use diagnostics::{NetworkError, Reason, Warning, WarningCode};
pub use error::InputError;
pub use exchange::{Exchange, RequestKind, ServerResponse, WireRequest};
pub use fetch::{Client, Fetch, FetchResult, Outcome, Tainting, TraceEvent, TraceKind};
pub use header_list::{Header, HeaderList};
pub use origin::Origin;
pub use profile::{Engine, Profile};
pub use request::{Body, CredentialsMode, Mode, RedirectMode, ReferrerPolicy, Request};
pub use response_filter::{JsResponse, ResponseType};
pub use time::Time;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
