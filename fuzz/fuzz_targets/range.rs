//! Simple range header values, with and without whitespace.
#![no_main]
use cors_sim::range::parse_single_range;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for ws in [false, true] {
        if let Some(r) = parse_single_range(data, ws) {
            assert!(r.start.is_some() || r.end.is_some());
            if let (Some(s), Some(e)) = (r.start, r.end) {
                assert!(s <= e || s == u64::MAX || e == u64::MAX);
            }
        }
    }
});
