//! Oracle lines: one JSON scenario, as `cors-sim oracle` reads it.
#![no_main]
use cors_sim::Profile;
use cors_sim::scenario::parse_case;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    match parse_case(&value) {
        Ok(case) => {
            for p in Profile::all() {
                if let Ok(r) = case.run(&p) {
                    let _ = serde_json::to_string(&r.outcomes);
                }
            }
        }
        Err((_path, message)) => assert!(!message.is_empty()),
    }
});
