//! No input may panic cors-sim: random bytes and strings go to every public
//! parser and to the state machine (random requests, random server answers,
//! random redirect chains). Each property also checks a sanity condition of
//! the result, so the test fails on a wrong answer of that kind too.

use cors_sim::header_list::decode_split;
use cors_sim::header_values::{extract_max_age, extract_token_list};
use cors_sim::mime::parse_mime_type;
use cors_sim::range::parse_single_range;
use cors_sim::request_headers::{
    cors_unsafe_request_header_names, is_forbidden_request_header, safelist_verdict,
};
use cors_sim::{
    Body, Client, CredentialsMode, HeaderList, Mode, Origin, Profile, RedirectMode, Request,
    ServerResponse, Time,
};
use proptest::prelude::*;

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..200)
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Access-Control-Allow-Origin".to_string()),
        Just("Access-Control-Allow-Methods".to_string()),
        Just("Access-Control-Allow-Headers".to_string()),
        Just("Access-Control-Allow-Credentials".to_string()),
        Just("Access-Control-Expose-Headers".to_string()),
        Just("Access-Control-Max-Age".to_string()),
        Just("Location".to_string()),
        Just("Vary".to_string()),
        Just("Set-Cookie".to_string()),
        "[A-Za-z-]{1,12}",
    ]
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"*".to_vec()),
        Just(b"https://a.test".to_vec()),
        Just(b"null".to_vec()),
        Just(b"true".to_vec()),
        Just(b"PUT, *".to_vec()),
        Just(b"https://b.test/next".to_vec()),
        Just(b"https://u:p@c.test/".to_vec()),
        Just(b"//c.test/x".to_vec()),
        Just(b"data:,x".to_vec()),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

fn response() -> impl Strategy<Value = ServerResponse> {
    (
        prop_oneof![
            Just(200u16),
            Just(204),
            Just(301),
            Just(302),
            Just(303),
            Just(307),
            Just(308),
            100u16..600
        ],
        prop::collection::vec((header_name(), header_value()), 0..8),
    )
        .prop_map(|(status, lines)| {
            let mut r = ServerResponse::new(status);
            for (n, v) in lines {
                r = r.header(n, v);
            }
            r
        })
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop_oneof![
            Just("https://a.test"),
            Just("null"),
            Just("http://a.test:8080")
        ],
        prop_oneof![
            Just("GET"),
            Just("POST"),
            Just("PUT"),
            Just("patch"),
            Just("TRACE"),
            Just("bad method"),
            Just("")
        ],
        prop_oneof![
            Just("https://b.test/x"),
            Just("https://a.test/x"),
            Just("http://b.test/"),
            Just("data:,hi"),
            Just("ftp://b.test/"),
            Just("https://u:p@b.test/"),
        ],
        prop::collection::vec(("[A-Za-z-]{1,10}", "[ -~]{0,30}"), 0..5),
        prop_oneof![Just(Mode::Cors), Just(Mode::NoCors), Just(Mode::SameOrigin)],
        prop_oneof![
            Just(CredentialsMode::Omit),
            Just(CredentialsMode::SameOrigin),
            Just(CredentialsMode::Include)
        ],
        prop_oneof![
            Just(RedirectMode::Follow),
            Just(RedirectMode::Error),
            Just(RedirectMode::Manual)
        ],
        prop_oneof![
            Just(Body::None),
            Just(Body::Bytes("x".into())),
            Just(Body::Stream)
        ],
        any::<bool>(),
    )
        .prop_map(
            |(origin, method, url, headers, mode, cred, redirect, body, flag)| {
                let mut r = Request::new(origin, method, url)
                    .expect("fixed origins and URLs parse")
                    .mode(mode)
                    .credentials(cred)
                    .redirect(redirect)
                    .body(body)
                    .use_cors_preflight(flag);
                for (n, v) in headers {
                    r = r.raw_header(n, v.trim());
                }
                r
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(b in bytes(), s in ".{0,80}") {
        let _ = decode_split(&s);
        let _ = parse_mime_type(&s);
        let r = parse_single_range(&b, false);
        if let Some(r) = r {
            prop_assert!(r.start.is_some() || r.end.is_some());
        }
        let _ = parse_single_range(&b, true);
        let _ = Origin::parse(&s);
        let h = HeaderList::from_pairs([("Access-Control-Allow-Methods", b.clone()), ("Access-Control-Max-Age", b.clone())]);
        let _ = extract_token_list(&h, "access-control-allow-methods");
        let _ = extract_max_age(&h);
        for p in Profile::all() {
            let _ = p.max_age(&h);
        }
        let _ = safelist_verdict(b"Content-Type", &b);
        let _ = safelist_verdict(b"Range", &b);
        let _ = is_forbidden_request_header(b"X-HTTP-Method-Override", &b);
        let names = cors_unsafe_request_header_names(&HeaderList::from_pairs([("Accept", b.clone()), ("X-A", b)]));
        prop_assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    }

    #[test]
    fn state_machine_never_panics(req in request(), answers in prop::collection::vec(response(), 1..25), profile in 0usize..4) {
        let mut client = Client::new(Profile::all().swap_remove(profile));
        let mut i = 0;
        let result = client.run(req, Time::ZERO, |_| {
            let r = answers.get(i % answers.len()).cloned().unwrap_or_default();
            i += 1;
            r
        });
        match result {
            Ok(o) => {
                // A preflight never carries credentials; opaque responses expose nothing.
                prop_assert!(o.server_received().iter().filter(|r| r.is_preflight()).all(|r| !r.credentials));
                if let Some(resp) = o.response() {
                    if resp.type_ == cors_sim::ResponseType::Opaque {
                        prop_assert!(resp.headers.is_empty() && resp.status == 0);
                    }
                    prop_assert!(!resp.headers.contains("set-cookie"));
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn json_input_never_panics(s in ".{0,200}") {
        let _ = serde_json::from_str::<Request>(&s);
        let _ = serde_json::from_str::<ServerResponse>(&s);
    }
}
