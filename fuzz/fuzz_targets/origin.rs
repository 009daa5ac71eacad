//! Origin parsing and serialization.
#![no_main]
use cors_sim::Origin;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(o) = Origin::parse(text) {
        // A serialized origin parses back to the same origin.
        let again = Origin::parse(&o.serialize()).expect("a serialization parses");
        assert_eq!(o.serialize(), again.serialize());
    }
});
