//! `Access-Control-Max-Age` under each profile's parsing rules.
#![no_main]
use cors_sim::header_values::extract_max_age;
use cors_sim::{HeaderList, Profile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let h = HeaderList::from_pairs([("Access-Control-Max-Age", data)]);
    let _ = extract_max_age(&h);
    for p in Profile::all() {
        let m = p.max_age(&h);
        if let (Some(s), Some(cap)) = (m.seconds, p.max_age_cap) {
            assert!(s <= cap, "max-age above the cap");
        }
    }
});
