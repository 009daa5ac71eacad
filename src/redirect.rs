//! Redirects: the location, the method rewrite and the origin taint.
//!
//! fetch: #http-redirect-fetch, #concept-response-location-url,
//! #concept-request-tainted-origin (redirect-taint)

use url::Url;

use crate::origin::Origin;

/// Parses a `Location` value against the response's URL; the fragment of
/// `base` carries over when the location has none.
///
/// fetch: #concept-response-location-url
///
/// ```
/// use cors_sim::redirect::location_url;
/// let base = url::Url::parse("https://a.example/x#frag").unwrap();
/// assert_eq!(location_url(&base, "/y").unwrap().as_str(), "https://a.example/y#frag");
/// ```
pub fn location_url(base: &Url, location: &str) -> Result<Url, url::ParseError> {
    base.join(location).map(|mut u| {
        if u.fragment().is_none() {
            u.set_fragment(base.fragment());
        }
        u
    })
}

/// Whether a URL includes credentials (a username or password).
///
/// fetch: #include-credentials (URL standard)
pub fn includes_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// The method (and whether the body goes) after a redirect with `status`.
///
/// fetch: #http-redirect-fetch (the step that changes POST to GET)
///
/// ```
/// use cors_sim::redirect::redirected_method;
/// assert_eq!(redirected_method(301, "POST"), ("GET".to_string(), true));
/// assert_eq!(redirected_method(303, "HEAD"), ("HEAD".to_string(), false));
/// assert_eq!(redirected_method(307, "POST"), ("POST".to_string(), false));
/// assert_eq!(redirected_method(302, "PUT"), ("PUT".to_string(), false));
/// ```
pub fn redirected_method(status: u16, method: &str) -> (String, bool) {
    if (matches!(status, 301 | 302) && method == "POST")
        || (status == 303 && !matches!(method, "GET" | "HEAD"))
    {
        ("GET".to_string(), true)
    } else {
        (method.to_string(), false)
    }
}

/// The request-body header names removed when a redirect drops the body.
///
/// fetch: #request-body-header-name
pub const REQUEST_BODY_HEADER_NAMES: [&str; 4] = [
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

/// Whether a request from `origin` that went through `url_list` has a
/// tainted origin: some hop went from one origin to another while the
/// request's origin was not the origin it left.
///
/// fetch: #concept-request-tainted-origin
///
/// ```
/// use cors_sim::{Origin, redirect::is_tainted};
/// let u = |s: &str| url::Url::parse(s).unwrap();
/// let a = Origin::parse("https://a.test").unwrap();
/// assert!(!is_tainted(&a, &[u("https://b.test/"), u("https://b.test/2")]));
/// assert!(is_tainted(&a, &[u("https://b.test/"), u("https://c.test/")]));
/// assert!(is_tainted(&a, &[u("https://a.test/"), u("https://b.test/"), u("https://a.test/")]));
/// assert!(!is_tainted(&a, &[u("https://a.test/"), u("https://b.test/")]));
/// ```
pub fn is_tainted(origin: &Origin, url_list: &[Url]) -> bool {
    url_list.windows(2).any(|pair| match pair {
        [last, next] => {
            let last_o = Origin::of_url(last);
            !Origin::of_url(next).same_origin(&last_o) && !origin.same_origin(&last_o)
        }
        _ => false,
    })
}
