//! The `cors-sim` command: run spec cases, explain one step by step, or
//! answer scenarios as an oracle over JSON lines.
//!
//! Exit codes: 0 all good; 1 a case failed (or, with `explain
//! --fail-on-block`, a fetch was blocked); 2 bad usage or bad input.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cors_sim::scenario::{Case, CaseError, CaseResult, Requirement, parse_case, parse_case_file};
use cors_sim::{Engine, Profile};

#[derive(Parser)]
#[command(name = "cors-sim", version, about = "What a browser does with a cross-origin fetch: requests sent, what the server saw, what JavaScript gets.", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run spec cases (files or directories of .json case files) and report.
    ///
    /// Exit status: 0 if every required case passed, 1 if one failed, 2 on bad input.
    Run {
        /// Case files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Run under this profile only (spec, chromium, firefox, webkit); default: every profile a case applies to.
        #[arg(long)]
        profile: Option<String>,
        /// Print every case, not only failures.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Explain each fetch of a case step by step: classification, preflight, checks, cache, what JS gets.
    ///
    /// Exit status: 0, or 1 with --fail-on-block when a fetch was blocked; 2 on bad input.
    Explain {
        /// A case file (with several cases, pick one with --case).
        file: PathBuf,
        /// The id of the case to explain (default: the first).
        #[arg(long)]
        case: Option<String>,
        /// The profile (spec, chromium, firefox, webkit).
        #[arg(long, default_value = "spec")]
        profile: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 if any fetch of the case was blocked.
        #[arg(long)]
        fail_on_block: bool,
    },
    /// Run the corpus against an external CORS implementation through the shim protocol.
    ///
    /// The shim is a command reading one case per line of JSON on stdin and writing one
    /// observation per line on stdout (docs/shim-protocol.md). Exit status: 0 if it agrees on
    /// every case, 1 if not, 2 if the shim cannot be run or speaks out of protocol.
    Conform {
        /// The shim command, run with `sh -c`.
        #[arg(long)]
        shim: String,
        /// Case files or directories (default: spec-cases).
        paths: Vec<PathBuf>,
        /// The profile whose expectations the shim is held to.
        #[arg(long, default_value = "spec")]
        profile: String,
        /// Print every case, not only disagreements.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Read one scenario per line of JSON on stdin; write one verdict per line on stdout.
    ///
    /// Each line is a case object (see docs/oracle.md); a top-level "profile" field picks the
    /// profile for that line. Exit status: 0, 1 if a line's expectations failed, 2 if a line was bad input.
    Oracle {
        /// The default profile for lines that name none.
        #[arg(long, default_value = "spec")]
        profile: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            paths,
            profile,
            verbose,
        } => cmd_run(&paths, profile.as_deref(), verbose),
        Command::Explain {
            file,
            case,
            profile,
            json,
            fail_on_block,
        } => cmd_explain(&file, case.as_deref(), &profile, json, fail_on_block),
        Command::Oracle { profile } => cmd_oracle(&profile),
        Command::Conform {
            shim,
            paths,
            profile,
            verbose,
        } => cmd_conform(&shim, &paths, &profile, verbose),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("cors-sim: {msg}");
            ExitCode::from(2)
        }
    }
}

fn parse_profile(name: &str) -> Result<Profile, String> {
    name.parse::<Engine>()
        .map(Profile::for_engine)
        .map_err(|e| e.to_string())
}

fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read directory {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json") && !is_schema(p))
                .collect();
            entries.sort();
            out.extend(entries);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("no such file or directory: {}", p.display()));
        }
    }
    Ok(out)
}

fn is_schema(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n == "schema.json" || n == "expected-failures.json")
}

fn load(path: &Path) -> (Vec<Case>, Vec<CaseError>) {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Err(e) => (
            Vec::new(),
            vec![CaseError {
                file: name,
                case: None,
                path: String::new(),
                message: format!("cannot read: {e}"),
            }],
        ),
        Ok(text) => {
            let (file, errors) = parse_case_file(&name, &text);
            (file.map(|f| f.cases).unwrap_or_default(), errors)
        }
    }
}

/// The known failures listed in `expected-failures.json` files of the given
/// directories (or beside the given files): `(case, profile)` pairs.
fn known_failures(paths: &[PathBuf]) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for p in paths {
        let dir = if p.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let Ok(text) = std::fs::read_to_string(dir.join("expected-failures.json")) else {
            continue;
        };
        if let Ok(list) = cors_sim::scenario::ExpectedFailures::parse(&text) {
            out.extend(list.by_case().into_keys());
        }
    }
    out
}

fn cmd_run(paths: &[PathBuf], profile: Option<&str>, verbose: bool) -> Result<u8, String> {
    let only = profile.map(parse_profile).transpose()?;
    let files = collect_files(paths)?;
    let known = known_failures(paths);
    let (mut passed, mut failed, mut acceptable, mut bad, mut known_count) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    println!("result profile   case");
    for path in files {
        let (cases, errors) = load(&path);
        for e in &errors {
            println!("{:<6} {:<9} {e}", "ERROR", "-");
            bad += 1;
        }
        for case in cases {
            let profiles: Vec<Profile> = match &only {
                Some(p) => vec![p.clone()],
                None => Profile::all(),
            };
            for p in profiles.iter().filter(|p| case.applies_to(p.engine)) {
                match case.run(p) {
                    Err(e) => {
                        println!("{:<6} {:<9} {}: {e}", "ERROR", p.engine, case.id);
                        bad += 1;
                    }
                    Ok(r) if r.passed() => {
                        passed += 1;
                        if verbose {
                            println!("{:<6} {:<9} {}", "ok", p.engine, case.id);
                        }
                    }
                    Ok(_) if known.contains(&(case.id.clone(), p.engine.to_string())) => {
                        known_count += 1;
                        if verbose {
                            println!(
                                "{:<6} {:<9} {} (listed in expected-failures.json)",
                                "known", p.engine, case.id
                            );
                        }
                    }
                    Ok(r) => {
                        let label = if r.status == Requirement::Acceptable {
                            acceptable += 1;
                            "differs"
                        } else {
                            failed += 1;
                            "FAIL"
                        };
                        println!("{:<6} {:<9} {}", label, p.engine, case.id);
                        print_mismatches(&r);
                    }
                }
            }
        }
    }
    println!();
    println!(
        "{passed} passed, {failed} failed{}{}{}",
        if known_count > 0 {
            format!(", {known_count} known failures")
        } else {
            String::new()
        },
        if acceptable > 0 {
            format!(", {acceptable} acceptable differences")
        } else {
            String::new()
        },
        if bad > 0 {
            format!(", {bad} bad input")
        } else {
            String::new()
        }
    );
    Ok(if bad > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    })
}

fn print_mismatches(r: &CaseResult) {
    for m in &r.mismatches {
        println!(
            "         step {}: {}: expected {}, got {}",
            m.step, m.what, m.expected, m.actual
        );
    }
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        cors_sim::explain::paint(self.on, code, s)
    }
}

fn cmd_explain(
    file: &Path,
    id: Option<&str>,
    profile: &str,
    json: bool,
    fail_on_block: bool,
) -> Result<u8, String> {
    let profile = parse_profile(profile)?;
    let (cases, errors) = load(file);
    if let Some(e) = errors.first() {
        return Err(e.to_string());
    }
    let case = match id {
        Some(id) => cases
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| format!("no case {id:?} in {}", file.display()))?,
        None => cases
            .into_iter()
            .next()
            .ok_or_else(|| format!("no case in {}", file.display()))?,
    };
    let result = case.run(&profile).map_err(|e| e.to_string())?;
    let blocked = result.outcomes.iter().any(|o| !o.is_exposed());
    if json {
        let steps: Vec<serde_json::Value> = result
            .outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "outcome": o,
                    "console": o.console_message(profile.engine),
                })
            })
            .collect();
        let v = serde_json::json!({
            "case": case.id,
            "profile": profile.engine,
            "steps": steps,
            "mismatches": result.mismatches,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        let st = Style {
            on: std::io::stdout().is_terminal(),
        };
        print!("{}", render_explain(&case, &result, profile.engine, &st));
    }
    Ok(if fail_on_block && blocked { 1 } else { 0 })
}

fn render_explain(case: &Case, result: &CaseResult, engine: Engine, st: &Style) -> String {
    let mut s = String::new();
    s += &format!("{} {} ({engine})\n", st.paint("1", "case"), case.id);
    s += &format!("  {}\n", case.description);
    s += &format!("  page origin: {}\n", case.page);
    for (i, o) in result.outcomes.iter().enumerate() {
        let t = case.steps.get(i).map(|s| s.time).unwrap_or_default();
        s += &format!("\n{} {} at t={t}s\n", st.paint("1", "step"), i);
        s += &cors_sim::explain::render_outcome(o, st.on);
    }
    if !result.mismatches.is_empty() {
        s += &format!("\n{}\n", st.paint("31", "expectations not met:"));
        for m in &result.mismatches {
            s += &format!(
                "  step {}: {}: expected {}, got {}\n",
                m.step, m.what, m.expected, m.actual
            );
        }
    }
    s
}

fn cmd_oracle(default_profile: &str) -> Result<u8, String> {
    let default = parse_profile(default_profile)?;
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    let (mut failed, mut bad) = (false, false);
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read stdin: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let verdict = oracle_line(n + 1, &line, &default);
        match verdict.get("error") {
            Some(_) => bad = true,
            None => {
                if verdict.get("passed") == Some(&serde_json::Value::Bool(false)) {
                    failed = true;
                }
            }
        }
        writeln!(stdout, "{verdict}").map_err(|e| format!("cannot write stdout: {e}"))?;
        stdout
            .flush()
            .map_err(|e| format!("cannot write stdout: {e}"))?;
    }
    Ok(if bad {
        2
    } else if failed {
        1
    } else {
        0
    })
}

fn oracle_line(n: usize, line: &str, default: &Profile) -> serde_json::Value {
    let error = |case: Option<String>, path: &str, message: String| serde_json::json!({"error": {"line": n, "case": case, "path": path, "message": message}});
    let mut value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return error(None, "", format!("not JSON: {e}")),
    };
    let id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let profile = match value.as_object_mut().and_then(|o| o.remove("profile")) {
        None => default.clone(),
        Some(serde_json::Value::String(p)) => match parse_profile(&p) {
            Ok(p) => p,
            Err(e) => return error(id, "profile", e),
        },
        Some(_) => return error(id, "profile", "profile must be a string".into()),
    };
    let case = match parse_case(&value) {
        Ok(c) => c,
        Err((path, message)) => return error(id, &path, message),
    };
    let result = match case.run(&profile) {
        Ok(r) => r,
        Err(e) => return error(id, "", e.to_string()),
    };
    let steps: Vec<serde_json::Value> = result
        .outcomes
        .iter()
        .map(|o| {
            let mut v = serde_json::to_value(o).unwrap_or_default();
            if let Some(obj) = v.as_object_mut() {
                obj.remove("trace");
                obj.insert(
                    "console".into(),
                    serde_json::to_value(o.console_message(profile.engine)).unwrap_or_default(),
                );
            }
            v
        })
        .collect();
    serde_json::json!({
        "id": case.id,
        "profile": profile.engine,
        "passed": result.passed(),
        "mismatches": result.mismatches,
        "steps": steps,
    })
}

fn cmd_conform(shim: &str, paths: &[PathBuf], profile: &str, verbose: bool) -> Result<u8, String> {
    use cors_sim::scenario::{Observation, compare};
    use std::process::{Command as Proc, Stdio};

    let profile = parse_profile(profile)?;
    let paths = if paths.is_empty() {
        vec![PathBuf::from("spec-cases")]
    } else {
        paths.to_vec()
    };
    let mut child = Proc::new("sh")
        .arg("-c")
        .arg(shim)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the shim {shim:?}: {e}"))?;
    let mut to_shim = child.stdin.take().ok_or("the shim has no stdin")?;
    let mut from_shim =
        std::io::BufReader::new(child.stdout.take().ok_or("the shim has no stdout")?);
    let (mut agree, mut disagree, mut skipped, mut bad_files) = (0usize, 0usize, 0usize, 0usize);
    println!("result   case");
    for path in collect_files(&paths)? {
        let (cases, errors) = load(&path);
        for e in &errors {
            println!("ERROR    {e}");
            bad_files += 1;
        }
        for case in cases.iter().filter(|c| c.applies_to(profile.engine)) {
            let question = serde_json::json!({
                "id": case.id,
                "profile": profile.engine,
                "page": case.page,
                "server": case.server,
                "steps": case.steps.iter().map(|s| serde_json::json!({
                    "time": s.time, "request": s.request, "server": s.server,
                })).collect::<Vec<_>>(),
            });
            writeln!(to_shim, "{question}")
                .map_err(|e| format!("the shim stopped reading: {e}"))?;
            to_shim
                .flush()
                .map_err(|e| format!("the shim stopped reading: {e}"))?;
            let mut line = String::new();
            let n = from_shim
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the shim's answer: {e}"))?;
            if n == 0 {
                return Err(format!("the shim exited before answering case {}", case.id));
            }
            let answer: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| format!("the shim's answer to {} is not JSON: {e}", case.id))?;
            if let Some(reason) = answer.get("skip") {
                skipped += 1;
                if verbose {
                    println!(
                        "skip     {} ({})",
                        case.id,
                        reason.as_str().unwrap_or_default()
                    );
                }
                continue;
            }
            let steps: Vec<Observation> = match answer
                .get("steps")
                .map(|s| serde_json::from_value(s.clone()))
            {
                Some(Ok(s)) => s,
                Some(Err(e)) => {
                    return Err(format!(
                        "the shim's answer to {} does not fit the protocol: {e}",
                        case.id
                    ));
                }
                None => return Err(format!("the shim's answer to {} has no steps", case.id)),
            };
            let mut mismatches = Vec::new();
            for (i, step) in case.steps.iter().enumerate() {
                match steps.get(i) {
                    Some(seen) => compare(
                        i,
                        &case.expect_for(step, profile.engine),
                        seen,
                        &mut mismatches,
                    ),
                    None => mismatches.push(cors_sim::scenario::Mismatch {
                        step: i,
                        what: "steps".into(),
                        expected: format!("{} steps", case.steps.len()),
                        actual: format!("{} steps", steps.len()),
                    }),
                }
            }
            if mismatches.is_empty() {
                agree += 1;
                if verbose {
                    println!("agree    {}", case.id);
                }
            } else {
                disagree += 1;
                println!("DIFFERS  {}", case.id);
                for m in &mismatches {
                    println!(
                        "         step {}: {}: expected {}, got {}",
                        m.step, m.what, m.expected, m.actual
                    );
                }
            }
        }
    }
    drop(to_shim);
    let _ = child.wait();
    println!();
    println!(
        "{agree} agree, {disagree} differ, {skipped} skipped (profile {})",
        profile.engine
    );
    Ok(if bad_files > 0 {
        2
    } else if disagree > 0 {
        1
    } else {
        0
    })
}
