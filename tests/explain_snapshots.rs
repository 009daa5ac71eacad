//! Snapshots of `cors-sim explain` for representative corpus cases, one
//! per concept or classic situation, under the profile named in the
//! snapshot. Each snapshot was read and checked against the case's
//! expectations (which come from the standard or from measurements) when
//! it was accepted; a change in wording or in a decision shows up here.

use std::process::Command;

fn explain(file: &str, case: &str, profile: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explain",
            &format!("spec-cases/{file}.json"),
            "--case",
            case,
            "--profile",
            profile,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "explain {case} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(
        !text.contains("expectations not met"),
        "{case} under {profile} must pass:\n{text}"
    );
    text
}

macro_rules! snapshots {
    ($($name:ident: $file:literal, $case:literal, $profile:literal;)+) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(explain($file, $case, $profile));
            }
        )+
    };
}

snapshots! {
    seeds_blocked_simple_post: "seeds", "seeds/blocked-simple-post-still-ran", "chromium";
    seeds_reflected_origin_with_credentials: "seeds", "seeds/reflected-origin-with-credentials", "spec";
    error_500_without_cors_headers: "bad-server-responses", "bad-server-responses/error-500-without-cors-headers", "firefox";
    preflight_404: "bad-server-responses", "bad-server-responses/preflight-404-no-options-route", "chromium";
    authorization_with_acah_star_spec: "bad-server-responses", "bad-server-responses/authorization-with-acah-star", "spec";
    authorization_with_acah_star_chromium: "bad-server-responses", "bad-server-responses/authorization-with-acah-star", "chromium";
    cache_default_max_age: "cache", "cache/default-max-age-5s", "spec";
    cache_max_age_letters_firefox: "cache", "cache/max-age-letters", "firefox";
    cache_wildcard_method_reused_webkit: "cache", "cache/wildcard-method-entry-reused", "webkit";
    wildcard_origin_with_credentials: "cors-check", "cors-check/acao-star-credentials-include", "webkit";
    exact_origin: "cors-check", "cors-check/acao-exact-origin", "spec";
    expose_headers_listed: "exposure", "exposure/aceh-lists-name", "spec";
    basic_hides_set_cookie: "exposure", "exposure/basic-all-but-set-cookie", "spec";
    forbidden_header_dropped: "forbidden-headers", "forbidden-headers/name-content-length", "spec";
    lowercase_post_normalized: "methods", "methods/post-lowercase-normalized", "spec";
    same_origin_no_preflight: "modes", "modes/same-origin-put-custom-headers-no-preflight", "spec";
    origin_on_cors_get: "origin-header", "origin-header/cors-get-carries-origin", "spec";
    tainted_origin_null: "origin-header", "origin-header/tainted-cors-get-null", "chromium";
    preflight_url_with_query: "preflight-request", "preflight-request/options-same-url-with-query", "spec";
    preflight_status_404: "preflight-response", "preflight-response/status-404-fails", "firefox";
    acam_wildcard_include: "preflight-response", "preflight-response/acam-wildcard-include-rejects-put", "spec";
    too_many_redirects: "redirects", "redirects/twenty-one-redirects-fail", "spec";
    redirect_hop_missing_acao: "redirects", "redirects/hop-missing-acao", "chromium";
    accept_129_bytes: "request-headers", "request-headers/accept-129-bytes-unsafe", "spec";
}
