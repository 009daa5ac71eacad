//! Property-based conformance: invariants of the Fetch standard's CORS
//! rules, checked over generated origins, requests, headers and servers
//! (`cors_sim::strategies`). Each property says which part of the standard
//! makes it hold. `PROPTEST_CASES` sets the number of cases (CI uses the
//! default below; the README documents a deep run).

use cors_sim::request_headers::{
    cors_unsafe_request_header_names, is_cors_safelisted_request_header,
};
use cors_sim::response_headers::{
    CORS_SAFELISTED_RESPONSE_HEADER_NAMES, is_forbidden_response_header_name,
};
use cors_sim::strategies::{self as st, CorsServer, Scenario};
use cors_sim::{
    Client, CredentialsMode, Engine, HeaderList, Mode, Outcome, Profile, Request, ResponseType,
    ServerResponse, Time, WireRequest,
};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn run(profile: &Profile, req: &Request, server: &CorsServer, now: Time) -> Outcome {
    Client::new(profile.clone())
        .run(req.clone(), now, |s| server.respond(s))
        .expect("generated requests are valid input")
}

fn run_on(client: &mut Client, req: &Request, server: &CorsServer, now: Time) -> Outcome {
    client
        .run(req.clone(), now, |s| server.respond(s))
        .expect("valid input")
}

fn cross_origin_cors(req: &Request) -> bool {
    req.mode == Mode::Cors && cors_sim::Origin::of_url(&req.url) != req.origin
}

fn profile() -> impl Strategy<Value = Profile> {
    prop::sample::select(Profile::all())
}

/// A request whose method and headers are all CORS-safelisted.
fn safelisted_request() -> impl Strategy<Value = Request> {
    st::request().prop_filter("safelisted", |r| {
        matches!(
            r.method.to_ascii_uppercase().as_str(),
            "GET" | "HEAD" | "POST"
        ) && !r.use_cors_preflight
            && r.headers
                .iter()
                .all(|h| is_cors_safelisted_request_header(&h.name, &h.value))
            && r.headers.iter().map(|h| h.value.len()).sum::<usize>() + 3 <= 1024
            && r.headers.unique_names().len() == r.headers.len()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    // fetch: #main-fetch. Only the use-CORS-preflight flag, a method that is
    // not safelisted or a CORS-unsafe header name leads to a preflight; the
    // cache can only remove preflights, never add them.
    #[test]
    fn p01_safelisted_requests_never_preflight(req in safelisted_request(), warm in st::scenario(), p in profile()) {
        let mut client = Client::new(p);
        run_on(&mut client, &warm.request, &warm.server, Time::ZERO);
        let o = run_on(&mut client, &req, &warm.server, Time::from_secs(1));
        prop_assert_eq!(o.preflight_count(), 0);
    }

    // fetch: #cors-unsafe-request-header-names grows with the header list,
    // and #main-fetch preflights when it is non-empty.
    #[test]
    fn p02_adding_an_unsafe_header_never_removes_a_preflight(s in st::scenario(), name in "X-[A-Z]{1,5}") {
        let p = Profile::spec();
        let before = run(&p, &s.request, &s.server, Time::ZERO);
        let mut more = s.request.clone();
        more.headers.append(name.as_str(), "1");
        let after = run(&p, &more, &s.server, Time::ZERO);
        if before.preflight_count() > 0 {
            prop_assert!(after.preflight_count() > 0);
        }
        if cross_origin_cors(&s.request) && s.request.unsafe_request && before.error().is_none_or(|e| !e.reason.is_request_error()) {
            prop_assert!(after.preflight_count() > 0);
        }
    }

    // fetch: #concept-cors-check (credentials add conditions: exact origin
    // and ACAC true) and #main-fetch (ACEH `*` is literal with credentials):
    // `include` never shows JavaScript more than `omit`.
    #[test]
    fn p03_credentials_never_expose_more(s in st::scenario(), p in profile()) {
        let omit = run(&p, &s.request.clone().credentials(CredentialsMode::Omit), &s.server, Time::ZERO);
        let include = run(&p, &s.request.clone().credentials(CredentialsMode::Include), &s.server, Time::ZERO);
        if let Some(ri) = include.response() {
            let ro = omit.response();
            prop_assert!(ro.is_some(), "include exposed {:?} but omit failed with {:?}", ri.type_, omit.blocked_reason());
            let ro = ro.unwrap();
            for h in &ri.headers {
                prop_assert!(ro.headers.contains(&h.name_str()), "include sees {} but omit does not", h.name_str());
            }
        }
    }

    // fetch: #cors-preflight-fetch-0 and #concept-cache-match: the cache only
    // holds what a preflight granted, so a fetch served from the cache is one
    // a fresh preflight (to the same server) would also have allowed.
    #[test]
    fn p04_cache_hits_are_sound(warm in st::scenario(), s in st::scenario()) {
        let p = Profile::spec();
        // The warm-up fetch goes to the same URL from the same page, so that its
        // preflight can fill the entry the second fetch looks up.
        let mut warm_req = warm.request.clone();
        warm_req.url = s.request.url.clone();
        warm_req.origin = s.request.origin.clone();
        let mut client = Client::new(p.clone());
        run_on(&mut client, &warm_req, &s.server, Time::ZERO);
        let cached = run_on(&mut client, &s.request, &s.server, Time::from_secs(1));
        let fresh = run(&p, &s.request, &s.server, Time::from_secs(1));
        if cached.is_exposed() {
            prop_assert!(fresh.is_exposed(), "the cache allowed what a fresh preflight denies: {:?}", fresh.blocked_reason());
        }
    }

    // fetch: #concept-filtered-response-cors, -basic, -opaque and
    // #cors-safelisted-response-header-name: JavaScript sees a subset of the
    // response's headers; for CORS responses only safelisted or exposed
    // names; never Set-Cookie; nothing at all for opaque responses.
    #[test]
    fn p05_visible_headers_are_bounded(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        if let Some(r) = o.response() {
            let sent = o.exchanges.last().map(|e| e.response.headers.clone()).unwrap_or_default();
            for h in &r.headers {
                prop_assert!(!is_forbidden_response_header_name(&h.name));
                prop_assert!(sent.contains(&h.name_str()), "{} was not in the response", h.name_str());
            }
            match r.type_ {
                ResponseType::Opaque | ResponseType::OpaqueRedirect => {
                    prop_assert!(r.headers.is_empty());
                    prop_assert_eq!(r.status, 0);
                    prop_assert!(r.body.is_none());
                }
                ResponseType::Cors => {
                    let aceh = sent.get_str("access-control-expose-headers").unwrap_or_default().to_ascii_lowercase();
                    for h in &r.headers {
                        let n = h.name_str().to_ascii_lowercase();
                        prop_assert!(
                            CORS_SAFELISTED_RESPONSE_HEADER_NAMES.contains(&n.as_str()) || aceh.contains(&n) || aceh.contains('*'),
                            "{} visible without being safelisted or exposed", n
                        );
                    }
                }
                ResponseType::Basic => {}
            }
        }
    }

    // fetch: #cors-preflight-fetch-0: a preflight has no credentials and
    // carries only Accept, Access-Control-Request-* and Origin; its ACRH is
    // lower-cased, sorted and unique (#convert-header-names-to-a-sorted-lowercase-set).
    #[test]
    fn p06_preflights_carry_no_credentials_and_no_request_headers(s in st::scenario()) {
        let o = run(&Profile::spec(), &s.request, &s.server, Time::ZERO);
        for r in o.server_received().into_iter().filter(|r| r.is_preflight()) {
            prop_assert!(!r.credentials);
            prop_assert_eq!(r.method.as_str(), "OPTIONS");
            for h in &r.headers {
                let n = h.name_str().to_ascii_lowercase();
                prop_assert!(matches!(n.as_str(), "accept" | "access-control-request-method" | "access-control-request-headers" | "origin"), "{}", n);
            }
            let accept = r.headers.get_str("accept");
            prop_assert_eq!(accept.as_deref(), Some("*/*"));
            if let Some(acrh) = r.headers.get_str("access-control-request-headers") {
                let names: Vec<&str> = acrh.split(',').collect();
                prop_assert!(names.iter().all(|n| n.chars().all(|c| !c.is_ascii_uppercase()) && !n.is_empty()));
                prop_assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique: {}", acrh);
            }
        }
    }

    // fetch: #cors-preflight-fetch-0 (max-age, capped by the browser) and
    // #concept-cache: an entry is usable until exactly stored + min(max-age, cap).
    #[test]
    fn p07_entries_expire_at_min_of_max_age_and_cap(max_age in prop_oneof![0u64..20, 590u64..610, 7190u64..7210, 86390u64..86410], p in profile()) {
        let server = CorsServer {
            preflight_status: 204, status: 200, acao: vec![b"https://a.test".to_vec()], acac: None,
            acam: Some(b"PUT".to_vec()), acah: None, max_age: Some(max_age.to_string().into_bytes()), aceh: None,
        };
        let req = Request::new("https://a.test", "PUT", "https://b.test/r").unwrap();
        let life = p.max_age_cap.map_or(max_age, |cap| max_age.min(cap));
        let mut client = Client::new(p.clone());
        prop_assert_eq!(run_on(&mut client, &req, &server, Time::from_secs(100)).preflight_count(), 1);
        let stays = p.max_age(&HeaderList::from_pairs([("Access-Control-Max-Age", max_age.to_string())])).seconds.is_some();
        if life > 0 && stays {
            prop_assert_eq!(run_on(&mut client, &req, &server, Time::from_millis((100 + life) * 1000 - 1)).preflight_count(), 0);
        }
        let mut client = Client::new(p);
        run_on(&mut client, &req, &server, Time::from_secs(100));
        prop_assert_eq!(run_on(&mut client, &req, &server, Time::from_secs(100 + life)).preflight_count(), 1);
    }

    // Diagnostics: every network error has a stable reason code and a console
    // message for each engine that names the URL (or the request error).
    #[test]
    fn p08_every_error_has_a_reason_and_messages(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        if let Some(e) = o.error() {
            prop_assert_eq!(cors_sim::Reason::from_code(e.reason.code()), Some(e.reason));
            for engine in Engine::ALL {
                let m = e.console_message(engine);
                prop_assert!(!m.is_empty());
                prop_assert!(!e.js_message(engine).is_empty());
                if !e.reason.is_request_error() && engine != Engine::Spec {
                    prop_assert!(m.contains(e.url.as_str()) || m.contains(e.initial_url.as_str()) || m.contains("Not allowed to request"), "{}", m);
                }
            }
        }
    }

    // Determinism (the crate's contract): the same input gives the same output.
    #[test]
    fn p09_deterministic(s in st::scenario(), warm in st::scenario(), p in profile()) {
        let go = || {
            let mut c = Client::new(p.clone());
            run_on(&mut c, &warm.request, &warm.server, Time::ZERO);
            run_on(&mut c, &s.request, &s.server, Time::from_secs(3))
        };
        prop_assert_eq!(go(), go());
    }

    // fetch: #cors-unsafe-request-header-names returns a sorted set: the
    // order of header lines does not change it.
    #[test]
    fn p10_header_order_does_not_change_classification(h in st::request_headers(), seed in any::<u64>()) {
        let mut lines: Vec<_> = h.iter().cloned().collect();
        let n = lines.len();
        if n > 1 {
            lines.rotate_left((seed as usize) % n);
        }
        let shuffled: HeaderList = lines.into_iter().collect();
        prop_assert_eq!(cors_unsafe_request_header_names(&h), cors_unsafe_request_header_names(&shuffled));
    }

    // Profiles differ from Spec only where their data says: a Spec profile
    // relabelled as another engine decides exactly as Spec does.
    #[test]
    fn p11_the_engine_label_alone_changes_no_decision(s in st::scenario(), e in prop::sample::select(Engine::ALL.to_vec())) {
        let mut relabelled = Profile::spec();
        relabelled.engine = e;
        let a = run(&Profile::spec(), &s.request, &s.server, Time::ZERO);
        let b = run(&relabelled, &s.request, &s.server, Time::ZERO);
        prop_assert_eq!(a.result, b.result);
        prop_assert_eq!(a.exchanges, b.exchanges);
    }

    // Profiles differ from Spec only where their data says: for one fetch
    // with a fresh cache, no duplicate header names, no Authorization, no
    // redirect and a tuple page origin, Chromium decides as Spec does.
    #[test]
    fn p12_chromium_matches_spec_off_its_documented_differences(s in st::scenario()) {
        let r = &s.request;
        prop_assume!(!r.origin.is_opaque());
        prop_assume!(r.headers.unique_names().len() == r.headers.len());
        prop_assume!(!r.headers.contains("authorization"));
        let a = run(&Profile::spec(), r, &s.server, Time::ZERO);
        prop_assume!(a.exchanges.iter().all(|e| !(300..400).contains(&e.response.status)));
        let b = run(&Profile::chromium(), r, &s.server, Time::ZERO);
        prop_assert_eq!(a.is_exposed(), b.is_exposed());
        prop_assert_eq!(a.blocked_reason(), b.blocked_reason());
        prop_assert_eq!(a.exchanges, b.exchanges);
    }

    // fetch: #main-fetch: a same-origin, untainted request is basic: no
    // preflight and no CORS check, whatever its method or headers.
    #[test]
    fn p13_same_origin_requests_are_basic(s in st::scenario()) {
        let mut r = s.request.clone();
        r.url = url::Url::parse("https://a.test/r").unwrap();
        r.origin = cors_sim::Origin::parse("https://a.test").unwrap();
        let o = run(&Profile::spec(), &r, &s.server, Time::ZERO);
        prop_assert_eq!(o.preflight_count(), 0);
        match o.response() {
            Some(resp) => prop_assert_eq!(resp.type_, ResponseType::Basic),
            None => prop_assert!(o.blocked_reason().unwrap().is_request_error()),
        }
    }

    // fetch: #main-fetch: mode same-origin to another origin is a network
    // error before anything is sent.
    #[test]
    fn p14_same_origin_mode_sends_nothing_cross_origin(s in st::scenario()) {
        let r = s.request.clone().mode(Mode::SameOrigin);
        prop_assume!(cors_sim::Origin::of_url(&r.url) != r.origin);
        let o = run(&Profile::spec(), &r, &s.server, Time::ZERO);
        prop_assert!(o.server_received().is_empty());
        prop_assert!(!o.is_exposed());
    }

    // fetch: #main-fetch: no-cors to another origin never preflights, and
    // what JavaScript gets is opaque.
    #[test]
    fn p15_no_cors_is_opaque_and_never_preflights(s in st::scenario(), p in profile()) {
        let r = s.request.clone().mode(Mode::NoCors);
        prop_assume!(cors_sim::Origin::of_url(&r.url) != r.origin);
        let o = run(&p, &r, &s.server, Time::ZERO);
        prop_assert_eq!(o.preflight_count(), 0);
        if let Some(resp) = o.response() {
            prop_assert_eq!(resp.type_, ResponseType::Opaque);
        }
    }

    // fetch: #cors-preflight-fetch-0: the actual request follows a preflight
    // only when the preflight's status was ok (200-299).
    #[test]
    fn p16_no_actual_request_after_a_failed_preflight(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        let ex = &o.exchanges;
        for (i, e) in ex.iter().enumerate() {
            if e.request.is_preflight() && !(200..300).contains(&e.response.status) {
                prop_assert_eq!(i + 1, ex.len(), "a request followed a preflight answered {}", e.response.status);
            }
        }
    }

    // fetch: #append-a-request-origin-header: every request with CORS
    // tainting carries Origin, its value is the serialized page origin or
    // `null`.
    #[test]
    fn p17_origin_header_values(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        let page = s.request.origin.serialize();
        for r in o.server_received() {
            if let Some(v) = r.origin() {
                prop_assert!(v == page || v == "null", "Origin {}", v);
            }
            if r.is_preflight() {
                prop_assert!(r.origin().is_some());
            }
        }
    }

    // fetch: #http-network-or-cache-fetch: credentials `omit` never attaches
    // cookies; a preflight never does.
    #[test]
    fn p18_omit_never_sends_cookies(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request.clone().credentials(CredentialsMode::Omit), &s.server, Time::ZERO);
        prop_assert!(o.server_received().iter().all(|r| !r.credentials));
    }

    // fetch: #concept-cors-check: `*` never passes a credentialed request.
    #[test]
    fn p19_wildcard_never_serves_credentials(s in st::scenario(), p in profile()) {
        let mut server = s.server.clone();
        server.acao = vec![b"*".to_vec()];
        let r = s.request.clone().credentials(CredentialsMode::Include);
        prop_assume!(cross_origin_cors(&r));
        let o = run(&p, &r, &server, Time::ZERO);
        prop_assert!(!o.is_exposed());
    }

    // fetch: #http-redirect-fetch: at most 20 redirects are followed.
    #[test]
    fn p20_at_most_twenty_redirects(n in 0usize..30, p in profile()) {
        let req = Request::get("https://a.test", "https://b.test/0").unwrap();
        let o = Client::new(p).run(req, Time::ZERO, |w: &WireRequest| {
            let i: usize = w.url.path().trim_start_matches('/').parse().unwrap_or(0);
            let r = ServerResponse::new(if i < n { 302 } else { 200 }).header("Access-Control-Allow-Origin", "*");
            if i < n { r.header("Location", format!("/{}", i + 1)) } else { r }
        }).unwrap();
        prop_assert!(o.server_received().len() <= 21);
        prop_assert_eq!(o.is_exposed(), n <= 20);
    }

    // fetch: #concept-filtered-response-cors keeps the status: a CORS
    // response has the status the server sent.
    #[test]
    fn p21_cors_responses_keep_the_status(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        if let (Some(r), Some(last)) = (o.response(), o.exchanges.last()) {
            if r.type_ == ResponseType::Cors || r.type_ == ResponseType::Basic {
                prop_assert_eq!(r.status, last.response.status);
            }
        }
    }

    // fetch: #concept-cors-check: an exposed CORS response had exactly one
    // ACAO, `*` or the serialized origin.
    #[test]
    fn p22_exposed_cors_responses_passed_the_check(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        if o.response().is_some_and(|r| r.type_ == ResponseType::Cors) {
            let last = &o.exchanges.last().unwrap().response.headers.normalized();
            let acao = last.get_str("access-control-allow-origin").unwrap();
            prop_assert!(acao == "*" || acao == s.request.origin.serialize(), "{}", acao);
            prop_assert_eq!(last.count("access-control-allow-origin"), 1);
        }
    }

    // fetch: #cors-preflight-fetch-0: ACRM is the request's method, byte for
    // byte, and ACRH is the request's CORS-unsafe header names.
    #[test]
    fn p23_preflight_names_the_request(s in st::scenario()) {
        let o = run(&Profile::spec(), &s.request, &s.server, Time::ZERO);
        if let Some(pf) = o.preflight_sent() {
            let actual_method = cors_sim::method::normalize_method(s.request.method.as_bytes());
            prop_assert_eq!(pf.headers.get("access-control-request-method"), Some(actual_method));
            let mut sent = s.request.headers.clone();
            sent.retain(|h| !cors_sim::request_headers::is_forbidden_request_header(&h.name, &h.value));
            if !sent.contains("accept") { sent.append("Accept", "*/*"); }
            let names = cors_unsafe_request_header_names(&sent);
            prop_assert_eq!(pf.headers.get_str("access-control-request-headers"), (!names.is_empty()).then(|| names.join(",")));
        }
    }

    // fetch: #concept-cache: a cached grant that serves a request at time t
    // also serves it at any earlier time after it was stored. (Times within
    // 12 s, around the 5 s default max-age most answers get.)
    #[test]
    fn p24_cache_hits_are_monotonic_in_time(s in st::scenario(), t1 in 1u64..12, t2 in 1u64..12, p in profile()) {
        let (early, late) = (t1.min(t2), t1.max(t2));
        let at = |t: u64| {
            let mut c = Client::new(p.clone());
            run_on(&mut c, &s.request, &s.server, Time::ZERO);
            run_on(&mut c, &s.request, &s.server, Time::from_secs(t)).preflight_count()
        };
        if at(late) == 0 {
            prop_assert_eq!(at(early), 0);
        }
    }

    // Data: an outcome survives a JSON round trip (the oracle's output).
    #[test]
    fn p25_outcomes_round_trip_through_json(s in st::scenario(), p in profile()) {
        let o = run(&p, &s.request, &s.server, Time::ZERO);
        let json = serde_json::to_string(&o).unwrap();
        let back: Outcome = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(o, back);
    }

    // fetch: #concept-header-list: any header bytes survive JSON (isomorphic
    // mapping) and the http crate (where http accepts them).
    #[test]
    fn p26_header_lists_round_trip(lines in prop::collection::vec(("[A-Za-z-]{1,8}", prop::collection::vec(any::<u8>(), 0..20)), 0..6)) {
        let h = HeaderList::from_pairs(lines.iter().map(|(n, v)| (n.as_str(), v.clone())));
        let back: HeaderList = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        prop_assert_eq!(&h, &back);
        if let Ok(map) = http::HeaderMap::try_from(&h) {
            let again = HeaderList::from(&map);
            for name in h.unique_names() {
                prop_assert_eq!(h.get(&name), again.get(&name));
            }
        }
    }
}

#[test]
fn scenario_strategy_reaches_the_edges() {
    // The strategies weight the boundaries: 128/129-byte values and 1024+
    // totals come up within a few hundred draws.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut at_128, mut at_129, mut over_1024) = (false, false, false);
    for _ in 0..2000 {
        let Scenario { request, .. } = st::scenario().new_tree(&mut runner).unwrap().current();
        for h in &request.headers {
            at_128 |= h.value.len() == 128;
            at_129 |= h.value.len() == 129;
        }
        over_1024 |= request.headers.iter().map(|h| h.value.len()).sum::<usize>() > 1024;
    }
    assert!(
        at_128 && at_129 && over_1024,
        "128: {at_128}, 129: {at_129}, >1024: {over_1024}"
    );
}
