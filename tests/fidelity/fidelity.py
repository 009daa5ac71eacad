#!/usr/bin/env python3
"""cors-sim's real-browser fidelity harness.

Runs spec cases (and random scenarios) in headless Chromium and Firefox ESR
against a loopback server that answers from each case's routing table, and
compares, per step, what the browser did (the requests the server got, what
JavaScript saw, the console) with cors-sim's prediction for the same
translated scenario under the matching profile (`cors-sim oracle`). Corpus
cases are also held to the corpus's own expectations (`cors-sim conform`
with a shim that replays the browser's observations).

    python3 tests/fidelity/fidelity.py smoke            # CI: the smoke subset, both browsers
    python3 tests/fidelity/fidelity.py full             # corpus + 2,000 random scenarios per browser
    python3 tests/fidelity/fidelity.py run --browser chromium --case 'cors-check/*'

See tests/fidelity/README.md and docs/fidelity.md.
"""

import argparse
import fnmatch
import glob
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import browsers  # noqa: E402
import compare  # noqa: E402
import randgen  # noqa: E402
from server import Batch, Server  # noqa: E402
from translate import RUNNER_HOST, PortMap, collect_keys, translate_case, reverse_fn  # noqa: E402

MAX_REAL_TIME = 10.0  # seconds: longer time-based cases are skipped
BROWSERS = ["chromium", "firefox"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- cases


def load_corpus(pattern="*"):
    cases = []
    for f in sorted(glob.glob(os.path.join(ROOT, "spec-cases", "*.json"))):
        name = os.path.basename(f)
        if name in ("schema.json", "expected-failures.json"):
            continue
        with open(f) as fh:
            d = json.load(fh)
        for c in d["cases"]:
            if any(fnmatch.fnmatchcase(c["id"], p) for p in pattern.split(",")):
                c["_concept"] = d["concept"]
                c["_origin"] = "corpus"
                cases.append(c)
    return cases


def not_runnable(case, browser):
    """Why a case cannot run in a real browser here, or None."""
    times = [s.get("time", 0) for s in case["steps"]]
    if max(times) > MAX_REAL_TIME:
        return f"time-based: a step at {max(times):g} s (the harness runs up to {MAX_REAL_TIME:g} s in real time)"
    routes = list(case.get("server", [])) + [r for s in case["steps"] for r in s.get("server", [])]
    if any(r["status"] < 200 for r in routes):
        return "a 1xx status is an interim response on the wire: the browser waits for a final one"
    for s in case["steps"]:
        r = s["request"]
        if r.get("unsafe_request") is False:
            return "an HTML element's fetch (unsafe-request flag unset) cannot be made with fetch()"
        if r.get("use_cors_preflight"):
            return "the use-CORS-preflight flag (XHR upload listeners) cannot be set on fetch()"
        if r.get("partition"):
            return "network partition keys (other top-level sites) are not set up by the harness"
        if os.environ.get("FID_TRY_STREAMS"):
            continue
        if (r.get("body") or {}).get("kind") == "stream" and browser == "firefox":
            return ("Firefox 153 does not take a ReadableStream as a request body (measured: fetch() sends a "
                    "plain text body instead, with no preflight, and no-cors accepts it)")
        if (r.get("body") or {}).get("kind") == "stream" and (r.get("mode") or "cors") != "no-cors":
            return ("Chromium streams uploads only over HTTP/2 and the harness serves HTTP/1.1 (measured: "
                    "the preflight goes out, then the upload fails with 'Failed to fetch')")
    return None


# ---------------------------------------------------------------- cors-sim


def cors_sim_binary(cargo_profile):
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    if not os.path.isabs(target):
        target = os.path.join(ROOT, target)
    sub = "release" if cargo_profile == "release" else "debug"
    args = ["cargo", "build", "--quiet", "--bin", "cors-sim"]
    if cargo_profile == "release":
        args.append("--release")
    else:
        args.append("--all-features")  # what `cargo test --all-features` already built
    log(f"building cors-sim ({sub}) ...")
    subprocess.run(args, cwd=ROOT, check=True)
    return os.path.join(target, sub, "cors-sim")


class Oracle:
    """One `cors-sim oracle` process; each question is timed."""

    def __init__(self, exe):
        self.p = subprocess.Popen([exe, "oracle"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)

    def ask(self, case, profile):
        line = json.dumps(dict(case, profile=profile))
        t = time.perf_counter()
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        ans = json.loads(self.p.stdout.readline())
        return ans, time.perf_counter() - t

    def close(self):
        self.p.stdin.close()
        self.p.wait()


# ---------------------------------------------------------------- browser runs


def run_batch(browser, items, ports, server, workdir, batch_id, stall_s=30.0):
    """Runs `items` (translated cases with 'tag') in one fresh browser
    process; returns {idx: {results, requests, console}}; a stalled browser
    is restarted at the next case."""
    page_urls = []
    for it in items:
        if it["page"] == "null":
            page_urls.append(f"http://{RUNNER_HOST}:{ports.runner_port}/__fid/{batch_id}/case/{len(page_urls)}")
        else:
            page_urls.append(f"{it['page']}/__fid/{batch_id}/case/{len(page_urls)}")
    batch = Batch(batch_id, items, ports, page_urls)
    server.set_batch(batch)
    start = 0
    consoles = []
    restarts = 0
    while start < len(items):
        b = browsers.Running(browser, page_urls[start], ports.hosts(), workdir, ports.base - 1)
        batch.progress = time.monotonic()
        max_t = max(max(s.get("time", 0) for s in it["steps"]) for it in items[start:])
        while not batch.done.is_set():
            batch.done.wait(0.2)
            if time.monotonic() - batch.progress > stall_s + max_t or not b.alive():
                break
        b.stop()
        consoles.append(b.console())
        if batch.done.is_set():
            break
        # Restart after the first case that has no result.
        missing = [i for i in range(start, len(items)) if i not in batch.results]
        if not missing:
            break
        log(f"  {browser}: stalled at case {items[missing[0]]['id']}; restarting after it")
        restarts += 1
        start = missing[0] + 1
        if restarts > 20:
            break
    per_console = {}
    for msgs in consoles:
        for k, v in browsers.split_console(msgs, batch_id).items():
            per_console.setdefault(k, []).extend(v)
    out = {}
    for i, it in enumerate(items):
        reqs = batch.requests[i]
        res = batch.results.get(i)
        steps = []
        for s in range(len(it["steps"])):
            entry = {
                "server_received": [r for r in reqs if r.get("step") == s],
                "console": per_console.get((i, s), []),
            }
            if res and s < len(res["results"]):
                entry.update(res["results"][s])
            else:
                entry["outcome"] = "harness-error"
            steps.append(entry)
        out[i] = {"steps": steps, "ua": res.get("ua") if res else None,
                  "total_ms": res.get("total_ms") if res else None,
                  "stray": [r for r in reqs if r.get("step") is None]}
    return out, len(batch.stray)


def observation(step):
    """A browser step in cors-sim's Observation form (docs/shim-protocol.md)."""
    o = {"outcome": step["outcome"] if step["outcome"] in ("exposed", "network-error") else "network-error",
         "server_received": [{"method": r["method"], "url": r["url"], "headers": r["headers"],
                              "has_body": r["body_len"] > 0 or r["chunked"]}
                             for r in step["server_received"]]}
    if step["outcome"] == "exposed":
        o["response"] = {"type": step["type"], "status": step["status"], "headers": step["headers"],
                         "body": step.get("body"), "url": step.get("url") or None,
                         "redirected": step.get("redirected")}
    return o


def run(cases, browsers_wanted, args, known):
    """Runs cases in each browser; returns the results document."""
    exe = cors_sim_binary(args.cargo_profile)
    workdir = os.path.abspath(args.out)
    os.makedirs(workdir, exist_ok=True)
    nonce = args.nonce or format(int(time.time() * 1000) % 10**9, "x")
    doc = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nonce": nonce,
           "command": " ".join(sys.argv), "browsers": {}, "cases": {}}
    for browser in browsers_wanted:
        if not browsers.available(browser):
            log(f"{browser}: not installed, skipped")
            continue
        ver = browsers.version(browser)
        log(f"== {browser}: {ver}")
        ports = PortMap(args.base_port + 1)
        translated, skipped = [], {}
        for n, c in enumerate(cases):
            why = not_runnable(c, browser)
            if why:
                skipped[c["id"]] = why
                continue
            tag = f"f{nonce}-{n}"
            t, _ = translate_case(c, ports, tag)
            t["tag"] = tag
            t["_case"] = c
            translated.append(t)
        server = Server(ports.all_ports())
        oracle = Oracle(exe)
        t_start = time.monotonic()
        results = {}
        oracle_times = {}
        stray = 0
        try:
            for k in range(0, len(translated), args.batch_size):
                chunk = translated[k:k + args.batch_size]
                log(f"  {browser}: cases {k + 1}-{k + len(chunk)} of {len(translated)}")
                t0 = time.monotonic()
                obs, s = run_batch(browser, chunk, ports, server, workdir, f"b{nonce}{browser[0]}{k}")
                stray += s
                wall = time.monotonic() - t0
                for i, it in enumerate(chunk):
                    results[it["id"]] = (it, obs[i], wall / len(chunk))
        finally:
            server.close()
        browser_wall = time.monotonic() - t_start
        bres = {"version": ver, "ua": None, "skipped": skipped, "wall_s": browser_wall,
                "stray_requests": stray, "cases": {}}
        for cid, (it, ob, share) in results.items():
            case = it["_case"]
            plain = {k: v for k, v in it.items() if not k.startswith("_") and k != "tag"}
            pred, dt = oracle.ask(plain, browser)
            oracle_times[cid] = dt
            bres["ua"] = bres["ua"] or ob["ua"]
            entry = {"concept": case["_concept"], "origin": case["_origin"],
                     "tag": it["tag"], "browser_ms": ob["total_ms"], "batch_share_ms": share * 1000,
                     "oracle_ms": dt * 1000, "mismatches": [], "console_mismatches": [],
                     "timed": max(st.get("time", 0) for st in case["steps"]) > 0}
            if "error" in pred:
                entry["mismatches"].append({"step": 0, "field": "oracle", "browser": "",
                                            "cors_sim": json.dumps(pred["error"])})
            else:
                for m in pred.get("mismatches", []):
                    if m["what"] == "routing":
                        entry["mismatches"].append({"step": m["step"], "field": "routing",
                                                    "browser": "", "cors_sim": m["actual"]})
                psteps = pred["steps"]
                for i, st in enumerate(ob["steps"]):
                    if i >= len(psteps):
                        break
                    author = st.get("author_headers") or it["steps"][i]["request"].get("headers", [])
                    entry["mismatches"] += compare.compare_step(i, st, psteps[i], author, browser)
                    if browser == "chromium" or browsers.NODE_OK:
                        entry["console_mismatches"] += compare.compare_console(i, st["console"], psteps[i], browser)
            for m in entry["mismatches"]:
                k = known.match(browser, "cors-sim", cid, m["field"], m["browser"], m["cors_sim"])
                m["known"] = k["reason"] if k else None
            for m in entry["console_mismatches"]:
                k = known.match(browser, "console", cid, m["field"], m["browser"], m["cors_sim"])
                m["known"] = k["reason"] if k else None
                if not k:
                    # A console line that differs because the fetch itself
                    # differed in a known way follows from that difference.
                    cause = [x for x in entry["mismatches"] if x["step"] == m["step"] and x["known"]
                             and (x["field"] in ("outcome", "server_received.methods"))]
                    if cause:
                        m["known"] = "follows from: " + cause[0]["known"]
            entry["observations"] = [observation(s) if s["outcome"] != "harness-error" else None
                                     for s in ob["steps"]]
            entry["raw"] = ob["steps"]
            entry["reverse"] = {"ports": {f"{k[0]}://{k[1]}:{k[2]}": p for k, p in ports.ports.items()}}
            bres["cases"][cid] = entry
        oracle.close()
        doc["browsers"][browser] = bres
        # Held to the corpus's expectations, through `cors-sim conform`.
        corpus_ids = [cid for cid, e in bres["cases"].items() if e["origin"] == "corpus"]
        if corpus_ids:
            bres["corpus_check"] = conform(exe, browser, bres, cases, ports, workdir, known)
    return doc


def corpus_skip(case):
    """Why a corpus case that runs cannot be held to the corpus's own
    expectations, or None."""
    schemes = {k[0] for k in collect_keys(case)}
    if case["page"] != "null":
        schemes.add(case["page"].split(":", 1)[0])
    if len(schemes) > 1:
        return ("mixes https and http origins; the harness serves every origin over http, "
                "so a downgrade (referrer policy, Origin: null) cannot happen")
    return None


def replay_observation(obs, author):
    """A browser observation as the corpus sees it: headers the browser adds
    by itself (Accept-Language, User-Agent, Sec-Fetch-*, ...) are left out
    unless the page set them to that value."""
    out = json.loads(json.dumps(obs))
    for r in out["server_received"]:
        kept = []
        for n, v in r["headers"]:
            ln = n.lower()
            if (ln in compare.BROWSER_OWNED and ln != "referer") or ln.startswith(compare.PREFIXES_IGNORED):
                page_values = [av for an, av in author if an.lower() == ln]
                if v != compare.combined(author, ln) and v not in page_values:
                    continue
            kept.append([n, v])
        r["headers"] = kept
    return out


def conform(exe, browser, bres, cases, ports, workdir, known):
    """Runs `cors-sim conform` with a shim replaying the browser's
    observations (mapped back to the corpus's origins)."""
    answers = {}
    for c in cases:
        e = bres["cases"].get(c["id"])
        if c["_origin"] != "corpus":
            continue
        if e is None:
            answers[c["id"]] = {"id": c["id"], "skip": bres["skipped"].get(c["id"], "not run")}
            continue
        rev = reverse_fn(ports, e["tag"])
        if any(o is None for o in e["observations"]):
            answers[c["id"]] = {"id": c["id"], "skip": "harness error"}
            continue
        why = corpus_skip(c)
        if why:
            answers[c["id"]] = {"id": c["id"], "skip": why}
            continue
        steps = [replay_observation(o, c["steps"][i]["request"].get("headers", []))
                 for i, o in enumerate(e["observations"])]
        answers[c["id"]] = {"id": c["id"], "steps": _map_strings(steps, rev)}
    path = os.path.join(workdir, f"replay-{browser}.json")
    with open(path, "w") as f:
        json.dump(answers, f)
    shim = f"{sys.executable} {os.path.join(HERE, 'replay_shim.py')} {path}"
    p = subprocess.run([exe, "conform", "--shim", shim, "--profile", browser,
                        os.path.join(ROOT, "spec-cases")], capture_output=True, text=True)
    diffs = {}
    cur = None
    summary = ""
    for line in p.stdout.splitlines():
        if line.startswith("DIFFERS  "):
            cur = line.split()[1]
            diffs[cur] = []
        elif line.startswith("         step ") and cur:
            diffs[cur].append(line.strip())
        elif " agree, " in line:
            summary = line.strip()
    out = {"summary": summary, "differs": {}}
    for cid, lines in diffs.items():
        items = []
        for l in lines:
            # "step N: what: expected X, got Y"
            parts = l.split(": ", 2)
            field = parts[1] if len(parts) > 1 else l
            k = known.match(browser, "corpus", cid, field, l, l)
            items.append({"line": l, "field": field, "known": k["reason"] if k else None})
        out["differs"][cid] = items
    return out


def _map_strings(v, f):
    if isinstance(v, str):
        return f(v)
    if isinstance(v, list):
        return [_map_strings(x, f) for x in v]
    if isinstance(v, dict):
        return {k: _map_strings(x, f) for k, x in v.items()}
    return v


# ---------------------------------------------------------------- summary


def summarize(doc):
    """Prints a summary; returns the number of unknown disagreements."""
    unknown = 0
    for browser, b in doc["browsers"].items():
        for origin in ("corpus", "random"):
            cs = {k: v for k, v in b["cases"].items() if v["origin"] == origin}
            if not cs:
                continue
            agree = sum(1 for v in cs.values() if not v["mismatches"])
            known = sum(1 for v in cs.values() if v["mismatches"] and all(m["known"] for m in v["mismatches"]))
            con_agree = sum(1 for v in cs.values() if not v["console_mismatches"])
            print(f"{browser} {origin}: {len(cs)} run, {agree} agree with cors-sim, "
                  f"{known} differ only in known ways, {len(cs) - agree - known} differ; "
                  f"console agrees on {con_agree}")
        skipped = b["skipped"]
        if skipped:
            print(f"{browser}: {len(skipped)} not runnable")
        for cid, v in sorted(b["cases"].items()):
            for m in v["mismatches"] + v["console_mismatches"]:
                if not m["known"]:
                    unknown += 1
                    print(f"  DIFFERS {browser} {cid} step {m['step']} {m['field']}: "
                          f"browser {m['browser']} / cors-sim {m['cors_sim']}")
        cc = b.get("corpus_check")
        if cc:
            print(f"{browser} vs the corpus's expectations: {cc['summary']}")
            for cid, items in sorted(cc["differs"].items()):
                for it in items:
                    if not it["known"]:
                        unknown += 1
                        print(f"  CORPUS  {browser} {cid} {it['line']}")
    return unknown


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["run", "smoke", "full", "report"])
    ap.add_argument("--browser", default="chromium,firefox")
    ap.add_argument("--case", default=None, help="corpus case-id globs, comma-separated (run)")
    ap.add_argument("--random", type=int, default=0, help="random scenarios per browser")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "fidelity"))
    ap.add_argument("--base-port", type=int, default=int(os.environ.get("FID_BASE_PORT", "28300")))
    ap.add_argument("--batch-size", type=int, default=150)
    ap.add_argument("--cargo-profile", default="release", choices=["release", "dev"])
    ap.add_argument("--nonce", default=None)
    ap.add_argument("--write-doc", action="store_true", help="regenerate docs/fidelity.md (full)")
    args = ap.parse_args()
    known = compare.Known(os.path.join(HERE, "known-differences.json"))
    wanted = [b for b in args.browser.split(",") if b]
    if args.command == "report":
        import report
        with open(os.path.join(args.out, "results.json")) as f:
            doc = json.load(f)
        report.write(doc, os.path.join(ROOT, "docs", "fidelity.md"))
        return 0
    if args.command == "smoke":
        with open(os.path.join(HERE, "smoke-cases.txt")) as f:
            ids = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        cases = [c for c in load_corpus() if c["id"] in ids]
        args.cargo_profile = "dev" if args.cargo_profile == "release" and os.environ.get("CI") else args.cargo_profile
    elif args.command == "full":
        cases = load_corpus()
        cases += randgen.generate(args.random or 2000, args.seed)
    else:
        cases = load_corpus(args.case) if args.case else []
        if args.random:
            cases += randgen.generate(args.random, args.seed)
    t = time.monotonic()
    doc = run(cases, wanted, args, known)
    doc["wall_s"] = time.monotonic() - t
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(doc, f)
    unknown = summarize(doc)
    if args.command == "full" or args.write_doc:
        import report
        report.write(doc, os.path.join(ROOT, "docs", "fidelity.md"))
    print(f"fidelity: {unknown} unknown disagreement(s); results in {args.out}/results.json "
          f"({doc['wall_s']:.0f} s)")
    if browsers.NODE_OK is False:
        print("fidelity: Node has no WebSocket (needs Node 20.10+): Firefox console not captured")
    # One line per scenario and browser: passed when it has no unknown disagreement.
    npass = nfail = 0
    for b in doc["browsers"].values():
        bad = {cid for cid, v in b["cases"].items()
               if any(not m["known"] for m in v["mismatches"] + v["console_mismatches"])}
        bad |= {cid for cid, items in (b.get("corpus_check") or {"differs": {}})["differs"].items()
                if any(not i["known"] for i in items)}
        nfail += len(bad)
        npass += len(b["cases"]) - len(bad & set(b["cases"]))
    print(f"{npass} passed, {nfail} failed")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
