//! Browser profiles: every point where engines use the discretion the
//! standard gives them, or depart from it.
//!
//! Each field's documentation says where its value for each profile comes
//! from: a spec anchor, an engine source file, or a measurement of a real
//! browser (Chromium 156, Firefox 153 ESR and WebKitGTK 2.50, headless, on
//! loopback; see `docs/profiles.md`). Where a measurement and a reading of
//! the source disagree, the measurement wins.

use serde::{Deserialize, Serialize};

use crate::request_headers::{SAFELISTED_TOTAL_MAX, SafelistRules};

/// The engine a profile models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// The WHATWG Fetch standard, read literally.
    Spec,
    /// Chromium (Blink and the network service).
    Chromium,
    /// Firefox (Gecko, `nsCORSListenerProxy`).
    Firefox,
    /// WebKit (WebKitGTK as measured).
    #[serde(rename = "webkit")]
    WebKit,
}

impl Engine {
    /// All engines, `Spec` first.
    pub const ALL: [Engine; 4] = [
        Engine::Spec,
        Engine::Chromium,
        Engine::Firefox,
        Engine::WebKit,
    ];

    /// The lower-case name (`spec`, `chromium`, `firefox`, `webkit`).
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Spec => "spec",
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Engine {
    type Err = crate::InputError;
    fn from_str(s: &str) -> Result<Engine, crate::InputError> {
        match s.to_ascii_lowercase().as_str() {
            "spec" => Ok(Engine::Spec),
            "chromium" | "chrome" => Ok(Engine::Chromium),
            "firefox" | "gecko" => Ok(Engine::Firefox),
            "webkit" | "safari" | "webkitgtk" => Ok(Engine::WebKit),
            _ => Err(crate::InputError::UnknownName {
                what: "profile",
                value: s.to_string(),
                expected: "spec chromium firefox webkit",
            }),
        }
    }
}

/// How `Access-Control-Max-Age` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxAgeParsing {
    /// `1*DIGIT`, one value; anything else uses the default; values too large
    /// to represent are 2^31 (fetch: #cors-preflight-fetch-0, RFC 9111 §1.2.2).
    Spec,
    /// A signed 64-bit integer (a leading `+` accepted); a negative value is
    /// 0; anything unparsable, overflow included, uses the default
    /// (`services/network/cors/preflight_result.cc`, `ParseAccessControlMaxAge`).
    SignedInteger,
    /// Digits only, each step clamped to the cap; any other byte, or 0,
    /// means the result is not cached at all (`nsCORSListenerProxy.cpp`,
    /// `AddResultToCache`).
    DigitsOrNothing,
}

/// How a successful preflight updates a live cache entry for the same URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheUpdate {
    /// Per-method and per-header entries: listed items get the new max-age,
    /// others are kept (fetch: #cors-preflight-fetch-0, cache update step).
    Union,
    /// The whole entry for the URL is replaced by the new result.
    Replace,
}

/// What happens when the cache is full and a new URL's result arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Eviction {
    /// Drop entries whose every item has expired, then the least recently used.
    ExpiredThenLru,
    /// Drop `count` entries in a row, starting at a position chosen by a
    /// pseudo-random sequence. Chromium uses a real random number; cors-sim
    /// uses a deterministic sequence seeded with `seed`, so that the same
    /// input gives the same output.
    RandomRun {
        /// How many entries one eviction drops.
        count: usize,
        /// The seed of the deterministic sequence.
        seed: u64,
    },
}

/// When entries for a URL are cleared after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClearOnFailure {
    /// A network error anywhere in the preflight branch of main fetch (the
    /// preflight or the actual response) clears the URL's entries
    /// (fetch: #main-fetch, #concept-cache-clear).
    PreflightBranch,
    /// Any response that fails the CORS check (simple requests and redirect
    /// hops too) clears the URL's entries, for both credential modes.
    AnyCorsFailure,
    /// A failed actual response leaves the entry alone.
    Never,
}

/// Which `Origin` a preflight carries once a redirect has tainted the
/// request's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaintedPreflightOrigin {
    /// `null`, as the actual request (fetch: #serializing-a-request-origin).
    Null,
    /// The page's origin; the CORS check of the preflight uses it too.
    PageOrigin,
}

/// When a redirect to a URL with credentials (`user:pass@`) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectCredentials {
    /// In `cors` mode to another origin, or once tainted (fetch: #http-redirect-fetch).
    Spec,
    /// On every redirect, whatever the mode.
    Always,
}

/// What the preflight decision looks like after a redirect stripped `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterAuthorizationStrip {
    /// Decide again on the request as it now is (fetch: #http-redirect-fetch, #main-fetch).
    Recompute,
    /// Preflight anyway, with no `Access-Control-Request-Headers` for it.
    PreflightWithoutHeaders,
    /// Preflight, still listing `authorization` in `Access-Control-Request-Headers`.
    PreflightListingAuthorization,
}

/// A browser's CORS behaviour as data.
///
/// ```
/// use cors_sim::{Profile, Engine};
/// let p = Profile::for_engine(Engine::WebKit);
/// assert_eq!(p.max_age_cap, Some(600));
/// assert_eq!(Profile::spec().max_age_default, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The engine modelled; it also picks the console wording.
    pub engine: Engine,
    /// The browser version the values were checked against.
    pub version: String,

    /// Max-age in seconds when `Access-Control-Max-Age` is absent or does not
    /// parse. 5 everywhere: fetch: #cors-preflight-fetch-0; Chromium
    /// `preflight_result.cc` `kDefaultTimeout`; Firefox
    /// `PREFLIGHT_DEFAULT_EXPIRY_SECONDS`; WebKit
    /// `CrossOriginPreflightResultCache.cpp`; measured in all three.
    pub max_age_default: u64,
    /// The largest max-age kept, in seconds; `None` for no cap. Spec: none
    /// (left to the browser). Chromium 7200 (`kMaxTimeout`), Firefox 86400,
    /// WebKit 600 (`maxPreflightCacheTimeout`); sourced, too long to measure.
    pub max_age_cap: Option<u64>,
    /// How the header is read. Spec: `Spec`. Chromium and WebKit:
    /// `SignedInteger` (measured: `abc`, `1.5`, `10, 20` give 5 s; `+10` gives
    /// 10 s; a value beyond 64 bits is not cached past 5 s). Firefox:
    /// `DigitsOrNothing` (measured: `abc`, `+10`, two lines: not cached).
    pub max_age_parsing: MaxAgeParsing,
    /// How many URLs the cache holds; `None` for no limit. Spec: none
    /// (left to the browser). Chromium 1024 (`kMaxCacheEntries`, measured
    /// about 1,024); Firefox 100 (`PREFLIGHT_CACHE_SIZE`, measured); WebKit
    /// none (measured: 1,100 of 1,100 kept).
    pub cache_capacity: Option<usize>,
    /// What a full cache drops. Chromium: 10 in a row from a random place
    /// (`MayPurge`, `kPurgeUnit`; measured 1,020 of 1,100 kept). Firefox:
    /// expired, then least recently used (measured).
    pub eviction: Eviction,
    /// How a new preflight result meets a live entry. Spec and Firefox:
    /// `Union` (measured: expiry per method and header). Chromium and
    /// WebKit: `Replace` (measured).
    pub cache_update: CacheUpdate,
    /// Whether credentialed and uncredentialed results are cached apart, so
    /// that one never serves the other. Firefox only (its key holds the
    /// credentials flag; measured: a credentialed entry does not serve an
    /// uncredentialed request). Elsewhere a credentialed entry serves both
    /// (fetch: #concept-cache-match).
    pub cache_keyed_by_credentials: bool,
    /// Whether a cached `*` method or header grants a later request. Spec,
    /// Chromium, WebKit: yes. Firefox: no, `*` is stored literally (measured).
    pub cached_wildcard_matches: bool,
    /// Whether a cached `*` is ignored when the preflight that stored it was
    /// credentialed. Chromium: yes (`preflight_result.cc` honours `*` only
    /// for a result whose `credentials_` is false). Spec: no (an entry made
    /// by a credentialed preflight serves later uncredentialed requests,
    /// fetch: #concept-cache-match). Firefox: moot (no `*` from the cache).
    /// WebKit: no.
    pub cached_wildcard_needs_uncredentialed_entry: bool,
    /// Whether a cached `*` header entry covers `Authorization`. Spec: no
    /// (fetch: #concept-cache-match-header). Chromium and Firefox: no
    /// (measured). WebKit: yes (measured).
    pub cached_wildcard_covers_authorization: bool,
    /// The methods a cache lookup accepts without an entry when a preflight
    /// is needed for headers only. Spec, Chromium, WebKit: GET, HEAD, POST.
    /// Firefox: GET and POST (`CacheEntry::CheckRequest`; measured: a HEAD
    /// with a cached header misses).
    pub cache_implicit_methods: Vec<String>,
    /// Whether a lookup that finds an entry insufficient (or expired) erases
    /// it. Chromium and WebKit: yes (`CheckIfRequestCanSkipPreflight`,
    /// `canSkipPreflight`). Spec and Firefox: no.
    pub erase_insufficient_on_lookup: bool,
    /// When a failure clears a URL's entries. Spec: `PreflightBranch`.
    /// Firefox: `AnyCorsFailure` (measured). Chromium, WebKit: `Never`
    /// (measured: entry kept).
    pub clear_on_failure: ClearOnFailure,
    /// Whether a preflight's status is checked before its CORS check (which
    /// decides the reason reported when both fail). Spec and Chromium: CORS
    /// check first (fetch: #cors-preflight-fetch-0 names it first; Chromium
    /// reports a missing `Access-Control-Allow-Origin` on a 404 preflight).
    /// Firefox: CORS check first too (measured, Firefox 153.7.0esr, by the
    /// fidelity harness, `docs/fidelity.md`: a 404 preflight without
    /// `Access-Control-Allow-Origin` logs "CORS header
    /// ‘Access-Control-Allow-Origin’ missing. Status code: 404.", case
    /// `bad-server-responses/preflight-404-no-options-route`; the reading of
    /// `nsCORSListenerProxy.cpp` said status first). WebKit: status first
    /// (`CrossOriginAccessControl.cpp`).
    pub preflight_status_first: bool,
    /// Whether a preflight refused for its methods or headers (after its
    /// CORS check passed) is still stored. WebKit only (measured, W4/K10).
    pub store_refused_preflight: bool,
    /// Whether results for an opaque (`null`) page origin are reused.
    /// Chromium: never (measured). Others: yes.
    pub cache_opaque_origin: bool,
    /// URLs this long or longer are never cached. Chromium: 1024
    /// (`preflight_cache.cc` `kMaxKeyLength`). Others: no limit.
    pub max_cached_url_len: Option<usize>,

    /// How the CORS-unsafe request-header names are computed. Spec: each line
    /// alone, 1024-byte total, a set. Chromium and WebKit: lines of one name
    /// judged combined (measured, M1). Firefox: each line alone, no total,
    /// duplicates kept in `Access-Control-Request-Headers` (measured, M1/M4).
    pub safelist: SafelistRules,
    /// Whether `Access-Control-Allow-Headers: *` covers `Authorization` when
    /// validating a preflight (without credentials). Spec: no
    /// (fetch: #cors-non-wildcard-request-header-name). Chromium 156,
    /// Firefox 153, WebKitGTK 2.50: yes (all measured, M11).
    pub wildcard_covers_authorization: bool,
    /// The `Origin` of a preflight for a tainted request. Spec, Chromium,
    /// WebKit: `null`. Firefox: the page origin (measured, M2).
    pub tainted_preflight_origin: TaintedPreflightOrigin,
    /// When a redirect to a URL with credentials fails. Spec, Firefox,
    /// WebKit: `Spec`. Chromium: `Always` (measured, M3).
    pub redirect_credentials: RedirectCredentials,
    /// Whether a non-CORS request's `Origin` becomes `null` once redirected
    /// to another origin. Chromium: yes (measured, M9). Spec, Firefox,
    /// WebKit: no (the redirect-taint rule of fetch: #concept-request-tainted-origin
    /// only taints from the second cross-origin hop).
    pub no_cors_redirect_nulls_origin: bool,
    /// Whether the referrer policies `no-referrer`, and `same-origin`
    /// towards another origin, make a non-CORS request's `Origin` `null`
    /// (fetch: #append-a-request-origin-header). Spec, Firefox: yes (Firefox
    /// measured by the fidelity run, docs/fidelity.md). Chromium: no
    /// (measured, Chromium 156: it sends the page's origin for a no-cors or
    /// same-origin-mode POST under these policies). WebKit: yes (the
    /// standard; not measured). The downgrade rule (an https page to an http
    /// URL) is kept in every profile: loopback measurements cannot see it.
    pub referrer_policy_nulls_origin: bool,
    /// The preflight decision after a redirect stripped `Authorization`.
    /// Spec and Chromium: `Recompute`. Firefox: `PreflightWithoutHeaders`
    /// (measured, M7). WebKit: `PreflightListingAuthorization` (measured, W2).
    pub after_authorization_strip: AfterAuthorizationStrip,
    /// Whether a redirect that turns the request into a GET keeps the
    /// `Origin` it had, where a fresh GET would carry none. WebKit only
    /// (measured, W1).
    pub method_change_keeps_origin: bool,
    /// Whether a `DELETE` redirected by 307 or 308 becomes a `GET`.
    /// WebKitGTK only, from its libsoup network layer (measured, W3).
    pub redirect_307_delete_becomes_get: bool,
}

impl Profile {
    /// The WHATWG Fetch standard read literally (the default).
    pub fn spec() -> Profile {
        Profile {
            engine: Engine::Spec,
            version: "fetch.bs 586cd2a (2026-07-02)".to_string(),
            max_age_default: 5,
            max_age_cap: None,
            max_age_parsing: MaxAgeParsing::Spec,
            cache_capacity: None,
            eviction: Eviction::ExpiredThenLru,
            cache_update: CacheUpdate::Union,
            cache_keyed_by_credentials: false,
            cached_wildcard_matches: true,
            cached_wildcard_needs_uncredentialed_entry: false,
            cached_wildcard_covers_authorization: false,
            cache_implicit_methods: vec!["GET".into(), "HEAD".into(), "POST".into()],
            erase_insufficient_on_lookup: false,
            clear_on_failure: ClearOnFailure::PreflightBranch,
            preflight_status_first: false,
            store_refused_preflight: false,
            cache_opaque_origin: true,
            max_cached_url_len: None,
            safelist: SafelistRules::SPEC,
            wildcard_covers_authorization: false,
            tainted_preflight_origin: TaintedPreflightOrigin::Null,
            redirect_credentials: RedirectCredentials::Spec,
            no_cors_redirect_nulls_origin: false,
            referrer_policy_nulls_origin: true,
            after_authorization_strip: AfterAuthorizationStrip::Recompute,
            method_change_keeps_origin: false,
            redirect_307_delete_becomes_get: false,
        }
    }

    /// Chromium 156.
    pub fn chromium() -> Profile {
        Profile {
            engine: Engine::Chromium,
            version: "156.0.8078".to_string(),
            max_age_cap: Some(7200),
            max_age_parsing: MaxAgeParsing::SignedInteger,
            cache_capacity: Some(1024),
            eviction: Eviction::RandomRun {
                count: 10,
                seed: 0x5EED,
            },
            cache_update: CacheUpdate::Replace,
            erase_insufficient_on_lookup: true,
            cached_wildcard_needs_uncredentialed_entry: true,
            clear_on_failure: ClearOnFailure::Never,
            cache_opaque_origin: false,
            max_cached_url_len: Some(1024),
            safelist: SafelistRules {
                combine_duplicates: true,
                total_limit: Some(SAFELISTED_TOTAL_MAX),
                dedupe: true,
            },
            wildcard_covers_authorization: true,
            redirect_credentials: RedirectCredentials::Always,
            no_cors_redirect_nulls_origin: true,
            referrer_policy_nulls_origin: false,
            ..Profile::spec()
        }
    }

    /// Firefox 153 ESR.
    pub fn firefox() -> Profile {
        Profile {
            engine: Engine::Firefox,
            version: "153.7.0esr".to_string(),
            max_age_cap: Some(86400),
            max_age_parsing: MaxAgeParsing::DigitsOrNothing,
            cache_capacity: Some(100),
            eviction: Eviction::ExpiredThenLru,
            cache_update: CacheUpdate::Union,
            cache_keyed_by_credentials: true,
            cached_wildcard_matches: false,
            cache_implicit_methods: vec!["GET".into(), "POST".into()],
            clear_on_failure: ClearOnFailure::AnyCorsFailure,
            safelist: SafelistRules {
                combine_duplicates: false,
                total_limit: None,
                dedupe: false,
            },
            wildcard_covers_authorization: true,
            tainted_preflight_origin: TaintedPreflightOrigin::PageOrigin,
            after_authorization_strip: AfterAuthorizationStrip::PreflightWithoutHeaders,
            ..Profile::spec()
        }
    }

    /// WebKitGTK 2.50 (WebCore with the libsoup network layer).
    pub fn webkit() -> Profile {
        Profile {
            engine: Engine::WebKit,
            version: "WebKitGTK 2.50.6".to_string(),
            max_age_cap: Some(600),
            max_age_parsing: MaxAgeParsing::SignedInteger,
            cache_capacity: None,
            cache_update: CacheUpdate::Replace,
            cached_wildcard_covers_authorization: true,
            erase_insufficient_on_lookup: true,
            clear_on_failure: ClearOnFailure::Never,
            store_refused_preflight: true,
            preflight_status_first: true,
            safelist: SafelistRules {
                combine_duplicates: true,
                total_limit: Some(SAFELISTED_TOTAL_MAX),
                dedupe: true,
            },
            wildcard_covers_authorization: true,
            after_authorization_strip: AfterAuthorizationStrip::PreflightListingAuthorization,
            method_change_keeps_origin: true,
            redirect_307_delete_becomes_get: true,
            ..Profile::spec()
        }
    }

    /// The profile of an engine.
    pub fn for_engine(engine: Engine) -> Profile {
        match engine {
            Engine::Spec => Profile::spec(),
            Engine::Chromium => Profile::chromium(),
            Engine::Firefox => Profile::firefox(),
            Engine::WebKit => Profile::webkit(),
        }
    }

    /// The four built-in profiles, `Spec` first.
    pub fn all() -> Vec<Profile> {
        Engine::ALL
            .iter()
            .map(|e| Profile::for_engine(*e))
            .collect()
    }

    /// The max-age to store, in seconds, for a preflight response's
    /// headers, or `None` when this browser caches nothing for it.
    ///
    /// fetch: #cors-preflight-fetch-0 (the max-age steps)
    ///
    /// ```
    /// use cors_sim::{Profile, HeaderList};
    /// let h = |v: &str| HeaderList::from_pairs([("Access-Control-Max-Age", v)]);
    /// assert_eq!(Profile::spec().max_age(&h("abc")).seconds, Some(5));
    /// assert_eq!(Profile::firefox().max_age(&h("abc")).seconds, None);
    /// assert_eq!(Profile::chromium().max_age(&h("86400")).seconds, Some(7200));
    /// assert_eq!(Profile::webkit().max_age(&HeaderList::new()).seconds, Some(5));
    /// ```
    pub fn max_age(&self, headers: &crate::HeaderList) -> MaxAge {
        use crate::header_values::{Extracted, extract_max_age};
        let raw = headers.get_str("access-control-max-age");
        let (parsed, valid): (Option<u64>, bool) = match self.max_age_parsing {
            MaxAgeParsing::Spec => match extract_max_age(headers) {
                Extracted::List(v) => (v.first().map(|d| d.0), true),
                Extracted::Absent => (Some(self.max_age_default), true),
                Extracted::Failure { .. } => (Some(self.max_age_default), false),
            },
            MaxAgeParsing::SignedInteger => match &raw {
                None => (Some(self.max_age_default), true),
                Some(v) => match parse_signed(v) {
                    Some(n) if n < 0 => (Some(0), false),
                    Some(n) => (Some(n as u64), true),
                    None => (Some(self.max_age_default), false),
                },
            },
            MaxAgeParsing::DigitsOrNothing => match &raw {
                None => (Some(self.max_age_default), true),
                Some(v) if v.is_empty() => (Some(self.max_age_default), false),
                Some(v) if v.bytes().all(|b| b.is_ascii_digit()) => {
                    let cap = self.max_age_cap.unwrap_or(u64::MAX);
                    let mut n: u64 = 0;
                    for d in v.bytes() {
                        n = n
                            .saturating_mul(10)
                            .saturating_add(u64::from(d - b'0'))
                            .min(cap);
                    }
                    if n == 0 {
                        (None, true)
                    } else {
                        (Some(n), true)
                    }
                }
                Some(_) => (None, false),
            },
        };
        let capped = match (parsed, self.max_age_cap) {
            (Some(n), Some(cap)) if n > cap => Some(cap),
            (p, _) => p,
        };
        MaxAge {
            seconds: capped,
            raw,
            valid,
            capped: capped != parsed,
        }
    }
}

fn parse_signed(v: &str) -> Option<i64> {
    // Like base::StringToInt64: optional sign, digits only, no whitespace.
    let digits = v.strip_prefix('+').unwrap_or(v);
    if digits.starts_with('+') || digits.is_empty() {
        return None;
    }
    digits.parse::<i64>().ok()
}

impl Default for Profile {
    fn default() -> Self {
        Profile::spec()
    }
}

/// The max-age a browser derives from a preflight response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaxAge {
    /// Seconds to cache for; `None` when nothing is cached.
    pub seconds: Option<u64>,
    /// The raw header value (lines joined), if present.
    pub raw: Option<String>,
    /// Whether the value was valid for this browser (absent counts as valid).
    pub valid: bool,
    /// Whether the browser's cap lowered it.
    pub capped: bool,
}
