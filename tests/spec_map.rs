//! `docs/spec-map.md` stays true: every Fetch anchor cited in `src/` is
//! listed, every `module::item` it names exists in that module, and every
//! test it names exists.

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

fn rust_files(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join(dir)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rs") {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            out.push((name, std::fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

/// `#word-word…` anchors in comment lines (at least one hyphen, so that
/// `#frag` or `#[derive]` are not taken).
fn anchors_in_comments(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let l = line.trim_start();
        if !l.starts_with("//") {
            continue;
        }
        let b = l.as_bytes();
        for (i, _) in l.match_indices('#') {
            if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'[') {
                continue;
            }
            let rest: String = l[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            let rest = rest.trim_end_matches('-');
            if rest.contains('-') && rest.starts_with(|c: char| c.is_ascii_lowercase()) {
                out.insert(format!("#{rest}"));
            }
        }
    }
    out
}

/// The backticked spans of a text.
fn code_spans(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_anchor_cited_in_src_is_mapped() {
    let map = read("docs/spec-map.md");
    let mapped: BTreeSet<String> = code_spans(&map)
        .into_iter()
        .filter(|s| s.starts_with('#'))
        .collect();
    let mut missing = Vec::new();
    for (file, text) in rust_files("src") {
        for a in anchors_in_comments(&text) {
            if !mapped.contains(&a) {
                missing.push(format!("{a} (src/{file}.rs)"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "anchors cited in src/ but not in docs/spec-map.md: {missing:?}"
    );
    assert!(mapped.len() >= 60, "the map lists {} anchors", mapped.len());
}

#[test]
fn every_item_named_in_the_map_exists() {
    let map = read("docs/spec-map.md");
    let src: Vec<(String, String)> = rust_files("src");
    let mut missing = Vec::new();
    let mut checked = 0;
    for span in code_spans(&map) {
        let parts: Vec<&str> = span.split("::").collect();
        if parts.len() < 2
            || !parts
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            continue;
        }
        let (module, item) = (parts[0], parts[parts.len() - 1]);
        let Some((_, text)) = src.iter().find(|(m, _)| m == module) else {
            missing.push(format!("{span}: no module src/{module}.rs"));
            continue;
        };
        let defined = ["fn ", "struct ", "enum ", "const ", "type ", "pub "]
            .iter()
            .any(|k| text.contains(&format!("{k}{item}")))
            || text.contains(&format!("{item}:"))
            || text.contains(&format!("{item} ="))
            || text.contains(&format!("    {item} {{"));
        if !defined {
            missing.push(span.clone());
        }
        checked += 1;
    }
    assert!(
        missing.is_empty(),
        "named in docs/spec-map.md but not found: {missing:?}"
    );
    assert!(checked >= 50, "only {checked} items checked");
}

#[test]
fn every_test_named_in_the_map_exists() {
    let map = read("docs/spec-map.md");
    let tests: Vec<(String, String)> = rust_files("tests");
    let mut missing = Vec::new();
    let mut checked = 0;
    for span in code_spans(&map) {
        let (file, name) = match span.split_once("::") {
            Some((f, n)) if f.starts_with("tests/") => (
                Some(
                    f.trim_start_matches("tests/")
                        .trim_end_matches(".rs")
                        .to_string(),
                ),
                n.to_string(),
            ),
            _ if span.starts_with('r')
                && span.len() > 5
                && span[1..4].chars().all(|c| c.is_ascii_digit())
                && &span[4..5] == "_" =>
            {
                (Some("rules_checklist".to_string()), span.clone())
            }
            _ => continue,
        };
        let file = file.unwrap_or_default();
        let Some((_, text)) = tests.iter().find(|(f, _)| *f == file) else {
            missing.push(format!("{span}: no tests/{file}.rs"));
            continue;
        };
        if !text.contains(&format!("fn {name}(")) {
            missing.push(span.clone());
        }
        checked += 1;
    }
    assert!(
        missing.is_empty(),
        "tests named in docs/spec-map.md but not found: {missing:?}"
    );
    assert!(checked >= 136, "only {checked} tests checked");
}

#[test]
fn every_checklist_rule_has_a_test() {
    let tests = read("tests/rules_checklist.rs");
    let missing: Vec<String> = (1..=136)
        .filter(|n| !tests.contains(&format!("fn r{n:03}_")))
        .map(|n| format!("R-{n:02}"))
        .collect();
    assert!(missing.is_empty(), "rules without a test: {missing:?}");
}
