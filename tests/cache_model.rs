//! Model-based test of the preflight cache: random sequences of stores,
//! lookups, time advances and clears run against `PreflightCache` and
//! against a deliberately simple reference model (a list scanned
//! linearly), under each profile and under small capacities so that
//! eviction happens. Any divergence fails with the shrunk sequence.
//!
//! The model is written from the rules, not from the cache's code:
//! fetch: #concept-cache-match, #concept-cache-match-method,
//! #concept-cache-match-header, #concept-cache-clear, the cache-update steps
//! of #cors-preflight-fetch-0, and the profile fields' documented meaning
//! (union or replace, credentials in the key, `*` rules, implicit methods,
//! erasing insufficient entries, capacity and eviction).

use cors_sim::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightGrant};
use cors_sim::profile::{CacheUpdate, Eviction};
use cors_sim::{CredentialsMode, Profile, Time};
use proptest::prelude::*;

const ORIGINS: [&str; 2] = ["https://a.test", "null"];
const URLS: [&str; 3] = ["https://b.test/1", "https://b.test/2", "https://c.test/1"];
const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "patch", "*"];
const HEADERS: [&str; 5] = ["x-a", "X-B", "authorization", "content-type", "*"];

#[derive(Debug, Clone)]
enum Op {
    Store {
        key: usize,
        include: bool,
        methods: Vec<usize>,
        headers: Vec<usize>,
        max_age: u64,
    },
    Lookup {
        key: usize,
        cred: usize,
        method: usize,
        names: Vec<usize>,
        force: bool,
    },
    Advance {
        ms: u64,
    },
    Clear {
        key: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0usize..6;
    prop_oneof![
        4 => (key.clone(), any::<bool>(), prop::collection::vec(0usize..6, 0..3), prop::collection::vec(0usize..5, 0..3),
              prop_oneof![Just(0u64), Just(1), Just(5), Just(10), 0u64..30])
            .prop_map(|(key, include, methods, headers, max_age)| Op::Store { key, include, methods, headers, max_age }),
        4 => (key.clone(), 0usize..3, 0usize..6, prop::collection::vec(0usize..4, 0..3), any::<bool>())
            .prop_map(|(key, cred, method, names, force)| Op::Lookup { key, cred, method, names, force }),
        2 => prop_oneof![Just(1u64), Just(999), Just(1000), 0u64..20_000].prop_map(|ms| Op::Advance { ms }),
        1 => key.prop_map(|key| Op::Clear { key }),
    ]
}

fn key(i: usize) -> CacheKey {
    CacheKey {
        partition: None,
        origin: ORIGINS[i / 3].to_string(),
        url: URLS[i % 3].to_string(),
        credentials: None,
    }
}

fn cred(i: usize) -> CredentialsMode {
    [
        CredentialsMode::Omit,
        CredentialsMode::SameOrigin,
        CredentialsMode::Include,
    ][i]
}

/// Live items per key: (key, methods, headers), each item (name, expires, credentials).
type Contents = Vec<(CacheKey, Vec<(String, u64, bool)>, Vec<(String, u64, bool)>)>;

/// One cached name.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    name: String,
    expires: u64,
    credentials: bool,
}

/// An entry of the model: its key (with the credentials flag when the
/// profile keys by it), its items, and when it was last used.
#[derive(Debug, Clone)]
struct Entry {
    key: CacheKey,
    methods: Vec<Item>,
    headers: Vec<Item>,
    used: u64,
}

#[derive(Debug, Default)]
struct Model {
    entries: Vec<Entry>,
    tick: u64,
    rng: u64,
}

impl Model {
    fn full_key(p: &Profile, k: &CacheKey, c: CredentialsMode) -> CacheKey {
        let mut k = k.clone();
        k.credentials = if p.cache_keyed_by_credentials {
            Some(c == CredentialsMode::Include)
        } else {
            None
        };
        k
    }

    fn cacheable(p: &Profile, k: &CacheKey) -> bool {
        (p.cache_opaque_origin || k.origin != "null")
            && p.max_cached_url_len.is_none_or(|m| k.url.len() < m)
    }

    fn find(&self, k: &CacheKey) -> Option<usize> {
        self.entries.iter().position(|e| &e.key == k)
    }

    fn lookup(&mut self, p: &Profile, q: &CacheQuery, now: u64) -> (bool, bool, Vec<String>, bool) {
        let k = Self::full_key(p, &q.key, q.credentials);
        let include = q.credentials == CredentialsMode::Include;
        let at = if Self::cacheable(p, &k) {
            self.find(&k)
        } else {
            None
        };
        let usable = |i: &Item| now < i.expires && (i.credentials || !include);
        let star = |i: &Item| {
            i.name == "*"
                && p.cached_wildcard_matches
                && !include
                && !(p.cached_wildcard_needs_uncredentialed_entry && i.credentials)
        };
        let mut method_missing = q.force_method || !p.cache_implicit_methods.contains(&q.method);
        if method_missing {
            if let Some(i) = at {
                for m in &self.entries[i].methods {
                    if usable(m) && (m.name == q.method || star(m)) {
                        method_missing = false;
                    }
                }
            }
        }
        let mut headers_missing = Vec::new();
        for n in &q.unsafe_names {
            let mut found = false;
            if let Some(i) = at {
                for h in &self.entries[i].headers {
                    let auth = n.eq_ignore_ascii_case("authorization");
                    if usable(h)
                        && (h.name.eq_ignore_ascii_case(n)
                            || (star(h) && (!auth || p.cached_wildcard_covers_authorization)))
                    {
                        found = true;
                    }
                }
            }
            if !found {
                headers_missing.push(n.clone());
            }
        }
        let needs = method_missing || !headers_missing.is_empty();
        let mut erased = false;
        if needs && p.erase_insufficient_on_lookup {
            if let Some(i) = self.find(&k) {
                self.entries.remove(i);
                erased = true;
            }
        }
        if !needs {
            if let Some(i) = self.find(&k) {
                self.tick += 1;
                self.entries[i].used = self.tick;
            }
        }
        (needs, method_missing, headers_missing, erased)
    }

    fn store(
        &mut self,
        p: &Profile,
        k: &CacheKey,
        c: CredentialsMode,
        g: &PreflightGrant,
        max_age: u64,
        now: u64,
    ) {
        let k = Self::full_key(p, k, c);
        if !Self::cacheable(p, &k) {
            return;
        }
        if self.find(&k).is_none() {
            self.make_room(p, now);
            // Keep the list in key order (the order a full Chromium cache
            // drops a run of entries in).
            let at = self
                .entries
                .iter()
                .position(|e| e.key > k)
                .unwrap_or(self.entries.len());
            self.entries.insert(
                at,
                Entry {
                    key: k.clone(),
                    methods: vec![],
                    headers: vec![],
                    used: 0,
                },
            );
        }
        self.tick += 1;
        let tick = self.tick;
        let cred = c == CredentialsMode::Include;
        let Some(i) = self.find(&k) else { return };
        let e = &mut self.entries[i];
        e.used = tick;
        if p.cache_update == CacheUpdate::Replace {
            e.methods.clear();
            e.headers.clear();
        }
        let expires = now + max_age * 1000;
        for m in &g.methods {
            match e
                .methods
                .iter_mut()
                .find(|i| i.credentials == cred && i.name == *m)
            {
                Some(i) => i.expires = expires,
                None => e.methods.push(Item {
                    name: m.clone(),
                    expires,
                    credentials: cred,
                }),
            }
        }
        for h in &g.headers {
            match e
                .headers
                .iter_mut()
                .find(|i| i.credentials == cred && i.name.eq_ignore_ascii_case(h))
            {
                Some(i) => i.expires = expires,
                None => e.headers.push(Item {
                    name: h.clone(),
                    expires,
                    credentials: cred,
                }),
            }
        }
    }

    fn make_room(&mut self, p: &Profile, now: u64) {
        let Some(cap) = p.cache_capacity else { return };
        if self.entries.len() < cap {
            return;
        }
        match p.eviction {
            Eviction::ExpiredThenLru => {
                self.entries
                    .retain(|e| e.methods.iter().chain(&e.headers).any(|i| now < i.expires));
                while self.entries.len() >= cap {
                    let oldest = (0..self.entries.len())
                        .min_by_key(|&i| self.entries[i].used)
                        .unwrap();
                    self.entries.remove(oldest);
                }
            }
            Eviction::RandomRun { count, seed } => {
                while self.entries.len() >= cap {
                    if self.rng == 0 {
                        self.rng = seed | 1;
                    }
                    self.rng ^= self.rng << 13;
                    self.rng ^= self.rng >> 7;
                    self.rng ^= self.rng << 17;
                    let count = count.clamp(1, self.entries.len());
                    let start = (self.rng % ((self.entries.len() - count + 1) as u64)) as usize;
                    self.entries.drain(start..start + count);
                }
            }
        }
    }

    fn clear(&mut self, k: &CacheKey) {
        self.entries.retain(|e| {
            !(e.key.partition == k.partition && e.key.origin == k.origin && e.key.url == k.url)
        });
    }

    /// The live items per key, in a comparable form.
    fn live(&self, now: u64) -> Contents {
        let pick = |v: &Vec<Item>| {
            v.iter()
                .filter(|i| now < i.expires)
                .map(|i| (i.name.clone(), i.expires, i.credentials))
                .collect::<Vec<_>>()
        };
        let mut out: Vec<_> = self
            .entries
            .iter()
            .map(|e| (e.key.clone(), pick(&e.methods), pick(&e.headers)))
            .filter(|(_, m, h)| !m.is_empty() || !h.is_empty())
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

fn real_live(c: &PreflightCache, now: u64) -> Contents {
    c.snapshot(Time::from_millis(now))
        .into_iter()
        .map(|(k, e)| {
            let pick = |v: &Vec<cors_sim::preflight_cache::CacheItem>| {
                v.iter()
                    .map(|i| (i.name.clone(), i.expires.as_millis(), i.credentials))
                    .collect::<Vec<_>>()
            };
            (k, pick(&e.methods), pick(&e.headers))
        })
        .collect()
}

fn profiles() -> Vec<Profile> {
    let mut out = Profile::all();
    // Small capacities, so that short sequences fill the cache.
    let mut ff = Profile::firefox();
    ff.cache_capacity = Some(3);
    out.push(ff);
    let mut cr = Profile::chromium();
    cr.cache_capacity = Some(4);
    cr.eviction = Eviction::RandomRun { count: 2, seed: 7 };
    out.push(cr);
    let mut spec = Profile::spec();
    spec.cache_capacity = Some(2);
    out.push(spec);
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        .. ProptestConfig::default()
    })]

    #[test]
    fn the_cache_matches_the_reference_model(ops in prop::collection::vec(op(), 1..40), which in 0usize..7) {
        let profile = profiles().swap_remove(which);
        let mut real = PreflightCache::new();
        let mut model = Model::default();
        let mut now = 0u64;
        for (step, op) in ops.iter().enumerate() {
            match op {
                Op::Store { key: k, include, methods, headers, max_age } => {
                    let g = PreflightGrant {
                        methods: methods.iter().map(|&i| METHODS[i].to_string()).collect(),
                        headers: headers.iter().map(|&i| HEADERS[i].to_string()).collect(),
                    };
                    let c = if *include { CredentialsMode::Include } else { CredentialsMode::Omit };
                    real.store(&profile, &key(*k), c, &g, *max_age, Time::from_millis(now));
                    model.store(&profile, &key(*k), c, &g, *max_age, now);
                }
                Op::Lookup { key: k, cred: c, method, names, force } => {
                    let q = CacheQuery {
                        key: key(*k),
                        credentials: cred(*c),
                        method: METHODS[*method].to_string(),
                        unsafe_names: names.iter().map(|&i| HEADERS[i].to_ascii_lowercase()).collect(),
                        force_method: *force,
                    };
                    let r = real.lookup(&profile, &q, Time::from_millis(now));
                    let m = model.lookup(&profile, &q, now);
                    prop_assert_eq!((r.needs_preflight, r.method_missing, r.headers_missing.clone(), r.erased), m,
                        "step {}: lookup {:?} under {}", step, q, profile.engine);
                }
                Op::Advance { ms } => now += ms,
                Op::Clear { key: k } => {
                    real.clear(&key(*k));
                    model.clear(&key(*k));
                }
            }
            prop_assert_eq!(real_live(&real, now), model.live(now), "step {}: contents differ under {}", step, profile.engine);
            if let Some(cap) = profile.cache_capacity {
                prop_assert!(real.len() <= cap);
            }
        }
    }
}
