//! The CORS-preflight cache.
//!
//! fetch: #cors-preflight-cache, #concept-cache, #concept-cache-create-entry,
//! #concept-cache-match, #concept-cache-match-method,
//! #concept-cache-match-header, #concept-cache-clear
//!
//! The standard keeps one entry per method and per header name, each with
//! its own max-age, keyed by (network partition key, serialized origin,
//! URL, credentials). cors-sim keeps the entries of one (partition,
//! origin, URL) together, as browsers do, and adds what the standard leaves
//! implicit: each item's expiry time, computed from the caller's `now`. An
//! item is live while `now < expires`, so a max-age of 0 is never live.
//!
//! How results merge, what a full cache drops and which items match are
//! per [`Profile`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::profile::{CacheUpdate, Eviction, Profile};
use crate::request::CredentialsMode;
use crate::time::Time;

/// Identifies the requests a cache entry may serve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CacheKey {
    /// The network partition key (`None`: the page's own).
    pub partition: Option<String>,
    /// The byte-serialized request origin (`null` when tainted or opaque).
    pub origin: String,
    /// The request's current URL, fragment included (measured: engines keep
    /// `#one` and `#two` apart).
    pub url: String,
    /// Whether the entry is for credentialed requests, in profiles whose
    /// key holds the credentials flag; `None` elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<bool>,
}

/// One cached method or header name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheItem {
    /// The method (byte-exact) or header name (as received), or `*`.
    pub name: String,
    /// When the item stops being usable.
    pub expires: Time,
    /// Whether it was stored by a preflight for a credentialed request.
    pub credentials: bool,
}

impl CacheItem {
    fn live(&self, now: Time) -> bool {
        now < self.expires
    }
}

/// The cached items of one key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// Method items.
    pub methods: Vec<CacheItem>,
    /// Header-name items.
    pub headers: Vec<CacheItem>,
    #[serde(skip)]
    last_used: u64,
}

impl CacheEntry {
    fn all_expired(&self, now: Time) -> bool {
        self.methods
            .iter()
            .chain(&self.headers)
            .all(|i| !i.live(now))
    }
}

/// What a request needs from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheQuery {
    /// Partition, origin and URL (credentials filled in per profile).
    pub key: CacheKey,
    /// The request's credentials mode.
    pub credentials: CredentialsMode,
    /// The method, after normalization.
    pub method: String,
    /// The CORS-unsafe request-header names.
    pub unsafe_names: Vec<String>,
    /// Whether a method entry is needed even for a safelisted method
    /// (use-CORS-preflight flag, or a forced preflight).
    pub force_method: bool,
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheLookup {
    /// Whether a preflight must be sent.
    pub needs_preflight: bool,
    /// Whether the method needed an entry and found none.
    pub method_missing: bool,
    /// The unsafe names with no live entry.
    pub headers_missing: Vec<String>,
    /// Whether the lookup erased an insufficient entry (Chromium, WebKit).
    pub erased: bool,
}

/// What a successful (or, in WebKit, refused) preflight grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightGrant {
    /// The methods listed (or the request's method when the
    /// use-CORS-preflight flag is set and none were listed).
    pub methods: Vec<String>,
    /// The header names listed.
    pub headers: Vec<String>,
}

/// A preflight cache.
///
/// ```
/// use cors_sim::{Profile, Time, CredentialsMode};
/// use cors_sim::preflight_cache::{PreflightCache, CacheKey, CacheQuery, PreflightGrant};
/// let profile = Profile::spec();
/// let mut cache = PreflightCache::new();
/// let key = CacheKey { partition: None, origin: "https://a.example".into(), url: "https://b.example/x".into(), credentials: None };
/// let grant = PreflightGrant { methods: vec!["PUT".into()], headers: vec![] };
/// cache.store(&profile, &key, CredentialsMode::Omit, &grant, 10, Time::ZERO);
/// let q = CacheQuery { key, credentials: CredentialsMode::Omit, method: "PUT".into(), unsafe_names: vec![], force_method: false };
/// assert!(!cache.lookup(&profile, &q, Time::from_secs(9)).needs_preflight);
/// assert!(cache.lookup(&profile, &q, Time::from_secs(10)).needs_preflight); // expired exactly at 10 s
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightCache {
    entries: BTreeMap<CacheKey, CacheEntry>,
    tick: u64,
    rng: u64,
    limit: usize,
}

/// The most URLs a cache holds for a profile that sets no capacity (the
/// standard's, WebKit's). This is cors-sim's own bound, so that no input
/// grows memory without limit; no browser was measured near it (WebKitGTK
/// kept all of 1,100).
pub const DEFAULT_LIMIT: usize = 65_536;

impl Default for PreflightCache {
    fn default() -> Self {
        PreflightCache {
            entries: BTreeMap::new(),
            tick: 0,
            rng: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl PreflightCache {
    /// An empty cache.
    pub fn new() -> PreflightCache {
        PreflightCache::default()
    }

    /// An empty cache holding at most `limit` URLs for profiles that set no
    /// capacity (at least 8). A full cache drops expired entries, then the
    /// least recently used eighth.
    pub fn with_limit(limit: usize) -> PreflightCache {
        PreflightCache {
            limit: limit.max(8),
            ..PreflightCache::default()
        }
    }

    /// The bound for profiles that set no capacity.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// An estimate of the heap memory the cache holds, in bytes: keys,
    /// items and names, by their allocated capacity, plus the map's nodes.
    pub fn heap_bytes(&self) -> usize {
        let item = std::mem::size_of::<CacheItem>();
        let node = std::mem::size_of::<CacheKey>() + std::mem::size_of::<CacheEntry>();
        self.entries
            .iter()
            .map(|(k, e)| {
                node + k.origin.capacity()
                    + k.url.capacity()
                    + k.partition.as_ref().map_or(0, String::capacity)
                    + (e.methods.capacity() + e.headers.capacity()) * item
                    + e.methods
                        .iter()
                        .chain(&e.headers)
                        .map(|i| i.name.capacity())
                        .sum::<usize>()
            })
            .sum()
    }

    /// The key to use for `key` under `profile` and `credentials`.
    pub fn profile_key(
        profile: &Profile,
        key: &CacheKey,
        credentials: CredentialsMode,
    ) -> CacheKey {
        let mut k = key.clone();
        k.credentials = profile
            .cache_keyed_by_credentials
            .then_some(credentials == CredentialsMode::Include);
        k
    }

    fn cacheable(profile: &Profile, key: &CacheKey) -> bool {
        (profile.cache_opaque_origin || key.origin != "null")
            && profile
                .max_cached_url_len
                .is_none_or(|max| key.url.len() < max)
    }

    /// Looks up whether `query` can skip its preflight at `now`.
    ///
    /// fetch: #http-fetch (the preflight decision), #concept-cache-match-method,
    /// #concept-cache-match-header
    pub fn lookup(&mut self, profile: &Profile, query: &CacheQuery, now: Time) -> CacheLookup {
        let key = Self::profile_key(profile, &query.key, query.credentials);
        let include = query.credentials == CredentialsMode::Include;
        let method_needed =
            query.force_method || !profile.cache_implicit_methods.contains(&query.method);
        let usable = Self::cacheable(profile, &key);
        let entry = if usable { self.entries.get(&key) } else { None };
        let item_ok = |i: &&CacheItem| i.live(now) && (i.credentials || !include);
        // fetch: #concept-cache-match-method, #concept-cache-match-header:
        // a `*` item matches any method or (non-Authorization) header. It
        // never serves a credentialed request here, which keeps `*` literal
        // with credentials (a departure from the literal cache-match steps,
        // see docs/profiles.md).
        let wildcard_ok = |i: &CacheItem| {
            profile.cached_wildcard_matches
                && i.name == "*"
                && !include
                && !(profile.cached_wildcard_needs_uncredentialed_entry && i.credentials)
        };
        let method_missing = method_needed
            && !entry.is_some_and(|e| {
                e.methods
                    .iter()
                    .filter(item_ok)
                    .any(|i| i.name == query.method || wildcard_ok(i))
            });
        let headers_missing: Vec<String> = query
            .unsafe_names
            .iter()
            .filter(|name| {
                let is_auth = name.eq_ignore_ascii_case("authorization");
                !entry.is_some_and(|e| {
                    e.headers.iter().filter(item_ok).any(|i| {
                        i.name.eq_ignore_ascii_case(name)
                            || (wildcard_ok(i)
                                && (!is_auth || profile.cached_wildcard_covers_authorization))
                    })
                })
            })
            .cloned()
            .collect();
        let needs_preflight = method_missing || !headers_missing.is_empty();
        let mut erased = false;
        if needs_preflight {
            if profile.erase_insufficient_on_lookup && self.entries.remove(&key).is_some() {
                erased = true;
            }
        } else if let Some(e) = self.entries.get_mut(&key) {
            self.tick += 1;
            e.last_used = self.tick;
        }
        CacheLookup {
            needs_preflight,
            method_missing,
            headers_missing,
            erased,
        }
    }

    /// Stores a preflight result with `max_age` seconds at `now`.
    ///
    /// fetch: #cors-preflight-fetch-0 (the cache update steps), #concept-cache-create-entry
    pub fn store(
        &mut self,
        profile: &Profile,
        key: &CacheKey,
        credentials: CredentialsMode,
        grant: &PreflightGrant,
        max_age: u64,
        now: Time,
    ) {
        let key = Self::profile_key(profile, key, credentials);
        if !Self::cacheable(profile, &key) {
            return;
        }
        if !self.entries.contains_key(&key) {
            self.make_room(profile, now);
        }
        let expires = now.plus_secs(max_age);
        let cred = credentials == CredentialsMode::Include;
        self.tick += 1;
        let tick = self.tick;
        let entry = self.entries.entry(key).or_default();
        entry.last_used = tick;
        if profile.cache_update == CacheUpdate::Replace {
            entry.methods.clear();
            entry.headers.clear();
        }
        let upsert = |items: &mut Vec<CacheItem>, name: &str, ci: bool| {
            let same = |i: &CacheItem| {
                i.credentials == cred
                    && if ci {
                        i.name.eq_ignore_ascii_case(name)
                    } else {
                        i.name == name
                    }
            };
            if let Some(i) = items.iter_mut().find(|i| same(i)) {
                i.expires = expires;
            } else {
                items.push(CacheItem {
                    name: name.to_string(),
                    expires,
                    credentials: cred,
                });
            }
        };
        for m in &grant.methods {
            upsert(&mut entry.methods, m, false);
        }
        for h in &grant.headers {
            upsert(&mut entry.headers, h, true);
        }
        // Entries are many and small: keep no spare capacity.
        entry.methods.shrink_to_fit();
        entry.headers.shrink_to_fit();
    }

    fn make_room(&mut self, profile: &Profile, now: Time) {
        let Some(cap) = profile.cache_capacity else {
            if self.entries.len() >= self.limit {
                self.entries.retain(|_, e| !e.all_expired(now));
                let keep = self.limit - self.limit / 8;
                if self.entries.len() > keep {
                    // Drop the least recently used, down to seven eighths:
                    // `last_used` ticks are unique, so the cut is exact.
                    let drop = self.entries.len() - keep;
                    let mut ticks: Vec<u64> = self.entries.values().map(|e| e.last_used).collect();
                    let (_, cutoff, _) = ticks.select_nth_unstable(drop - 1);
                    let cutoff = *cutoff;
                    self.entries.retain(|_, e| e.last_used > cutoff);
                }
            }
            return;
        };
        if self.entries.len() < cap {
            return;
        }
        match profile.eviction {
            Eviction::ExpiredThenLru => {
                self.entries.retain(|_, e| !e.all_expired(now));
                while self.entries.len() >= cap {
                    let oldest = self
                        .entries
                        .iter()
                        .min_by_key(|(_, e)| e.last_used)
                        .map(|(k, _)| k.clone());
                    match oldest {
                        Some(k) => {
                            self.entries.remove(&k);
                        }
                        None => break,
                    }
                }
            }
            Eviction::RandomRun { count, seed } => {
                while self.entries.len() >= cap {
                    if self.rng == 0 {
                        self.rng = seed | 1;
                    }
                    // xorshift64: a fixed sequence, so runs are reproducible.
                    self.rng ^= self.rng << 13;
                    self.rng ^= self.rng >> 7;
                    self.rng ^= self.rng << 17;
                    let len = self.entries.len();
                    let count = count.clamp(1, len);
                    let start = (self.rng % ((len - count + 1) as u64)) as usize;
                    let doomed: Vec<CacheKey> = self
                        .entries
                        .keys()
                        .skip(start)
                        .take(count)
                        .cloned()
                        .collect();
                    for k in doomed {
                        self.entries.remove(&k);
                    }
                }
            }
        }
    }

    /// Removes every entry for the key's partition, origin and URL, for
    /// both credential modes.
    ///
    /// fetch: #concept-cache-clear
    pub fn clear(&mut self, key: &CacheKey) {
        self.entries.retain(|k, _| {
            !(k.partition == key.partition && k.origin == key.origin && k.url == key.url)
        });
    }

    /// Removes everything.
    pub fn clear_all(&mut self) {
        self.entries.clear();
    }

    /// How many keys hold entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in key order, with only the items live at `now`.
    pub fn snapshot(&self, now: Time) -> Vec<(CacheKey, CacheEntry)> {
        self.entries
            .iter()
            .map(|(k, e)| {
                let live = |v: &Vec<CacheItem>| v.iter().filter(|i| i.live(now)).cloned().collect();
                (
                    k.clone(),
                    CacheEntry {
                        methods: live(&e.methods),
                        headers: live(&e.headers),
                        last_used: e.last_used,
                    },
                )
            })
            .filter(|(_, e)| !e.methods.is_empty() || !e.headers.is_empty())
            .collect()
    }
}
