//! The case-file format: every corpus file validates against
//! `spec-cases/schema.json`, and malformed files or oracle lines get an
//! error naming the file (or line), the case and the JSON path at fault,
//! while the other cases still run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cors_sim::scenario::parse_case_file;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases")
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(corpus().join("schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn every_case_file_validates_against_the_schema() {
    let validator = schema();
    let mut checked = 0;
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name == "schema.json" || name == "expected-failures.json" {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} does not match the schema:\n{}",
            errors.join("\n")
        );
        checked += 1;
    }
    assert!(checked >= 1);
}

/// A valid case, to be broken in one place at a time.
fn valid_case() -> serde_json::Value {
    serde_json::json!({
        "id": "t/ok",
        "description": "a valid case",
        "source": "spec",
        "page": "https://a.test",
        "server": [{"method": "GET", "url": "https://b.test/r", "status": 200,
                    "headers": [["Access-Control-Allow-Origin", "*"]]}],
        "steps": [{"request": {"url": "https://b.test/r"}, "expect": {"outcome": "exposed"}}]
    })
}

fn file_with(case: serde_json::Value) -> String {
    serde_json::json!({"concept": "t", "cases": [valid_case(), case]}).to_string()
}

/// Breaks the valid case with `edit`, and checks the error names the case
/// (when it has an id), the JSON path and the problem, while the valid
/// case is still parsed.
fn assert_rejected(edit: impl FnOnce(&mut serde_json::Value), path_part: &str, message_part: &str) {
    let mut case = valid_case();
    case["id"] = "t/broken".into();
    edit(&mut case);
    let text = file_with(case.clone());
    let (file, errors) = parse_case_file("t.json", &text);
    assert_eq!(errors.len(), 1, "one error expected for {case}: {errors:?}");
    let e = &errors[0];
    let shown = e.to_string();
    assert!(shown.starts_with("t.json"), "names the file: {shown}");
    if case.get("id").and_then(|v| v.as_str()) == Some("t/broken") {
        assert_eq!(e.case.as_deref(), Some("t/broken"), "{shown}");
    }
    assert!(
        e.path.contains(path_part),
        "path {:?} should contain {path_part:?} ({shown})",
        e.path
    );
    assert!(
        e.message
            .to_lowercase()
            .contains(&message_part.to_lowercase()),
        "message {:?} should contain {message_part:?}",
        e.message
    );
    let ok = file.expect("the rest of the file is kept").cases;
    assert_eq!(ok.len(), 1, "the valid case still runs");
    assert_eq!(ok[0].id, "t/ok");
}

#[test]
fn malformed_cases_name_their_path() {
    use serde_json::json;
    type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
    let cases: Vec<(Edit, &str, &str)> = vec![
        (
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("description");
            }),
            "cases[1]",
            "description",
        ),
        (
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("source");
            }),
            "cases[1]",
            "source",
        ),
        (
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("page");
            }),
            "cases[1]",
            "page",
        ),
        (
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("steps");
            }),
            "cases[1]",
            "steps",
        ),
        (
            Box::new(|c| c["page"] = json!("not an origin")),
            "page",
            "origin",
        ),
        (
            Box::new(|c| c["page"] = json!("https://a.test/path")),
            "page",
            "path",
        ),
        (Box::new(|c| c["page"] = json!(42)), "page", "string"),
        (
            Box::new(|c| c["status"] = json!("maybe")),
            "status",
            "unknown variant",
        ),
        (
            Box::new(|c| c["profiles"] = json!(["opera"])),
            "profiles",
            "unknown variant",
        ),
        (
            Box::new(|c| c["extra"] = json!(1)),
            "cases[1]",
            "unknown field",
        ),
        (
            Box::new(|c| c["steps"] = json!([])),
            "steps",
            "at least one step",
        ),
        (
            Box::new(|c| c["steps"][0]["request"] = json!({})),
            "steps[0].request",
            "url",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["url"] = json!("::nope")),
            "steps[0].request.url",
            "invalid URL",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["mode"] = json!("navigate")),
            "steps[0].request.mode",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["credentials"] = json!("always")),
            "steps[0].request.credentials",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["redirect"] = json!("loop")),
            "steps[0].request.redirect",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["headers"] = json!([["X-A"]])),
            "steps[0].request.headers",
            "2",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["headers"] = json!([["", "v"]])),
            "steps[0].request.headers",
            "empty",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["headers"] = json!({"X-A": "1"})),
            "steps[0].request.headers",
            "array",
        ),
        (
            Box::new(|c| c["steps"][0]["request"]["body"] = json!({"kind": "file"})),
            "steps[0].request.body",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["time"] = json!(-1)),
            "steps[0].time",
            "non-negative",
        ),
        (
            Box::new(|c| c["steps"][0]["time"] = json!("soon")),
            "steps[0].time",
            "invalid type",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["outcome"] = json!("ok")),
            "steps[0].expect.outcome",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["reason"] = json!("no_such_reason")),
            "steps[0].expect.reason",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["preflight"] = json!("yes")),
            "steps[0].expect.preflight",
            "invalid type",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["server_received"] = json!([{}])),
            "steps[0].expect.server_received[0]",
            "method",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["response"] = json!({"type": "weird"})),
            "steps[0].expect.response.type",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["response"] = json!({"visible": ["x"]})),
            "steps[0].expect.response.visible",
            "map",
        ),
        (
            Box::new(|c| c["steps"][0]["overrides"] = json!({"opera": {}})),
            "steps[0].overrides",
            "unknown variant",
        ),
        (
            Box::new(|c| c["steps"][0]["expect"]["bogus"] = json!(1)),
            "steps[0].expect",
            "unknown field",
        ),
        (
            Box::new(|c| c["server"][0]["status"] = json!(42)),
            "server[0].status",
            "100-599",
        ),
        (
            Box::new(|c| c["server"][0]["status"] = json!(70000)),
            "server[0].status",
            "invalid value",
        ),
        (
            Box::new(|c| c["server"][0]["url"] = json!("nope")),
            "server[0].url",
            "invalid URL",
        ),
        (
            Box::new(|c| {
                c["server"][0].as_object_mut().unwrap().remove("method");
            }),
            "server[0]",
            "method",
        ),
        (
            Box::new(|c| c["id"] = json!("t/ok")),
            "cases[1].id",
            "duplicate",
        ),
    ];
    let n = cases.len();
    for (edit, path, message) in cases {
        assert_rejected(edit, path, message);
    }
    assert!(n >= 30);
}

#[test]
fn the_schema_refuses_malformed_cases_too() {
    use serde_json::json;
    let validator = schema();
    let ok = json!({"concept": "t", "cases": [valid_case()]});
    assert!(validator.is_valid(&ok));
    let edits: Vec<fn(&mut serde_json::Value)> = vec![
        |c| c["steps"] = json!([]),
        |c| c["steps"][0]["request"]["mode"] = json!("navigate"),
        |c| c["steps"][0]["time"] = json!(-1),
        |c| c["server"][0]["status"] = json!(42),
        |c| c["steps"][0]["expect"]["bogus"] = json!(1),
        |c| c["source"] = json!("a blog post"),
        |c| c["rules"] = json!(["R1"]),
        |c| c["id"] = json!("no-slash"),
        |c| c["steps"][0]["request"]["headers"] = json!([["X-A"]]),
        |c| c["steps"][0]["overrides"] = json!({"opera": {}}),
    ];
    for edit in edits {
        let mut case = valid_case();
        edit(&mut case);
        let file = json!({"concept": "t", "cases": [case]});
        assert!(!validator.is_valid(&file), "the schema accepts {file}");
    }
}

#[test]
fn malformed_files_are_reported_whole() {
    for (text, message) in [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[]", "JSON object"),
        ("{\"cases\": []}", "concept"),
        ("{\"concept\": \"t\"}", "cases"),
        ("{\"concept\": \"t\", \"cases\": {}}", "cases"),
        (
            "{\"concept\": \"t\", \"cases\": [], \"extra\": 1}",
            "unknown field",
        ),
    ] {
        let (_, errors) = parse_case_file("bad.json", text);
        assert!(
            errors
                .iter()
                .any(|e| e.to_string().starts_with("bad.json") && e.message.contains(message)),
            "{text:?} should give an error containing {message:?}: {errors:?}"
        );
    }
}

fn oracle(input: &str) -> (Vec<serde_json::Value>, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-sim"))
        .arg("oracle")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, out.status.code().unwrap())
}

#[test]
fn oracle_reports_bad_lines_and_goes_on() {
    let good = valid_case().to_string();
    let mut bad = valid_case();
    bad["id"] = "t/bad".into();
    bad["steps"][0]["request"]["mode"] = "navigate".into();
    let input = format!(
        "{good}\nnot json\n{}\n{{\"profile\": \"opera\", \"id\": \"t/p\"}}\n{good}\n",
        bad
    );
    let (lines, code) = oracle(&input);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["passed"], true);
    assert_eq!(lines[1]["error"]["line"], 2);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not JSON")
    );
    assert_eq!(lines[2]["error"]["line"], 3);
    assert_eq!(lines[2]["error"]["case"], "t/bad");
    assert_eq!(lines[2]["error"]["path"], "steps[0].request.mode");
    assert_eq!(lines[3]["error"]["path"], "profile");
    assert_eq!(lines[4]["passed"], true);
    assert_eq!(code, 2, "bad input gives exit status 2");
}

#[test]
fn oracle_answers_what_the_browser_does() {
    // A credentialed GET answered with ACAO * is blocked (fetch: #concept-cors-check).
    let mut case = valid_case();
    case["steps"][0]["request"]["credentials"] = "include".into();
    case["steps"][0].as_object_mut().unwrap().remove("expect");
    case["profile"] = "firefox".into();
    let (lines, code) = oracle(&format!("{case}\n"));
    assert_eq!(code, 0);
    let step = &lines[0]["steps"][0];
    assert_eq!(lines[0]["profile"], "firefox");
    assert_eq!(step["outcome"], "network-error");
    assert_eq!(step["error"]["reason"], "wildcard_origin_with_credentials");
    assert_eq!(step["exchanges"][0]["request"]["credentials"], true);
    assert!(
        step["console"]
            .as_str()
            .unwrap()
            .contains("Credential is not supported")
    );
}
