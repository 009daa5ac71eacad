"""The loopback test server: one process, one listening socket per origin.

Every port serves two things:
- `/__fid/<batch>/...`: the harness (case pages, step markers, results);
- `/<tag>/...`: the scenario's routes. A request is answered from the case's
  routing table (the current step's routes first, then the case's), exactly:
  status, header lines in order and byte for byte, body, plus a
  `Content-Length` (no `Date`, no `Server`). A request that no route matches
  gets a 404 and is marked `unrouted`. Every request is recorded with its
  method, URL, all header lines in order, and its body size.

Only 127.0.0.1 is bound.
"""

import html
import json
import os
import posixpath
import re
import socket
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE_JS = open(os.path.join(HERE, "page.js"), encoding="utf-8").read()


def norm_target(host, path_and_query):
    """A comparable form of a request target: host:port, path without dot
    segments, query; all percent-decoded."""
    if "?" in path_and_query:
        path, query = path_and_query.split("?", 1)
        query = "?" + query
    else:
        path, query = path_and_query, ""
    path = unquote(path)
    trailing = path.endswith("/")
    path = posixpath.normpath(path) if path else "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if trailing and not path.endswith("/"):
        path += "/"
    return host.lower() + path + unquote(query)


def norm_url(url):
    u = urlsplit(url.split("#", 1)[0])
    host = (u.hostname or "") + (f":{u.port}" if u.port else "")
    pq = u.path or "/"
    if u.query or url.split("#", 1)[0].endswith("?"):
        pq += "?" + u.query
    return norm_target(host, pq)


class Batch:
    """What the server answers for one browser run: the translated cases."""

    def __init__(self, batch_id, cases, ports, page_urls, step_timeout_ms=8000):
        self.id = batch_id
        self.cases = cases  # list of dicts: translated case + meta (tag, opaque)
        self.by_tag = {c["tag"]: i for i, c in enumerate(cases)}
        self.page_urls = page_urls  # idx -> URL of the case page
        self.ports = ports
        self.step_timeout_ms = step_timeout_ms
        self.lock = threading.Lock()
        self.current_step = {}  # idx -> step
        self.requests = {i: [] for i in range(len(cases))}
        self.results = {}
        self.stray = []
        self.done = threading.Event()
        self.progress = time.monotonic()
        self.compiled = [self._compile(c) for c in cases]

    def _compile(self, case):
        def comp(routes):
            return [(r["method"], norm_url(r["url"]), r) for r in routes]

        return {
            "case": comp(case["server"]),
            "steps": [comp(s.get("server", [])) for s in case["steps"]],
        }

    def route(self, idx, step, method, target):
        comp = self.compiled[idx]
        step_routes = comp["steps"][step] if step is not None and step < len(comp["steps"]) else []
        for m, u, r in list(step_routes) + comp["case"]:
            if m == method and u == target:
                return r
        return None

    def page_html(self, idx):
        case = self.cases[idx]
        nxt = self.page_urls[idx + 1] if idx + 1 < len(self.cases) else self.done_url(idx)
        fid = {
            "batch": self.id,
            "idx": idx,
            "tag": case["tag"],
            "steps": [{"time": s.get("time", 0), "request": s["request"]} for s in case["steps"]],
            "next": nxt,
            "timeout": self.step_timeout_ms,
            "opaque": False,
        }
        script = "<script>window.FID=%s;</script><script>%s</script>" % (
            json.dumps(fid).replace("</", "<\\/"),
            PAGE_JS,
        )
        if case["page"] != "null":
            return "<!doctype html><meta charset=utf-8><title>fid %d</title>%s" % (idx, script)
        fid["opaque"] = True
        inner = "<!doctype html><meta charset=utf-8><script>window.FID=%s;</script><script>%s</script>" % (
            json.dumps(fid).replace("</", "<\\/"),
            PAGE_JS,
        )
        # The top page relays the sandboxed frame's posts and navigates on.
        relay = """<script>
addEventListener('message', async (ev) => {
  const m = ev.data || {};
  if (m.fidPost) {
    await fetch(m.fidPost, {method: 'POST', body: JSON.stringify(m.body)});
    ev.source.postMessage({fidAck: m.n}, '*');
  } else if (m.fidNext) { location.replace(m.fidNext); }
});
</script>"""
        return (
            "<!doctype html><meta charset=utf-8><title>fid %d</title>%s"
            '<iframe sandbox="allow-scripts" srcdoc="%s"></iframe>'
        ) % (idx, relay, html.escape(inner, quote=True))

    def done_url(self, idx):
        return re.sub(r"/__fid/.*$", f"/__fid/{self.id}/done", self.page_urls[idx])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = ""
    sys_version = ""

    def log_message(self, *a):
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = b""
            while True:
                line = self.rfile.readline()
                if not line:
                    break
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data += self.rfile.read(n)
                self.rfile.readline()
            return data, True
        n = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(n) if n else b""), False

    def _send(self, status, headers, body=b"", reason=None):
        if reason is None:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Status"
        out = [f"HTTP/1.1 {status} {reason}\r\n".encode("latin-1")]
        for n, v in headers:
            out.append(n.encode("latin-1") + b": " + v.encode("latin-1") + b"\r\n")
        no_body = status in (204, 304) or 100 <= status < 200
        has_length = any(n.lower() == "content-length" for n, _ in headers)
        if not no_body and not has_length:
            out.append(b"Content-Length: %d\r\n" % len(body))
        out.append(b"\r\n")
        if not no_body and self.command != "HEAD":
            out.append(body)
        self.wfile.write(b"".join(out))
        self.wfile.flush()

    def handle_any(self):
        batch = self.server.fid_batch
        body, chunked = self._read_body()
        path = self.path
        parts = path.split("?", 1)[0].split("/")
        if len(parts) > 2 and parts[1] == "__fid":
            return self._harness(batch, parts, body)
        host = self.headers.get("Host", "")
        tag = parts[1] if len(parts) > 1 else ""
        idx = batch.by_tag.get(tag) if batch else None
        rec = {
            "method": self.command,
            "url": f"http://{host}{path}",
            "headers": [[n, v] for n, v in self.headers.items()],
            "body_len": len(body),
            "chunked": chunked,
            "t": time.time(),
        }
        if idx is None:
            if batch:
                with batch.lock:
                    batch.stray.append(rec)
            return self._send(404, [], b"no such case")
        with batch.lock:
            step = batch.current_step.get(idx)
        rec["step"] = step
        r = batch.route(idx, step, self.command, norm_target(host, path))
        rec["unrouted"] = r is None
        with batch.lock:
            batch.requests[idx].append(rec)
        if r is None:
            return self._send(404, [], b"unrouted")
        b = (r.get("body") or "").encode("utf-8")
        return self._send(r["status"], [tuple(h) for h in r.get("headers", [])], b)

    def _harness(self, batch, parts, body):
        # /__fid/<batch>/<what>/<idx>[/<step>]
        if not batch or parts[2] != batch.id:
            return self._send(410, [], b"stale batch")
        what = parts[3] if len(parts) > 3 else ""
        nocache = [("Cache-Control", "no-store")]
        if what == "case":
            idx = int(parts[4])
            page = batch.page_html(idx).encode("utf-8")
            return self._send(200, [("Content-Type", "text/html; charset=utf-8")] + nocache, page)
        if what == "begin":
            idx, step = int(parts[4]), int(parts[5])
            with batch.lock:
                batch.current_step[idx] = step
                batch.progress = time.monotonic()
            return self._send(204, nocache)
        if what == "result":
            idx = int(parts[4])
            with batch.lock:
                batch.results[idx] = json.loads(body.decode("utf-8"))
                batch.progress = time.monotonic()
            return self._send(204, nocache)
        if what == "done":
            batch.done.set()
            return self._send(200, [("Content-Type", "text/html")] + nocache, b"<title>done</title>done")
        return self._send(404, nocache)

    do_GET = do_POST = do_PUT = do_OPTIONS = do_DELETE = do_PATCH = do_HEAD = handle_any

    def handle_one_request(self):
        # Any method name at all (PATCH, patch, FOO, ...).
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self.handle_any()
            self.wfile.flush()
        except (socket.timeout, ConnectionError):
            self.close_connection = True


class Server:
    """Listens on 127.0.0.1 on every port of the batch's port map."""

    def __init__(self, ports):
        self.servers = []
        for p in ports:
            s = ThreadingHTTPServer(("127.0.0.1", p), Handler)
            s.daemon_threads = True
            s.fid_batch = None
            self.servers.append(s)
            threading.Thread(target=s.serve_forever, daemon=True).start()

    def set_batch(self, batch):
        for s in self.servers:
            s.fid_batch = batch

    def close(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()
