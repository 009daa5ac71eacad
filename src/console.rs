//! Console messages, worded as each engine words them.
//!
//! Sources:
//! - Chromium: `third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`
//!   (`GetErrorString`), with `services/network/public/mojom/cors.mojom`
//!   for the error kinds and `services/network/public/cpp/cors/cors.cc`
//!   (`CheckAccessInternal`) for which kind an `Access-Control-Allow-Origin`
//!   value gives.
//! - Firefox: `dom/locales/en-US/chrome/security/security.properties` (the
//!   `CORS*` keys), emitted by `LogBlockedRequest` in
//!   `netwerk/protocol/http/nsCORSListenerProxy.cpp`.
//! - WebKit: `Source/WebCore/loader/CrossOriginAccessControl.cpp` and the
//!   loader's generic `... due to access control checks.` line.
//!
//! Messages for failures that are not CORS errors (a `TypeError` thrown by
//! the `Request` constructor, too many redirects) have no CORS console line
//! in these sources; cors-sim renders the engine's generic form for them.

use crate::diagnostics::{NetworkError, Reason};
use crate::profile::Engine;

/// Renders `error` as `engine` prints it.
pub fn render(error: &NetworkError, engine: Engine) -> String {
    match engine {
        Engine::Spec => format!(
            "Fetch of '{}' from origin '{}' failed ({}): {}.",
            error.url,
            error.origin,
            error.reason.code(),
            error.reason.describe()
        ),
        Engine::Chromium => chromium(error),
        Engine::Firefox => firefox(error),
        Engine::WebKit => webkit(error),
    }
}

/// The message of the `TypeError` that `fetch()` rejects with.
pub fn js_error_message(error: &NetworkError, engine: Engine) -> &'static str {
    if error.reason.is_request_error() {
        return match engine {
            Engine::Chromium => "Failed to execute 'fetch' on 'Window': invalid request",
            Engine::Firefox => "Window.fetch: invalid request",
            Engine::WebKit => "Type error",
            Engine::Spec => "TypeError",
        };
    }
    match engine {
        Engine::Chromium => "Failed to fetch",
        Engine::Firefox => "NetworkError when attempting to fetch resource.",
        Engine::WebKit => "Load failed",
        Engine::Spec => "TypeError",
    }
}

const CR_FETCH_MISSING: &str = " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";
const CR_NOCORS: &str = " Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";

/// How Chromium classifies an `Access-Control-Allow-Origin` value that is
/// not `*` and not the origin (`CheckAccessInternal`): a space or comma
/// means several values; `null` or a valid URL is a mismatch; anything else
/// is an invalid value.
fn chromium_acao(value: &str) -> String {
    if value.contains(' ') || value.contains(',') {
        format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed.{CR_NOCORS}"
        )
    } else if value == "null" || url::Url::parse(value).is_ok() {
        format!(
            "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin.{CR_NOCORS}"
        )
    } else {
        format!(
            "The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'.{CR_NOCORS}"
        )
    }
}

fn chromium(e: &NetworkError) -> String {
    let v = e.value.clone().unwrap_or_default();
    let d = e.detail.clone().unwrap_or_default();
    let text = match e.reason {
        Reason::DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_string(),
        Reason::UnsupportedScheme => "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_string(),
        Reason::MissingAllowOrigin | Reason::PreflightMissingAllowOrigin => {
            format!("No 'Access-Control-Allow-Origin' header is present on the requested resource.{CR_FETCH_MISSING}")
        }
        Reason::MultipleAllowOrigin | Reason::PreflightMultipleAllowOrigin => format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.{CR_NOCORS}"
        ),
        Reason::AllowOriginMismatch | Reason::PreflightAllowOriginMismatch => chromium_acao(&v),
        Reason::WildcardOriginWithCredentials | Reason::PreflightWildcardOriginWithCredentials => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".to_string(),
        Reason::AllowCredentialsNotTrue | Reason::PreflightAllowCredentialsNotTrue => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."
        ),
        Reason::PreflightInvalidStatus => "It does not have HTTP ok status.".to_string(),
        Reason::PreflightRedirect => "Redirect is not allowed for a preflight request.".to_string(),
        Reason::InvalidAllowMethods => {
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_string()
        }
        Reason::InvalidAllowHeaders => {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_string()
        }
        Reason::MethodNotAllowed => {
            format!("Method {d} is not allowed by Access-Control-Allow-Methods in preflight response.")
        }
        Reason::HeaderNotAllowed => format!(
            "Request header field {d} is not allowed by Access-Control-Allow-Headers in preflight response."
        ),
        Reason::RedirectHasCredentials => format!(
            "Redirect location '{d}' contains a username and password, which is disallowed for cross-origin requests."
        ),
        _ => {
            // Not a CORS error: Chromium logs the failed load and rejects.
            return format!(
                "{} {} net::ERR_FAILED{}",
                e.method,
                e.url,
                e.status.map(|s| format!(" {s}")).unwrap_or_default()
            );
        }
    };
    let redirected = if e.url != e.initial_url {
        format!("(redirected from '{}') ", e.initial_url)
    } else {
        String::new()
    };
    let preflight = matches!(
        e.reason,
        Reason::PreflightMissingAllowOrigin
            | Reason::PreflightMultipleAllowOrigin
            | Reason::PreflightAllowOriginMismatch
            | Reason::PreflightWildcardOriginWithCredentials
            | Reason::PreflightAllowCredentialsNotTrue
            | Reason::PreflightInvalidStatus
            | Reason::PreflightRedirect
    );
    format!(
        "Access to fetch at '{}' {}from origin '{}' has been blocked by CORS policy: {}{}",
        e.url,
        redirected,
        e.origin,
        if preflight {
            "Response to preflight request doesn't pass access control check: "
        } else {
            ""
        },
        text
    )
}

fn firefox(e: &NetworkError) -> String {
    const PREFIX: &str = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at";
    let url = &e.url;
    let v = e.value.clone().unwrap_or_default();
    let d = e.detail.clone().unwrap_or_default();
    let status = e.status.map(|s| s.to_string()).unwrap_or_default();
    let reason = match e.reason {
        Reason::MissingAllowOrigin | Reason::PreflightMissingAllowOrigin => {
            format!("(Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: {status}.")
        }
        Reason::MultipleAllowOrigin | Reason::PreflightMultipleAllowOrigin => {
            "(Reason: Multiple CORS header \u{2018}Access-Control-Allow-Origin\u{2019} not allowed).".to_string()
        }
        Reason::AllowOriginMismatch | Reason::PreflightAllowOriginMismatch => format!(
            "(Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} does not match \u{2018}{v}\u{2019})."
        ),
        Reason::WildcardOriginWithCredentials | Reason::PreflightWildcardOriginWithCredentials => {
            return format!(
                "{PREFIX} \u{2018}{url}\u{2019}. (Reason: Credential is not supported if the CORS header \u{2018}Access-Control-Allow-Origin\u{2019} is \u{2018}*\u{2019})."
            );
        }
        Reason::AllowCredentialsNotTrue | Reason::PreflightAllowCredentialsNotTrue => {
            "(Reason: expected \u{2018}true\u{2019} in CORS header \u{2018}Access-Control-Allow-Credentials\u{2019}).".to_string()
        }
        Reason::PreflightInvalidStatus => {
            format!("(Reason: CORS preflight response did not succeed). Status code: {status}.")
        }
        Reason::PreflightRedirect => "(Reason: CORS request external redirect not allowed).".to_string(),
        Reason::InvalidAllowMethods => format!(
            "(Reason: invalid token \u{2018}{d}\u{2019} in CORS header \u{2018}Access-Control-Allow-Methods\u{2019})."
        ),
        Reason::InvalidAllowHeaders => format!(
            "(Reason: invalid token \u{2018}{d}\u{2019} in CORS header \u{2018}Access-Control-Allow-Headers\u{2019})."
        ),
        Reason::MethodNotAllowed => {
            "(Reason: Did not find method in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}).".to_string()
        }
        Reason::HeaderNotAllowed => format!(
            "(Reason: header \u{2018}{d}\u{2019} is not allowed according to header \u{2018}Access-Control-Allow-Headers\u{2019} from CORS preflight response)."
        ),
        Reason::UnsupportedScheme => "(Reason: CORS request not http).".to_string(),
        Reason::RedirectUnsupportedScheme => "(Reason: CORS request not http).".to_string(),
        _ => format!("(Reason: CORS request did not succeed). Status code: {status}."),
    };
    format!("{PREFIX} {url}. {reason}")
}

fn webkit(e: &NetworkError) -> String {
    let v = e.value.clone().unwrap_or_default();
    let d = e.detail.clone().unwrap_or_default();
    let status = e.status.map(|s| s.to_string()).unwrap_or_default();
    let specific = match e.reason {
        Reason::MissingAllowOrigin
        | Reason::PreflightMissingAllowOrigin
        | Reason::AllowOriginMismatch
        | Reason::PreflightAllowOriginMismatch => {
            if v.contains(',') {
                "Access-Control-Allow-Origin cannot contain more than one origin.".to_string()
            } else {
                format!(
                    "Origin {} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
                    e.origin
                )
            }
        }
        Reason::MultipleAllowOrigin | Reason::PreflightMultipleAllowOrigin => {
            "Access-Control-Allow-Origin cannot contain more than one origin.".to_string()
        }
        Reason::WildcardOriginWithCredentials | Reason::PreflightWildcardOriginWithCredentials => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
                .to_string()
        }
        Reason::AllowCredentialsNotTrue | Reason::PreflightAllowCredentialsNotTrue => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
                .to_string()
        }
        Reason::PreflightInvalidStatus | Reason::PreflightRedirect => {
            format!("Preflight response is not successful. Status code: {status}")
        }
        Reason::InvalidAllowMethods => {
            format!("Header Access-Control-Allow-Methods has an invalid value: {d}")
        }
        Reason::InvalidAllowHeaders => {
            format!("Header Access-Control-Allow-Headers has an invalid value: {d}")
        }
        Reason::MethodNotAllowed => {
            format!("Method {d} is not allowed by Access-Control-Allow-Methods.")
        }
        Reason::HeaderNotAllowed => {
            format!("Request header field {d} is not allowed by Access-Control-Allow-Headers.")
        }
        Reason::RedirectUnsupportedScheme => {
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme".to_string()
        }
        Reason::RedirectHasCredentials => format!("redirection URL {d} has credentials"),
        _ => return format!("Fetch API cannot load {}.", e.url),
    };
    format!(
        "{specific}\nFetch API cannot load {} due to access control checks.",
        e.url
    )
}
