//! `cors-sim conform` against the example JavaScript shim
//! (`examples/shim-node/cors-shim.js`): agreement where the shim follows the
//! standard, a reported difference where it does not (it has no preflight
//! cache), and exit status 2 for a shim that breaks the protocol.
//! Needs `node` on the PATH (CI installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

fn write_cases(dir: &Path) -> PathBuf {
    // Expectations from the Fetch standard: #concept-cors-check for the first
    // two cases, #cors-preflight-fetch-0 and #concept-cache for the third
    // (a second PUT within max-age 600 needs no new preflight).
    let file = serde_json::json!({
        "concept": "conform",
        "cases": [
            {
                "id": "conform/wildcard-no-credentials",
                "description": "ACAO * exposes a response to a request without credentials.",
                "source": "spec", "rules": ["R-99"],
                "page": "https://a.test",
                "server": [{"method": "GET", "url": "https://b.test/r", "status": 200,
                            "headers": [["Access-Control-Allow-Origin", "*"], ["X-Secret", "1"]], "body": "hi"}],
                "steps": [{"request": {"url": "https://b.test/r"},
                           "expect": {"outcome": "exposed", "preflight": false,
                                      "response": {"type": "cors", "status": 200, "hidden": ["x-secret"], "body": "hi"}}}]
            },
            {
                "id": "conform/wildcard-with-credentials",
                "description": "ACAO * fails a credentialed request.",
                "source": "spec", "rules": ["R-100"],
                "page": "https://a.test",
                "server": [{"method": "GET", "url": "https://b.test/r", "status": 200,
                            "headers": [["Access-Control-Allow-Origin", "*"]]}],
                "steps": [{"request": {"url": "https://b.test/r", "credentials": "include"},
                           "expect": {"outcome": "network-error", "reason": "wildcard_origin_with_credentials",
                                      "server_received": [{"method": "GET", "credentials": true}]}}]
            },
            {
                "id": "conform/cached-preflight",
                "description": "A second PUT within max-age is not preflighted again.",
                "source": "spec", "rules": ["R-84"],
                "page": "https://a.test",
                "server": [
                    {"method": "OPTIONS", "url": "https://b.test/r", "status": 204,
                     "headers": [["Access-Control-Allow-Origin", "https://a.test"], ["Access-Control-Allow-Methods", "PUT"],
                                 ["Access-Control-Max-Age", "600"]]},
                    {"method": "PUT", "url": "https://b.test/r", "status": 200,
                     "headers": [["Access-Control-Allow-Origin", "https://a.test"]]}
                ],
                "steps": [
                    {"time": 0, "request": {"url": "https://b.test/r", "method": "PUT"},
                     "expect": {"outcome": "exposed", "preflight": true}},
                    {"time": 10, "request": {"url": "https://b.test/r", "method": "PUT"},
                     "expect": {"outcome": "exposed", "preflight": false,
                                "server_received": [{"method": "PUT"}]}}
                ]
            }
        ]
    });
    let path = dir.join("conform.json");
    std::fs::write(&path, file.to_string()).unwrap();
    path
}

fn conform(shim: &str, cases: &Path) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["conform", "--verbose", "--shim", shim])
        .arg(cases)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cors-sim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_javascript_shim_agrees_where_it_follows_the_standard() {
    let dir = temp_dir("conform");
    let cases = write_cases(&dir);
    let (out, code) = conform("node examples/shim-node/cors-shim.js", &cases);
    assert!(
        out.contains("agree    conform/wildcard-no-credentials"),
        "{out}"
    );
    assert!(
        out.contains("agree    conform/wildcard-with-credentials"),
        "{out}"
    );
    // The shim has no preflight cache: the second PUT is preflighted again.
    assert!(out.contains("DIFFERS  conform/cached-preflight"), "{out}");
    assert!(
        out.contains("step 1: preflight: expected false, got true"),
        "{out}"
    );
    assert!(out.contains("2 agree, 1 differ, 0 skipped"), "{out}");
    assert_eq!(code, 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_shim_that_breaks_the_protocol_is_bad_input() {
    let dir = temp_dir("broken");
    let cases = write_cases(&dir);
    let (_, code) = conform("exit 0", &cases);
    assert_eq!(code, 2, "a shim that exits without answering");
    let (_, code) = conform("while read l; do echo 'not json'; done", &cases);
    assert_eq!(code, 2, "a shim that answers garbage");
    std::fs::remove_dir_all(dir).unwrap();
}
