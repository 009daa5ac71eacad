//! Speed of the CORS model: classification, preflights, whole fetches
//! (cache miss and hit), cache lookups at several sizes, the corpus.
//!
//! Run: `cargo bench --bench fetch` (figures in docs/performance.md).

use std::hint::black_box;

use cors_sim::preflight::{AllowCheckInput, check_allow_lists, preflight_headers};
use cors_sim::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightGrant};
use cors_sim::request_headers::cors_unsafe_request_header_names;
use cors_sim::{
    Client, CredentialsMode, HeaderList, Profile, Request, ServerResponse, Time, WireRequest,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn request_headers() -> HeaderList {
    HeaderList::from_pairs([
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
        ("X-Request-Id", "4f1c"),
        ("Accept-Language", "en-US,en;q=0.9"),
    ])
}

fn server(req: &WireRequest) -> ServerResponse {
    if req.is_preflight() {
        ServerResponse::new(204)
            .header("Access-Control-Allow-Origin", "https://app.example")
            .header("Access-Control-Allow-Methods", "GET, PUT, DELETE")
            .header("Access-Control-Allow-Headers", "Content-Type, X-Request-Id")
            .header("Access-Control-Max-Age", "600")
            .header("Vary", "Origin")
    } else {
        ServerResponse::new(200)
            .header("Access-Control-Allow-Origin", "https://app.example")
            .header("Content-Type", "application/json")
            .header("Vary", "Origin")
    }
}

fn classify(c: &mut Criterion) {
    let h = request_headers();
    c.bench_function("classify request headers", |b| {
        b.iter(|| cors_unsafe_request_header_names(black_box(&h)))
    });
}

fn preflight(c: &mut Criterion) {
    let names = cors_unsafe_request_header_names(&request_headers());
    let answer = server(&WireRequest {
        kind: cors_sim::RequestKind::Preflight,
        method: "OPTIONS".into(),
        url: url::Url::parse("https://api.example/items/1").unwrap(),
        headers: HeaderList::new(),
        credentials: false,
        has_body: false,
    })
    .headers;
    c.bench_function("build and validate a preflight", |b| {
        b.iter(|| {
            let h = preflight_headers(black_box("PUT"), black_box(&names));
            let check = check_allow_lists(
                black_box(&answer),
                AllowCheckInput {
                    method: "PUT",
                    unsafe_names: &names,
                    has_authorization: false,
                    credentials: CredentialsMode::SameOrigin,
                    use_cors_preflight: false,
                    wildcard_covers_authorization: false,
                },
            );
            (h, check)
        })
    });
}

fn whole_fetch(c: &mut Criterion) {
    let mut req =
        Request::new("https://app.example", "PUT", "https://api.example/items/1").unwrap();
    req.headers = request_headers();
    let profile = Profile::chromium();
    for tracing in [false, true] {
        let label = if tracing { "with trace" } else { "no trace" };
        c.bench_function(
            &format!("fetch with preflight, cache miss ({label})"),
            |b| {
                b.iter(|| {
                    let mut client = Client::new(profile.clone());
                    client.set_tracing(tracing);
                    client
                        .run(black_box(req.clone()), Time::ZERO, server)
                        .unwrap()
                })
            },
        );
        let mut client = Client::new(profile.clone());
        client.set_tracing(tracing);
        client.run(req.clone(), Time::ZERO, server).unwrap();
        c.bench_function(
            &format!("fetch served from the preflight cache, hit ({label})"),
            |b| {
                b.iter(|| {
                    let o = client
                        .run(black_box(req.clone()), Time::from_secs(1), server)
                        .unwrap();
                    debug_assert_eq!(o.preflight_count(), 0);
                    o
                })
            },
        );
    }
}

fn cache_lookup(c: &mut Criterion) {
    let profile = Profile::spec();
    let mut group = c.benchmark_group("cache lookup");
    for size in [10usize, 1_000, 100_000] {
        let mut cache = PreflightCache::new();
        let grant = PreflightGrant {
            methods: vec!["PUT".into()],
            headers: vec!["x-request-id".into()],
        };
        for i in 0..size {
            let key = CacheKey {
                partition: None,
                origin: "https://app.example".into(),
                url: format!("https://api.example/items/{i}"),
                credentials: None,
            };
            cache.store(
                &profile,
                &key,
                CredentialsMode::SameOrigin,
                &grant,
                600,
                Time::ZERO,
            );
        }
        let query = CacheQuery {
            key: CacheKey {
                partition: None,
                origin: "https://app.example".into(),
                url: format!("https://api.example/items/{}", size / 2),
                credentials: None,
            },
            credentials: CredentialsMode::SameOrigin,
            method: "PUT".into(),
            unsafe_names: vec!["x-request-id".into()],
            force_method: false,
        };
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter(|| cache.lookup(&profile, black_box(&query), Time::from_secs(1)))
        });
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases");
    let mut cases = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".json") && name != "schema.json" && name != "expected-failures.json" {
            let (file, _) =
                cors_sim::scenario::parse_case_file(&name, &std::fs::read_to_string(&p).unwrap());
            cases.extend(file.unwrap().cases);
        }
    }
    let profiles = Profile::all();
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.bench_function(format!("{} cases x 4 profiles", cases.len()), |b| {
        b.iter(|| {
            let mut passed = 0;
            for case in &cases {
                for p in &profiles {
                    if case.applies_to(p.engine) && case.run(p).unwrap().passed() {
                        passed += 1;
                    }
                }
            }
            passed
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    classify,
    preflight,
    whole_fetch,
    cache_lookup,
    corpus
);
criterion_main!(benches);
