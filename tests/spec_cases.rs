//! Runs the `spec-cases/` corpus under every profile each case applies to.
//!
//! A failing case is printed with its id, profile, step, and what was
//! expected against what happened. `spec-cases/expected-failures.json`
//! lists known failures; a listed pair that passes or no longer exists
//! fails the run (the list cannot go stale). Every checklist rule, R-01 to
//! R-136, must be covered by at least one case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cors_sim::Profile;
use cors_sim::scenario::{Case, ExpectedFailures, Requirement, parse_case_file};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases")
}

fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("spec-cases/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n == "schema.json" || n == "expected-failures.json")
        })
        .collect();
    files.sort();
    files
}

fn expected_failures() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(corpus_dir().join("expected-failures.json"))
        .expect("expected-failures.json");
    ExpectedFailures::parse(&text)
        .expect("a valid expected-failures.json")
        .by_case()
}

fn main() -> ExitCode {
    let mut problems: Vec<String> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    for path in case_files() {
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).expect("readable case file");
        let (file, errors) = parse_case_file(&name, &text);
        problems.extend(errors.iter().map(|e| format!("bad case file: {e}")));
        if let Some(f) = file {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            if f.concept != stem {
                problems.push(format!(
                    "{name}: concept {:?} should be the file name {stem:?}",
                    f.concept
                ));
            }
            cases.extend(f.cases);
        }
    }
    let mut ids = BTreeSet::new();
    for c in &cases {
        if !ids.insert(c.id.clone()) {
            problems.push(format!("duplicate case id {}", c.id));
        }
    }

    let mut expected = expected_failures();
    let (mut passed, mut failed, mut known, mut differs) = (0usize, 0usize, 0usize, 0usize);
    for case in &cases {
        for profile in Profile::all() {
            if !case.applies_to(profile.engine) {
                continue;
            }
            let key = (case.id.clone(), profile.engine.to_string());
            let listed = expected.remove(&key);
            let result = match case.run(&profile) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{} [{}]: bad input: {e}", case.id, profile.engine));
                    failed += 1;
                    continue;
                }
            };
            match (result.passed(), listed) {
                (true, None) => passed += 1,
                (true, Some(reason)) => {
                    failed += 1;
                    problems.push(format!(
                        "{} [{}] passes but is listed in expected-failures.json ({reason}): remove it",
                        case.id, profile.engine
                    ));
                }
                (false, Some(_)) => known += 1,
                (false, None) if case.status == Requirement::Acceptable => {
                    differs += 1;
                    println!("acceptable difference: {} [{}]", case.id, profile.engine);
                }
                (false, None) => {
                    failed += 1;
                    let mut msg = format!(
                        "FAIL {} [{}]: {}",
                        case.id, profile.engine, case.description
                    );
                    for m in &result.mismatches {
                        msg += &format!(
                            "\n    step {}: {}: expected {}, got {}",
                            m.step, m.what, m.expected, m.actual
                        );
                    }
                    problems.push(msg);
                }
            }
        }
    }
    for ((case, profile), reason) in expected {
        failed += 1;
        problems.push(format!(
            "expected-failures.json lists {case} [{profile}] ({reason}), which does not exist: remove it"
        ));
    }

    // Every checklist rule is covered by at least one case.
    let covered: BTreeSet<String> = cases.iter().flat_map(|c| c.rules.iter().cloned()).collect();
    let missing: Vec<String> = (1..=136)
        .map(|n| format!("R-{n:02}"))
        .filter(|r| !covered.contains(r))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "checklist rules no case covers: {}",
            missing.join(", ")
        ));
    }
    if cases.len() < 250 {
        problems.push(format!(
            "the corpus has {} cases; it must have at least 250",
            cases.len()
        ));
    }

    for p in &problems {
        println!("{p}");
    }
    println!(
        "spec-cases: {} cases, {known} known failures, {differs} acceptable differences",
        cases.len()
    );
    println!("{passed} passed, {failed} failed");
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
