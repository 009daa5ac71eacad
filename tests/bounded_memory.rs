//! An adversary that makes a page preflight a million distinct URLs cannot
//! grow the preflight cache without bound: each profile's capacity holds
//! (Chromium 1,024, Firefox 100), and profiles that set none (the
//! standard's, WebKit's) stop at cors-sim's own limit.

use cors_sim::preflight_cache::{CacheKey, DEFAULT_LIMIT, PreflightCache, PreflightGrant};
use cors_sim::{Client, CredentialsMode, Profile, Request, ServerResponse, Time};

fn key(i: usize) -> CacheKey {
    CacheKey {
        partition: None,
        origin: "https://evil.example".into(),
        url: format!("https://api.example/r/{i}"),
        credentials: None,
    }
}

#[test]
fn a_million_distinct_entries_stay_bounded() {
    let grant = PreflightGrant {
        methods: vec!["PUT".into()],
        headers: vec!["x-a".into()],
    };
    for profile in Profile::all() {
        let bound = profile.cache_capacity.unwrap_or(DEFAULT_LIMIT);
        let mut cache = PreflightCache::new();
        let mut peak_bytes = 0;
        for i in 0..1_000_000 {
            cache.store(
                &profile,
                &key(i),
                CredentialsMode::Omit,
                &grant,
                86400,
                Time::from_millis(i as u64),
            );
            assert!(
                cache.len() <= bound,
                "{}: {} entries",
                profile.engine,
                cache.len()
            );
            if i % 50_000 == 0 {
                peak_bytes = peak_bytes.max(cache.heap_bytes());
            }
        }
        let per_entry = cache.heap_bytes() / cache.len();
        eprintln!(
            "{}: {} entries kept, {per_entry} bytes an entry, peak {peak_bytes} bytes",
            profile.engine,
            cache.len()
        );
        // About 300 bytes an entry (docs/performance.md); the bound leaves room
        // for allocator rounding, not for growth.
        assert!(
            per_entry < 400,
            "{}: {per_entry} bytes an entry",
            profile.engine
        );
        assert!(
            peak_bytes <= bound * 400,
            "{}: {peak_bytes} bytes",
            profile.engine
        );
        // The newest entry is still there (the eviction never drops it).
        assert!(!cache.snapshot(Time::from_secs(1_000)).is_empty());
    }
}

#[test]
fn a_smaller_limit_is_honoured_and_keeps_the_recently_used() {
    let profile = Profile::spec();
    let grant = PreflightGrant {
        methods: vec!["PUT".into()],
        headers: vec![],
    };
    let mut cache = PreflightCache::with_limit(64);
    for i in 0..10_000 {
        cache.store(
            &profile,
            &key(i),
            CredentialsMode::Omit,
            &grant,
            600,
            Time::ZERO,
        );
        assert!(cache.len() <= 64);
    }
    // The last entry stored is kept.
    let live = cache.snapshot(Time::ZERO);
    assert!(live.iter().any(|(k, _)| k.url.ends_with("/r/9999")));
}

#[test]
fn the_state_machine_stays_bounded_too() {
    // 20,000 distinct preflighted URLs through whole fetches (Firefox keeps 100).
    let mut client = Client::new(Profile::firefox());
    client.set_tracing(false);
    for i in 0..20_000 {
        let req = Request::new(
            "https://evil.example",
            "PUT",
            &format!("https://api.example/r/{i}"),
        )
        .unwrap();
        let o = client
            .run(req, Time::from_millis(i), |_| {
                ServerResponse::new(204)
                    .header("Access-Control-Allow-Origin", "https://evil.example")
                    .header("Access-Control-Allow-Methods", "PUT")
                    .header("Access-Control-Max-Age", "86400")
            })
            .unwrap();
        assert!(o.is_exposed());
        assert!(client.cache().len() <= 100);
    }
}
