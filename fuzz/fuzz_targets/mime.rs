//! MIME type parsing and the Content-Type safelisting rule.
#![no_main]
use cors_sim::mime::{extract_mime_type, parse_mime_type};
use cors_sim::request_headers::is_cors_safelisted_request_header;
use cors_sim::{HeaderList, header_list::isomorphic_decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = isomorphic_decode(data);
    let parsed = parse_mime_type(&text);
    let safe = is_cors_safelisted_request_header(b"Content-Type", data);
    if safe {
        // A safelisted Content-Type is a MIME type with one of three essences.
        let m = parsed.expect("a safelisted Content-Type parses");
        assert!(matches!(
            m.essence().as_str(),
            "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
        ));
    }
    let _ = extract_mime_type(&HeaderList::from_pairs([("Content-Type", data)]));
});
