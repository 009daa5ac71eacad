//! Errors for bad input.
//!
//! These are for input that no page could produce (a URL that does not
//! parse, a header name that is not a token, a call out of order). What a
//! page *can* do and JavaScript sees as a rejection (a forbidden method, a
//! URL with credentials, a CORS failure) is not an error of this kind: it is
//! an [`Outcome`](crate::Outcome) holding a [`NetworkError`](crate::NetworkError).

use thiserror::Error;

/// Input that cors-sim cannot model, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InputError {
    /// A URL that the URL parser rejects.
    #[error("invalid URL {input:?}: {reason}")]
    InvalidUrl {
        /// The text given.
        input: String,
        /// Why the URL parser rejected it.
        reason: String,
    },
    /// An origin that is not `null` nor `scheme://host[:port]`.
    #[error("invalid origin {input:?}: {reason}")]
    InvalidOrigin {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header name that is not an HTTP token.
    #[error(
        "invalid header name {name:?}: a header name must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
    )]
    InvalidHeaderName {
        /// The name given.
        name: String,
    },
    /// A header value with NUL, CR or LF, or with leading or trailing whitespace.
    #[error(
        "invalid value {value:?} for header {name:?}: a header value must not contain NUL, CR or LF, nor start or end with a space or tab"
    )]
    InvalidHeaderValue {
        /// The header's name.
        name: String,
        /// The value given.
        value: String,
    },
    /// A status code outside 100–599 (or 0 is not allowed here).
    #[error("invalid status code {status}: a server response must have a status from 100 to 599")]
    InvalidStatus {
        /// The status given.
        status: u16,
    },
    /// A name that is not one of a fixed set (profile, mode, and so on).
    #[error("unknown {what} {value:?}; expected one of: {expected}")]
    UnknownName {
        /// What kind of name.
        what: &'static str,
        /// The value given.
        value: String,
        /// The accepted values.
        expected: &'static str,
    },
    /// A state machine call that does not fit its current state.
    #[error("fetch state machine misuse: {0}")]
    State(&'static str),
    /// The convenience driver's server failed to produce a response.
    #[error("the server failed: {0}")]
    Server(String),
    /// The server under test (a closure or a `tower::Service` driven by
    /// [`crate::harness`]) panicked while answering a request.
    #[error("the server panicked while answering {request}: {message}")]
    ServerPanicked {
        /// The request it was answering, as `METHOD URL` (`(preflight)` marked).
        request: String,
        /// The panic's message.
        message: String,
    },
    /// The server under test returned an error instead of a response (a
    /// `tower::Service` whose `poll_ready` or `call` failed).
    #[error("the server failed to answer {request}: {message}")]
    ServerError {
        /// The request it was answering.
        request: String,
        /// The error, as the service displays it.
        message: String,
    },
    /// The body of the server's response failed while being read.
    #[error("the response body to {request} failed: {message}")]
    ResponseBody {
        /// The request it answered.
        request: String,
        /// The body's error.
        message: String,
    },
    /// The server's future can never finish: it is pending and kept no way
    /// to be woken, or it did not finish within the harness's time limit.
    #[error("the server never answered {request}: {message}")]
    ServerStalled {
        /// The request it was answering.
        request: String,
        /// Why the harness gave up.
        message: String,
    },
}
