"""Random CORS scenarios in the spec-cases format, seeded and reproducible.

`generate(n, seed)` gives n cases drawn from five families (simple
requests, preflighted requests, redirect chains, preflight-cache sequences
and request-header edges), each with a complete routing table: every URL a
browser could reach has an OPTIONS route and a route for every method that
could arrive there (the method as normalised, and GET after a 303 or a
POST-to-GET 301/302), so no request goes unanswered. Scenarios have no
expectations: they are held to cors-sim's own prediction. All steps are at
time 0 (the cache family relies on Max-Age values far from any boundary).
Responses carry no validator (Last-Modified, ETag) that would let the
browser's HTTP cache answer a repeated GET: the HTTP cache is outside
cors-sim's model.
"""

import random

PAGE = "https://a.test"
ORIGINS = {
    "same": "https://a.test",
    "site": "https://a.test:8443",
    "cross": "https://b.test",
    "third": "https://c.test",
}
NORMALISED = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}


def norm_method(m):
    return m.upper() if m.upper() in NORMALISED else m


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def pick(self, *xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    # ---------------------------------------------------------- responses

    def acao(self, target_is_cross=True):
        return self.r.choices(
            [None, "$page", "*", "null", "$page/", "https://A.TEST", "https://a.test:443",
             "http://a.test", "$page, $page", "dup", "https://b.test", " $page", "$page "],
            weights=[12, 30, 18, 3, 2, 2, 2, 2, 2, 3, 2, 1, 1])[0]

    def acao_headers(self, v):
        if v is None:
            return []
        if v == "dup":
            return [["Access-Control-Allow-Origin", PAGE], ["Access-Control-Allow-Origin", PAGE]]
        return [["Access-Control-Allow-Origin", v.replace("$page", PAGE)]]

    def acac(self):
        v = self.r.choices([None, "true", "TRUE", "false", "true, true"], weights=[10, 12, 1, 1, 1])[0]
        return [] if v is None else [["Access-Control-Allow-Credentials", v]]

    def aceh(self):
        v = self.r.choices(
            [None, "X-A", "x-a, X-B", "*", "X-A, *", "Set-Cookie", "X-A,,X-B", "X A", "content-length"],
            weights=[10, 4, 3, 3, 1, 1, 1, 1, 1])[0]
        return [] if v is None else [["Access-Control-Expose-Headers", v]]

    def extra(self):
        hs = [["Content-Type", self.pick("text/plain", "application/json")]]
        for name, val in (("X-A", "a"), ("X-B", "b"), ("Cache-Control", "no-store"),
                          ("Content-Language", "en"), ("Set-Cookie", "k=v; Path=/"),
                          ("Expires", "0"), ("Pragma", "no-cache"), ("X-C", "c")):
            if self.chance(0.25):
                hs.append([name, val])
        return hs

    def actual_answer(self):
        status = self.r.choices([200, 201, 204, 299, 404, 500], weights=[20, 2, 2, 1, 2, 2])[0]
        hs = self.acao_headers(self.acao()) + self.acac() + self.aceh() + self.extra()
        body = None if status == 204 else self.pick("ok", "", "{\"a\":1}")
        return status, hs, body

    def preflight_answer(self, method, headers):
        status = self.r.choices([200, 204, 404, 500, 299], weights=[8, 12, 1, 1, 1])[0]
        hs = self.acao_headers(self.r.choices([None, "$page", "*", "null", "dup", "$page/"],
                                              weights=[2, 20, 6, 1, 1, 1])[0])
        hs += self.acac()
        ms = self.r.choices(
            [None, method, method.lower(), "*", "GET, POST", f"GET, {method}", f"{method},,", "GET;",
             "PUT, DELETE, PATCH", f" {method} "],
            weights=[3, 8, 1, 3, 2, 3, 1, 1, 2, 1])[0]
        if ms is not None:
            hs.append(["Access-Control-Allow-Methods", ms])
        names = [n for n, _ in headers]
        cand = [None, "*", ", ".join(names) or "X-A", ", ".join(n.upper() for n in names) or "X-B",
                "X-Other", "*, Authorization", (names[0] if names else "X-A") + ", @bad"]
        hv = self.r.choices(cand, weights=[3, 3, 8, 2, 1, 2, 1])[0]
        if hv is not None:
            hs.append(["Access-Control-Allow-Headers", hv])
        ma = self.r.choices([None, "0", "600", "-1", "abc", "10", "+10"], weights=[4, 2, 6, 1, 1, 2, 1])[0]
        if ma is not None:
            hs.append(["Access-Control-Max-Age", ma])
        return status, hs

    # ---------------------------------------------------------- requests

    def unsafe_headers(self):
        pool = [
            ["X-A", "1"], ["X-B", "2"], ["Authorization", "Bearer t"],
            ["Content-Type", "application/json"], ["Content-Type", "text/plain; charset=utf-8"],
            ["Accept", "text/html"], ["Accept", "a" * 129], ["Accept-Language", "en-US"],
            ["Content-Language", "de"], ["Content-Language", "de;"], ["Range", "bytes=0-1"],
            ["Range", "bytes=0-1,2-3"], ["X-A", "1"], ["Content-Type", "multipart/form-data; boundary=x"],
            ["Accept", "text/h\u0001tml"], ["Content-Type", "application/x-www-form-urlencoded"],
        ]
        k = self.r.choices([0, 1, 2, 3], weights=[4, 6, 3, 1])[0]
        return [list(h) for h in self.r.sample(pool, k)]

    def request(self, family):
        if family == "simple":
            method = self.pick("GET", "HEAD", "POST", "get", "post")
            headers = [h for h in self.unsafe_headers()
                       if h[0] in ("Accept", "Accept-Language", "Content-Language")
                       or (h[0] == "Content-Type" and "json" not in h[1])]
        else:
            method = self.pick("PUT", "DELETE", "PATCH", "patch", "put", "GET", "POST", "FOO", "HEAD")
            headers = self.unsafe_headers()
            if method in ("GET", "HEAD", "POST") and not headers:
                headers = [["X-A", "1"]]
        req = {"method": method}
        if headers:
            req["headers"] = headers
        if norm_method(method) not in ("GET", "HEAD") and self.chance(0.7):
            req["body"] = {"kind": "bytes", "data": self.pick("x", "{\"a\":1}", "a=1&b=2")}
        req["credentials"] = self.r.choices(["same-origin", "include", "omit"], weights=[6, 4, 1])[0]
        req["mode"] = self.r.choices(["cors", "no-cors", "same-origin"], weights=[12, 2, 1])[0]
        return req

    def routes_for(self, url, method, answer, pre=None):
        """Routes answering every method that can reach `url`."""
        status, hs, body = answer
        out = []
        for m in sorted({norm_method(method), "GET", "HEAD", "POST"}):
            r = {"method": m, "url": url, "status": status, "headers": [list(h) for h in hs]}
            if body is not None:
                r["body"] = body
            out.append(r)
        ps, ph = pre if pre else (204, [["Access-Control-Allow-Origin", PAGE]])
        out.append({"method": "OPTIONS", "url": url, "status": ps, "headers": ph})
        return out

    # ---------------------------------------------------------- families

    def case(self, family, n, seed):
        cid = f"random/{family}/{seed}-{n}"
        target = self.r.choices(list(ORIGINS.values()), weights=[2, 2, 8, 1])[0]
        url = f"{target}/r{n}" + self.pick("", "?q=1", "/x")
        steps, server = [], []
        if family in ("simple", "preflight", "headers"):
            req = self.request("simple" if family == "simple" else "preflight")
            if family == "headers":
                req["headers"] = self.unsafe_headers() + self.unsafe_headers()
            req["url"] = url
            server += self.routes_for(url, req["method"], self.actual_answer(),
                                      self.preflight_answer(norm_method(req["method"]), req.get("headers", [])))
            steps.append({"time": 0, "request": req})
        elif family == "redirect":
            req = self.request(self.pick("simple", "preflight"))
            req["redirect"] = self.r.choices(["follow", "error", "manual"], weights=[10, 1, 1])[0]
            hops = self.r.choice([1, 1, 2, 3])
            chain = [url]
            for h in range(hops):
                o = self.r.choices(list(ORIGINS.values()), weights=[3, 1, 4, 4])[0]
                chain.append(f"{o}/h{n}-{h}")
            req["url"] = chain[0]
            for k, u in enumerate(chain):
                pre = self.preflight_answer(norm_method(req["method"]), req.get("headers", []))
                if k + 1 < len(chain):
                    status = self.pick(301, 302, 303, 307, 308)
                    hs = self.acao_headers(self.acao()) + self.acac() + [["Location", chain[k + 1]]]
                    server += self.routes_for(u, req["method"], (status, hs, None), pre)
                else:
                    server += self.routes_for(u, req["method"], self.actual_answer(), pre)
            steps.append({"time": 0, "request": req})
        else:  # cache: several requests to one URL sharing the preflight cache
            first = self.request("preflight")
            first["url"] = url
            first["mode"] = "cors"
            methods = {norm_method(first["method"]), "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
            pre = self.preflight_answer(norm_method(first["method"]), first.get("headers", []))
            status, hs, body = self.actual_answer()
            for m in sorted(methods):
                r = {"method": m, "url": url, "status": status, "headers": hs}
                if body is not None:
                    r["body"] = body
                server.append(r)
            server.append({"method": "OPTIONS", "url": url, "status": pre[0], "headers": pre[1]})
            steps.append({"time": 0, "request": first})
            for _ in range(self.r.choice([1, 2, 3])):
                nxt = self.request("preflight")
                nxt["url"] = url
                nxt["mode"] = "cors"
                if norm_method(nxt["method"]) not in methods:
                    nxt["method"] = self.pick("PUT", "DELETE", "GET")
                if self.chance(0.5):
                    nxt["method"] = first["method"]
                if norm_method(nxt["method"]) in ("GET", "HEAD"):
                    nxt.pop("body", None)
                step = {"time": 0, "request": nxt}
                if self.chance(0.2):
                    p2 = self.preflight_answer(norm_method(nxt["method"]), nxt.get("headers", []))
                    step["server"] = [{"method": "OPTIONS", "url": url, "status": p2[0], "headers": p2[1]}]
                steps.append(step)
        return {
            "id": cid,
            "description": f"random {family} scenario {n} (seed {seed})",
            "source": "random",
            "page": PAGE,
            "server": server,
            "steps": steps,
            "_concept": f"random-{family}",
            "_origin": "random",
        }


FAMILIES = [("simple", 3), ("preflight", 4), ("redirect", 3), ("cache", 2), ("headers", 1)]


def generate(n, seed):
    rnd = random.Random(seed)
    g = Gen(rnd)
    names = [f for f, _ in FAMILIES]
    weights = [w for _, w in FAMILIES]
    return [g.case(rnd.choices(names, weights=weights)[0], i, seed) for i in range(n)]
