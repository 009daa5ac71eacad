//! The fetch state machine fed arbitrary requests, server responses and
//! redirects: every answer comes from the input bytes.
#![no_main]
use cors_sim::{
    Body, Client, CredentialsMode, Mode, Profile, RedirectMode, Request, ServerResponse, Time,
};
use libfuzzer_sys::fuzz_target;

const URLS: [&str; 5] = ["https://b.test/r", "https://a.test/r", "https://c.test/x?q", "http://b.test/", "data:,x"];
const NAMES: [&str; 10] = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Location",
    "Vary",
    "Set-Cookie",
    "X-A",
];

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn pick<'s>(&mut self, of: &[&'s str]) -> &'s str {
        of[self.byte() as usize % of.len()]
    }
    fn text(&mut self) -> Vec<u8> {
        let n = (self.byte() % 24) as usize;
        (0..n).map(|_| self.byte()).collect()
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let origin = b.pick(&["https://a.test", "null", "http://a.test:8080"]);
    let method = b.pick(&["GET", "POST", "PUT", "patch", "DELETE", "OPTIONS"]);
    let url = b.pick(&URLS);
    let Ok(mut req) = Request::new(origin, method, url) else { return };
    for _ in 0..(b.byte() % 4) {
        let name = b.pick(&["Content-Type", "Accept", "X-A", "Authorization", "Range", "Cookie"]);
        req = req.raw_header(name, b.text());
    }
    req = req
        .mode([Mode::Cors, Mode::NoCors, Mode::SameOrigin][b.byte() as usize % 3])
        .credentials([CredentialsMode::Omit, CredentialsMode::SameOrigin, CredentialsMode::Include][b.byte() as usize % 3])
        .redirect([RedirectMode::Follow, RedirectMode::Error, RedirectMode::Manual][b.byte() as usize % 3])
        .body(match b.byte() % 3 {
            0 => Body::None,
            1 => Body::Bytes("x".into()),
            _ => Body::Stream,
        })
        .use_cors_preflight(b.byte() % 5 == 0);
    let profile = Profile::all().swap_remove(b.byte() as usize % 4);
    let mut client = Client::new(profile);
    for step in 0..2u64 {
        let _ = client.run(req.clone(), Time::from_secs(step * 3), |_| {
            let status = [200u16, 204, 301, 302, 303, 307, 308, 404, 500][b.byte() as usize % 9];
            let mut r = ServerResponse::new(status);
            for _ in 0..(b.byte() % 6) {
                let name = b.pick(&NAMES);
                let value = if name == "Location" && b.byte() % 2 == 0 {
                    b.pick(&URLS).as_bytes().to_vec()
                } else {
                    b.text()
                };
                r = r.header(name, value);
            }
            r
        });
    }
});
