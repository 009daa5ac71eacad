//! Malformed input across the public API and the command line: each gets a
//! typed error whose message names what is wrong; nothing panics.

use std::process::Command;

use cors_sim::{
    Body, Client, CredentialsMode, Engine, HeaderList, InputError, Mode, Origin, Profile,
    RedirectMode, ReferrerPolicy, Request, ServerResponse, Time,
};

type Check = Box<dyn Fn() -> Result<(), InputError>>;

fn get() -> Request {
    Request::get("https://a.test", "https://b.test/r").unwrap()
}

fn run_with(response: ServerResponse) -> Result<(), InputError> {
    Client::default()
        .run(get(), Time::ZERO, move |_| response.clone())
        .map(|_| ())
}

fn api_cases() -> Vec<(&'static str, Check, &'static str)> {
    let c = |f: fn() -> Result<(), InputError>| -> Check { Box::new(f) };
    vec![
        (
            "origin: empty",
            c(|| Origin::parse("").map(|_| ())),
            "invalid origin",
        ),
        (
            "origin: words",
            c(|| Origin::parse("not an origin").map(|_| ())),
            "not an origin",
        ),
        (
            "origin: no scheme",
            c(|| Origin::parse("a.test").map(|_| ())),
            "a.test",
        ),
        (
            "origin: path",
            c(|| Origin::parse("https://a.test/x").map(|_| ())),
            "path",
        ),
        (
            "origin: query",
            c(|| Origin::parse("https://a.test?x").map(|_| ())),
            "query",
        ),
        (
            "origin: fragment",
            c(|| Origin::parse("https://a.test#x").map(|_| ())),
            "fragment",
        ),
        (
            "origin: credentials",
            c(|| Origin::parse("https://u:p@a.test").map(|_| ())),
            "credentials",
        ),
        (
            "origin: bad port",
            c(|| Origin::parse("https://a.test:99999").map(|_| ())),
            "invalid origin",
        ),
        (
            "origin: no host",
            c(|| Origin::parse("data:text/plain,x").map(|_| ())),
            "host",
        ),
        (
            "origin: spaces",
            c(|| Origin::parse("https://a b.test").map(|_| ())),
            "a b.test",
        ),
        (
            "origin: NULL upper",
            c(|| Origin::parse("NULL").map(|_| ())),
            "NULL",
        ),
        (
            "url: empty",
            c(|| Request::get("https://a.test", "").map(|_| ())),
            "invalid URL",
        ),
        (
            "url: relative",
            c(|| Request::get("https://a.test", "/api").map(|_| ())),
            "/api",
        ),
        (
            "url: bad host",
            c(|| Request::get("https://a.test", "https://[::1/").map(|_| ())),
            "invalid URL",
        ),
        (
            "url: bad port",
            c(|| Request::get("https://a.test", "https://b.test:70000/").map(|_| ())),
            "invalid URL",
        ),
        (
            "url: spaces only",
            c(|| Request::get("https://a.test", "   ").map(|_| ())),
            "invalid URL",
        ),
        (
            "header name: space",
            c(|| get().header("X A", "1").map(|_| ())),
            "X A",
        ),
        (
            "header name: colon",
            c(|| get().header("X:A", "1").map(|_| ())),
            "X:A",
        ),
        (
            "header name: empty",
            c(|| get().header("", "1").map(|_| ())),
            "header name",
        ),
        (
            "header name: non-ASCII",
            c(|| get().header("X-\u{e9}", "1").map(|_| ())),
            "header name",
        ),
        (
            "header name: parenthesis",
            c(|| get().header("X(A)", "1").map(|_| ())),
            "X(A)",
        ),
        (
            "header value: LF",
            c(|| get().header("X", "a\nb").map(|_| ())),
            "must not contain",
        ),
        (
            "header value: CR",
            c(|| get().header("X", "a\rb").map(|_| ())),
            "must not contain",
        ),
        (
            "header value: NUL",
            c(|| get().header("X", "a\0b").map(|_| ())),
            "must not contain",
        ),
        (
            "raw header: NUL at start",
            c(|| {
                Client::default()
                    .start(get().raw_header("X", b"\0"), Time::ZERO)
                    .map(|_| ())
            }),
            "X",
        ),
        (
            "raw header: bad name at start",
            c(|| {
                Client::default()
                    .start(get().raw_header("a b", "1"), Time::ZERO)
                    .map(|_| ())
            }),
            "a b",
        ),
        (
            "raw header: CR at start",
            c(|| {
                Client::default()
                    .start(get().raw_header("X-A", b"1\r2"), Time::ZERO)
                    .map(|_| ())
            }),
            "X-A",
        ),
        (
            "status: 0",
            c(|| run_with(ServerResponse::new(0))),
            "status code 0",
        ),
        (
            "status: 99",
            c(|| run_with(ServerResponse::new(99))),
            "status code 99",
        ),
        (
            "status: 600",
            c(|| run_with(ServerResponse::new(600))),
            "status code 600",
        ),
        (
            "status: 65535",
            c(|| run_with(ServerResponse::new(65535))),
            "65535",
        ),
        (
            "response header name: space",
            c(|| run_with(ServerResponse::new(200).header("Bad Name", "1"))),
            "Bad Name",
        ),
        (
            "response header name: empty",
            c(|| run_with(ServerResponse::new(200).header("", "1"))),
            "header name",
        ),
        (
            "profile name",
            c(|| "opera".parse::<Engine>().map(|_| ())),
            "opera",
        ),
        (
            "mode name",
            c(|| "navigate".parse::<Mode>().map(|_| ())),
            "navigate",
        ),
        (
            "credentials name",
            c(|| "always".parse::<CredentialsMode>().map(|_| ())),
            "always",
        ),
        (
            "redirect name",
            c(|| "loop".parse::<RedirectMode>().map(|_| ())),
            "loop",
        ),
        (
            "referrer policy name",
            c(|| "none".parse::<ReferrerPolicy>().map(|_| ())),
            "none",
        ),
        (
            "state: outcome too early",
            c(|| {
                Client::default()
                    .start(get(), Time::ZERO)?
                    .into_outcome()
                    .map(|_| ())
            }),
            "still waiting",
        ),
        (
            "server failure",
            c(|| {
                Client::default()
                    .try_run(get(), Time::ZERO, |_| {
                        Err::<ServerResponse, _>("connection reset")
                    })
                    .map(|_| ())
            }),
            "connection reset",
        ),
        (
            "http: value http refuses",
            c(|| {
                http::HeaderMap::try_from(&HeaderList::from_pairs([("X", &b"\x01"[..])]))
                    .map(|_| ())
            }),
            "X",
        ),
        (
            "http: name http refuses",
            c(|| http::HeaderMap::try_from(&HeaderList::from_pairs([("a b", "1")])).map(|_| ())),
            "a b",
        ),
        (
            "http: status",
            c(|| ServerResponse::new(1000).to_http().map(|_| ())),
            "1000",
        ),
    ]
}

#[test]
fn api_inputs_get_typed_errors_that_name_the_problem() {
    let cases = api_cases();
    for (what, check, names) in &cases {
        let err = match check() {
            Ok(()) => panic!("{what}: accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(names), "{what}: {err:?} should name {names:?}");
    }
    assert!(cases.len() >= 40);
}

#[test]
fn json_inputs_name_the_field() {
    for (json, names) in [
        (r#"{"origin":"https://a.test"}"#, "url"),
        (r#"{"origin":"nope","url":"https://b.test/"}"#, "nope"),
        (
            r#"{"origin":"https://a.test","url":"https://b.test/","mode":"navigate"}"#,
            "navigate",
        ),
        (
            r#"{"origin":"https://a.test","url":"https://b.test/","headers":[["X"]]}"#,
            "2",
        ),
        (
            r#"{"origin":"https://a.test","url":"https://b.test/","bogus":1}"#,
            "bogus",
        ),
        (
            r#"{"origin":"https://a.test","url":"https://b.test/","body":{"kind":"file"}}"#,
            "file",
        ),
    ] {
        let err = serde_json::from_str::<Request>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(names), "{json}: {err}");
    }
    let err = serde_json::from_str::<ServerResponse>(r#"{"status":"ok"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid type"), "{err}");
    // Stream bodies and JS-level errors are not input errors: JS sees them.
    let o = Client::new(Profile::spec())
        .run(
            get().mode(Mode::NoCors).body(Body::Stream),
            Time::ZERO,
            |_| ServerResponse::new(200),
        )
        .unwrap();
    assert_eq!(
        o.blocked_reason(),
        Some(cors_sim::Reason::BodyWithGetOrHead)
    );
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

#[test]
fn cli_bad_usage_exits_2_with_a_message() {
    for (args, names) in [
        (&["frobnicate"][..], "frobnicate"),
        (&["run"][..], "PATHS"),
        (&["run", "no/such/dir"][..], "no/such/dir"),
        (&["run", "spec-cases", "--profile", "opera"][..], "opera"),
        (
            &["explain", "spec-cases/seeds.json", "--profile", "opera"][..],
            "opera",
        ),
        (
            &["explain", "spec-cases/seeds.json", "--case", "no/such-case"][..],
            "no/such-case",
        ),
        (&["explain", "no-such-file.json"][..], "no-such-file.json"),
        (&["explain", "Cargo.toml"][..], "not JSON"),
        (&["oracle", "--profile", "opera"][..], "opera"),
        (
            &["conform", "--shim", "true", "no/such/dir"][..],
            "no/such/dir",
        ),
    ] {
        let (code, text) = cli(args);
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(
            text.contains(names),
            "{args:?} should name {names:?}: {text}"
        );
    }
}
