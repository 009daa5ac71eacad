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
//! Where a real browser was measured printing something else, the
//! measurement wins: Chromium 156 no longer adds the sourced "If an opaque
//! response serves your needs…" sentences (its mismatch lines end with "Have
//! the server send the header with a valid value."); Firefox 153 follows a
//! failed preflight check with a second "CORS request did not succeed"
//! line; WebKitGTK 2.50 names the whole header value of an unparsable allow
//! list, the header as the page wrote it, and wraps failures after a
//! redirect in "Cross-origin redirection to … denied by Cross-Origin
//! Resource Sharing policy: …".
//!
//! Messages for failures that are not CORS errors (too many redirects)
//! have no CORS console line in these sources; cors-sim renders the
//! engine's generic form for them.

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
///
/// Network errors: Chromium `Failed to fetch`, Firefox `NetworkError when
/// attempting to fetch resource.`, WebKit `Load failed` (all measured).
/// `Request` constructor errors: Chromium's texts come from Blink's
/// `request.cc` (prefixed as `fetch()` reports them); WebKit's no-cors
/// method text is measured; the rest are the engine's generic forms.
pub fn js_error_message(error: &NetworkError, engine: Engine) -> String {
    let m = &error.method;
    if error.reason.is_request_error() {
        return match engine {
            Engine::Chromium => {
                let text = match error.reason {
                    Reason::InvalidMethod => format!("'{m}' is not a valid HTTP method."),
                    Reason::ForbiddenMethod => format!("'{m}' HTTP method is unsupported."),
                    Reason::UrlHasCredentials => format!(
                        "Request cannot be constructed from a URL that includes credentials: {}",
                        error.initial_url
                    ),
                    Reason::NoCorsMethodNotSafelisted => {
                        format!("'{m}' is unsupported in no-cors mode.")
                    }
                    Reason::BodyWithGetOrHead => {
                        "Request with GET/HEAD method cannot have body.".to_string()
                    }
                    _ => "Invalid request.".to_string(),
                };
                format!("Failed to execute 'fetch' on 'Window': {text}")
            }
            Engine::WebKit if error.reason == Reason::NoCorsMethodNotSafelisted => {
                "Method must be GET, POST or HEAD in no-cors mode.".to_string()
            }
            Engine::WebKit => "Type error".to_string(),
            Engine::Firefox => "Window.fetch: invalid request.".to_string(),
            Engine::Spec => error.reason.describe().to_string(),
        };
    }
    match engine {
        Engine::Chromium => "Failed to fetch".to_string(),
        Engine::Firefox => "NetworkError when attempting to fetch resource.".to_string(),
        Engine::WebKit => "Load failed".to_string(),
        Engine::Spec => error.reason.describe().to_string(),
    }
}

/// Chromium 156 (measured) ends the `Access-Control-Allow-Origin` value
/// errors with this; the sourced template's "or, if an opaque response
/// serves your needs…" tail is gone, as is the one after a missing header.
const CR_NOCORS: &str = " Have the server send the header with a valid value.";

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
    // Measured (Chromium 156, tests/fidelity, docs/fidelity.md): a fetch()
    // refused before it leaves the renderer is reported by Blink's fetch
    // manager, not as a CORS error.
    if e.url == e.initial_url {
        let scheme = e.url.scheme();
        match e.reason {
            Reason::DisallowedByMode => {
                return format!(
                    "Fetch API cannot load {}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {}.",
                    e.url, e.origin
                );
            }
            Reason::NoCorsRedirectMode => {
                return format!(
                    "Fetch API cannot load {}. Request mode is \"no-cors\" but the redirect mode is not \"follow\".",
                    e.url
                );
            }
            Reason::UnsupportedScheme if scheme == "file" => {
                return format!("Not allowed to load local resource: {}", e.url);
            }
            Reason::UnsupportedScheme => {
                return format!(
                    "Fetch API cannot load {}. URL scheme \"{scheme}\" is not supported.",
                    e.url
                );
            }
            _ => {}
        }
    }
    // Measured (Chromium 156): a redirect to another scheme (but data: and
    // file:, which fail without a console line) is a CORS error on the new URL.
    if let (Reason::RedirectUnsupportedScheme, Some(to)) = (e.reason, &e.detail) {
        if !to.starts_with("data:") && !to.starts_with("file:") {
            return format!(
                "Access to fetch at '{to}' (redirected from '{}') from origin '{}' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.",
                e.initial_url, e.origin
            );
        }
    }
    let text = match e.reason {
        Reason::DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_string(),
        // Measured (Chromium 156): the list names chrome-experimental-site-token-provider.
        Reason::UnsupportedScheme => "Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_string(),
        Reason::MissingAllowOrigin | Reason::PreflightMissingAllowOrigin => {
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_string()
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
        // Measured (Chromium 156): the location is printed empty.
        Reason::RedirectHasCredentials => "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.".to_string(),
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
            // This one quotes the URL.
            "(Reason: Credential is not supported if the CORS header \u{2018}Access-Control-Allow-Origin\u{2019} is \u{2018}*\u{2019}).".to_string()
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
        // Measured (Firefox 153): a redirect that fails (too many, userinfo,
        // unparsable location) has no status.
        Reason::TooManyRedirects | Reason::RedirectHasCredentials | Reason::RedirectInvalidLocation => {
            "(Reason: CORS request did not succeed). Status code: (null).".to_string()
        }
        _ => format!("(Reason: CORS request did not succeed). Status code: {status}."),
    };
    // Measured (Firefox 153): a redirect to data: fails without naming the
    // scheme; one to another non-http scheme names the new URL, then the
    // request that did not complete.
    if let (Reason::RedirectUnsupportedScheme, Some(to)) = (e.reason, &e.detail) {
        let incomplete =
            format!("{PREFIX} {url}. (Reason: CORS request did not succeed). Status code: (null).");
        if to.starts_with("data:") {
            return incomplete;
        }
        if !to.starts_with("file:") {
            return format!("{PREFIX} {to}. (Reason: CORS request not http).\n{incomplete}");
        }
    }
    let mut line = if matches!(
        e.reason,
        Reason::WildcardOriginWithCredentials | Reason::PreflightWildcardOriginWithCredentials
    ) {
        format!("{PREFIX} \u{2018}{url}\u{2019}. {reason}")
    } else {
        format!("{PREFIX} {url}. {reason}")
    };
    // Measured (Firefox 153, tests/fidelity): a redirected preflight adds a
    // line for its status.
    if e.reason == Reason::PreflightRedirect {
        line.push_str(&format!(
            "\n{PREFIX} {url}. (Reason: CORS preflight response did not succeed). Status code: {status}."
        ));
    }
    // Measured (Firefox 153): every failed preflight, and every redirect
    // response that fails the CORS check, is followed by a second line for
    // the request that was never completed.
    let failed_hop = e.status.is_some_and(crate::exchange::is_redirect_status)
        && matches!(
            e.reason,
            Reason::MissingAllowOrigin
                | Reason::MultipleAllowOrigin
                | Reason::AllowOriginMismatch
                | Reason::WildcardOriginWithCredentials
                | Reason::AllowCredentialsNotTrue
        );
    if e.reason.is_preflight() || failed_hop {
        line.push_str(&format!(
            "\n{PREFIX} {url}. (Reason: CORS request did not succeed). Status code: (null)."
        ));
    }
    line
}

fn webkit(e: &NetworkError) -> String {
    let v = e.value.clone().unwrap_or_default();
    let d = e.detail.clone().unwrap_or_default();
    let status = e.status.map(|s| s.to_string()).unwrap_or_default();
    let redirected = e.url != e.initial_url;
    let cannot_load = format!(
        "Fetch API cannot load {} due to access control checks.",
        e.initial_url
    );
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
            format!("Header Access-Control-Allow-Methods has an invalid value: {v}")
        }
        Reason::InvalidAllowHeaders => {
            format!("Header Access-Control-Allow-Headers has an invalid value: {v}")
        }
        Reason::MethodNotAllowed => {
            format!("Method {d} is not allowed by Access-Control-Allow-Methods.")
        }
        Reason::HeaderNotAllowed => format!(
            "Request header field {} is not allowed by Access-Control-Allow-Headers.",
            if v.is_empty() { &d } else { &v }
        ),
        Reason::RedirectUnsupportedScheme => {
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme".to_string()
        }
        Reason::RedirectHasCredentials => {
            return format!(
                "Cross-origin redirection to {d} denied by Cross-Origin Resource Sharing policy: redirection URL {d} has credentials\n{cannot_load}"
            );
        }
        Reason::RedirectNotAllowed => format!(
            "Not allowed to follow a redirection while loading {}",
            e.url
        ),
        Reason::NoCorsRedirectMode => {
            "No-Cors mode requires follow redirect mode\nNot allowed to request resource"
                .to_string()
        }
        Reason::DisallowedByMode if redirected => format!(
            "Unsafe attempt to load URL {} from origin {}. Domains, protocols and ports must match.",
            e.url, e.origin
        ),
        Reason::DisallowedByMode => return format!("Fetch API cannot load {}.", e.url),
        _ => return format!("Fetch API cannot load {}.", e.url),
    };
    if redirected {
        format!(
            "Cross-origin redirection to {} denied by Cross-Origin Resource Sharing policy: {specific}\n{cannot_load}",
            e.url
        )
    } else {
        format!("{specific}\n{cannot_load}")
    }
}
