//! List values: get-decode-split and the `#`-list extraction of the CORS
//! response headers, on arbitrary bytes (one or two lines).
#![no_main]
use cors_sim::HeaderList;
use cors_sim::header_list::{decode_split, isomorphic_decode};
use cors_sim::header_values::{Extracted, extract_token_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = data.split_at(data.len() / 2);
    let _ = decode_split(&isomorphic_decode(data));
    for name in ["access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"] {
        let h = HeaderList::from_pairs([(name, a), (name, b)]);
        if let Extracted::List(items) = extract_token_list(&h, name) {
            // Every item of a parsed list is a non-empty token.
            assert!(items.iter().all(|i| cors_sim::header_list::is_token(i.as_bytes())));
        }
    }
    let h = HeaderList::from_pairs([("X", data)]);
    let _ = h.get_decode_split("x");
});
