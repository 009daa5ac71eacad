//! Case files: any text gives cases or errors, never a panic; parsed cases
//! run under every profile.
#![no_main]
use cors_sim::Profile;
use cors_sim::scenario::parse_case_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (file, errors) = parse_case_file("fuzz.json", text);
    for e in errors {
        assert!(e.to_string().starts_with("fuzz.json"));
    }
    if let Some(f) = file {
        for case in f.cases.iter().take(4) {
            for p in Profile::all() {
                let _ = case.run(&p);
            }
        }
    }
});
