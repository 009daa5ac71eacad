"""Per-step comparison of what a browser did with what cors-sim predicts
for the same (translated) scenario under the matching profile."""

import fnmatch
import json
import re

from server import norm_url

# Request headers a browser sets by itself and cors-sim does not model.
BROWSER_OWNED = {
    "host", "connection", "content-length", "user-agent", "accept-encoding", "referer",
    "cookie", "accept-language", "pragma", "cache-control", "transfer-encoding",
    "upgrade-insecure-requests", "priority", "te", "keep-alive", "dnt",
}
# Compared for presence as well as value, whatever cors-sim lists.
CORS_REQUEST_HEADERS = ["origin", "access-control-request-method", "access-control-request-headers"]
PREFIXES_IGNORED = ("sec-",)


def combined(headers, name):
    vals = [v for n, v in headers if n.lower() == name]
    return ", ".join(vals) if vals else None


def header_names(headers):
    seen = []
    for n, _ in headers:
        if n.lower() not in seen:
            seen.append(n.lower())
    return seen


def show(v):
    return "absent" if v is None else json.dumps(v, ensure_ascii=False)


def compare_step(i, obs, pred, author_headers, engine_console):
    """Mismatches of one step: a list of (field, browser, cors-sim)."""
    out = []

    def miss(field, b, c):
        out.append({"step": i, "field": field, "browser": b, "cors_sim": c})

    b_out = obs["outcome"]
    c_out = pred["outcome"]
    if b_out != c_out:
        detail = obs.get("message") or ""
        miss("outcome", f"{b_out}" + (f" ({detail})" if b_out != "exposed" and detail else ""),
             f"{c_out}" + (f" ({pred['error']['reason']})" if pred.get("error") else ""))
    # What the server received.
    got = obs["server_received"]
    exp = [e["request"] for e in pred.get("exchanges", [])]
    if [r["method"] for r in got] != [r["method"] for r in exp]:
        # One summary line: per-request fields would only repeat it.
        miss("server_received.methods",
             " ".join(r["method"] for r in got) or "none",
             " ".join(r["method"] for r in exp) or "none")
        got, exp = [], []
    for j, (g, e) in enumerate(zip(got, exp)):
        if g["method"] != e["method"]:
            miss(f"server_received[{j}].method", g["method"], e["method"])
        if norm_url(g["url"]) != norm_url(e["url"]):
            miss(f"server_received[{j}].url", g["url"], e["url"])
        gh, eh = g["headers"], e["headers"]
        names = list(CORS_REQUEST_HEADERS)
        for n in header_names(eh):
            if n not in names and n not in BROWSER_OWNED and not n.startswith(PREFIXES_IGNORED):
                names.append(n)
        for n in names:
            bv, cv = combined(gh, n), combined(eh, n)
            if bv != cv:
                suffix = ".value" if bv is not None and cv is not None else ""
                miss(f"server_received[{j}].headers.{n}{suffix}", show(bv), show(cv))
        # An author header cors-sim dropped must not reach the server as written.
        for n in header_names(author_headers):
            if n in header_names(eh) or n in CORS_REQUEST_HEADERS:
                continue
            av = combined(author_headers, n)
            bv = combined(gh, n)
            if bv is not None and bv == av:
                miss(f"server_received[{j}].headers.{n}", show(bv), "dropped")
        g_body = g["body_len"] > 0 or g["chunked"]
        if g_body != e.get("has_body", False):
            miss(f"server_received[{j}].has_body", str(g_body).lower(), str(e.get("has_body", False)).lower())
        if g.get("unrouted"):
            miss(f"server_received[{j}].routed", "no route", "routed")
    # What JavaScript got.
    if b_out == "exposed" and c_out == "exposed":
        br, cr = obs, pred["response"]
        if br["type"] != cr["type"]:
            miss("response.type", br["type"], cr["type"])
        if br["status"] != cr["status"]:
            miss("response.status", br["status"], cr["status"])
        if br.get("redirected") != cr.get("redirected"):
            miss("response.redirected", br.get("redirected"), cr.get("redirected"))
        bu = br.get("url") or None
        cu = cr.get("url") or None
        if (bu is None) != (cu is None) or (bu and norm_url(bu) != norm_url(cu)):
            miss("response.url", show(bu), show(cu))
        bh = {n: combined(br["headers"], n) for n in header_names(br["headers"])}
        ch = {n: combined(cr["headers"], n) for n in header_names(cr["headers"])}
        if "content-length" not in ch:
            bh.pop("content-length", None)
        for n in sorted(set(bh) | set(ch)):
            if bh.get(n) != ch.get(n):
                miss(f"response.headers.{n}", show(bh.get(n)), show(ch.get(n)))
        if br.get("body") != cr.get("body"):
            empty = br.get("body") == "" and cr.get("body") is None
            miss("response.body" + (".empty-not-null" if empty else ""), show(br.get("body")), show(cr.get("body")))
    return out


def predicted_console(pred, engine):
    """cors-sim's console lines for a step, less those a browser shows only
    in its DevTools network log (Chromium's `GET url net::ERR_FAILED`),
    which the harness cannot see."""
    lines = [l for l in (pred.get("console") or "").split("\n") if l]
    if engine == "chromium":
        lines = [l for l in lines if not re.search(r" net::ERR_FAILED( \d+)?$", l)]
    return lines


def compare_console(i, obs_console, pred, engine):
    """The browser's console errors for a step against cors-sim's."""
    want = predicted_console(pred, engine)
    have = list(obs_console)
    if want != have:
        reason = (pred.get("error") or {}).get("reason", "none")
        return [{"step": i, "field": f"console.{reason}", "browser": "\n".join(have) or "none",
                 "cors_sim": "\n".join(want) or "none"}]
    return []


class Known:
    """tests/fidelity/known-differences.json: each entry names the browsers,
    a case-id glob, a field glob and the reason."""

    def __init__(self, path):
        with open(path) as f:
            self.entries = json.load(f)["differences"]
        self.used = [0] * len(self.entries)

    def match(self, browser, kind, case_id, field, b_value="", c_value=""):
        for k, e in enumerate(self.entries):
            if browser not in e.get("browsers", ["chromium", "firefox"]):
                continue
            if e.get("kind", "cors-sim") != kind:
                continue
            if not any(fnmatch.fnmatchcase(case_id, c) for c in _list(e["case"])):
                continue
            if not any(fnmatch.fnmatchcase(field, f) for f in _list(e.get("field", "*"))):
                continue
            if "browser_re" in e and not re.search(e["browser_re"], str(b_value)):
                continue
            if "cors_sim_re" in e and not re.search(e["cors_sim_re"], str(c_value)):
                continue
            self.used[k] += 1
            return e
        return None


def _list(v):
    return v if isinstance(v, list) else [v]
