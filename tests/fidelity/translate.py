"""Translate a spec case (https://a.test, ...) into one that runs on loopback.

Every origin a case names (page, request URLs, route URLs, absolute
`Location`s) is mapped, for the whole batch, to `http://<same host>:<port>`,
one port per original origin, so that two origins stay two origins and two
hosts keep their site relation (a.test and a.test:8443 remain same-site;
a.test and b.test remain cross-site). Both browsers resolve every host name
to 127.0.0.1 (Chromium `--host-resolver-rules`, Firefox
`network.dns.localDomains`).

Every http(s) URL also gets a path prefix `/<tag>/` (a per-run nonce and the
case's index), so that no two cases share a preflight-cache entry while the
steps of one case do. A relative `Location` is resolved against its route's
original URL first, then translated (otherwise `../` could climb out of the
prefix).

Header values that name an origin (`Access-Control-Allow-Origin: https://a.test`)
are rewritten textually: a serialized origin that is not followed by a port
or more host characters becomes its translation, so a near miss stays a near
miss (`https://a.test/`, `https://a.test:443`, `HTTPS://a.test` stay
mismatches).

`reverse()` maps an observed string back (ports and prefixes to the original
origins), so that browser observations can be held to the corpus's own
expectations.
"""

import copy
import re
from urllib.parse import urlsplit, urljoin

DEFAULT_PORTS = {"http": 80, "https": 443}
# Host name of the runner page for cases whose page origin is opaque (`null`).
RUNNER_HOST = "runner.test"


def origin_key(url):
    """(scheme, host, port) of an http(s) URL, or None."""
    try:
        u = urlsplit(url)
    except ValueError:
        return None
    if u.scheme not in ("http", "https") or not u.hostname:
        return None
    try:
        port = u.port or DEFAULT_PORTS[u.scheme]
    except ValueError:
        return None
    return (u.scheme, u.hostname.lower(), port)


def serialize(key):
    scheme, host, port = key
    if port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class PortMap:
    """One loopback port per original origin, for a whole batch."""

    def __init__(self, base_port):
        self.base = base_port
        self.ports = {}  # key -> port
        self.runner_port = base_port  # the opaque-origin runner page
        self.next = base_port + 1

    def port(self, key):
        if key not in self.ports:
            self.ports[key] = self.next
            self.next += 1
        return self.ports[key]

    def translated_origin(self, key):
        return f"http://{key[1]}:{self.port(key)}"

    def hosts(self):
        return sorted({k[1] for k in self.ports} | {RUNNER_HOST})

    def all_ports(self):
        return [self.runner_port] + sorted(self.ports.values())


class Translator:
    """Translates one case, given the batch's port map and the case's tag."""

    def __init__(self, ports, tag):
        self.ports = ports
        self.tag = tag
        self.seen = set()

    def url(self, url):
        key = origin_key(url)
        if key is None:
            return url
        self.seen.add(key)
        u = urlsplit(url)
        userinfo = ""
        if u.username is not None or u.password is not None:
            userinfo = u.netloc.rsplit("@", 1)[0] + "@"
        path = u.path or "/"
        out = f"http://{userinfo}{key[1]}:{self.ports.port(key)}/{self.tag}{path}"
        if u.query or url.split("#", 1)[0].endswith("?"):
            out += "?" + u.query
        if "#" in url:
            out += "#" + u.fragment
        return out

    def value(self, v):
        """Rewrites serialized origins inside a header value."""
        for key in sorted(self.seen, key=lambda k: -len(serialize(k))):
            pat = re.escape(serialize(key)) + r"(?![\w.\-]|:\d)"
            v = re.sub(pat, self.ports.translated_origin(key), v)
        return v

    def location(self, route_url, v):
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", v):
            return self.url(v) if origin_key(v) else v
        try:
            absolute = urljoin(route_url, v)
        except ValueError:
            return v
        return self.url(absolute) if origin_key(absolute) else v


def collect_keys(case):
    keys = set()
    if case["page"] != "null":
        keys.add(origin_key(case["page"]))
    routes = list(case.get("server", [])) + [
        r for s in case["steps"] for r in s.get("server", [])
    ]
    for s in case["steps"]:
        keys.add(origin_key(s["request"]["url"]))
    for r in routes:
        keys.add(origin_key(r["url"]))
        for n, v in r.get("headers", []):
            if n.lower() == "location":
                keys.add(origin_key(v))
                try:
                    keys.add(origin_key(urljoin(r["url"], v)))
                except ValueError:
                    pass
    keys.discard(None)
    return keys


def translate_case(case, ports, tag):
    """The loopback twin of `case` (expectations dropped), and its translator."""
    t = Translator(ports, tag)
    for k in sorted(collect_keys(case)):
        t.seen.add(k)
        ports.port(k)
    if case["page"] == "null":
        page = "null"
    else:
        page = ports.translated_origin(origin_key(case["page"]))

    def route(r):
        r2 = dict(r)
        r2["url"] = t.url(r["url"])
        hs = []
        for n, v in r.get("headers", []):
            if n.lower() == "location":
                hs.append([n, t.location(r["url"], v)])
            else:
                hs.append([n, t.value(v)])
        r2["headers"] = hs
        return r2

    out = {
        "id": case["id"],
        "description": case.get("description", ""),
        "source": case.get("source", "spec"),
        "page": page,
        "server": [route(r) for r in case.get("server", [])],
        "steps": [],
    }
    for s in case["steps"]:
        req = copy.deepcopy(s["request"])
        req["url"] = t.url(req["url"])
        step = {"time": s.get("time", 0), "request": req}
        if s.get("server"):
            step["server"] = [route(r) for r in s["server"]]
        out["steps"].append(step)
    return out, t


def reverse_fn(ports, tag):
    """A function mapping translated strings back to the original origins."""
    pairs = []
    for key, port in ports.ports.items():
        pairs.append((f"http://{key[1]}:{port}", serialize(key)))

    def rev(s):
        if not isinstance(s, str):
            return s
        for tr, orig in pairs:
            s = s.replace(f"{tr}/{tag}/", orig + "/")
            s = re.sub(re.escape(tr) + r"(?!\d)", orig, s)
        # userinfo URLs: http://user:pw@host:port/tag/...
        for key, port in ports.ports.items():
            s = re.sub(
                r"http://([^/@\s]*@)" + re.escape(f"{key[1]}:{port}/{tag}/"),
                lambda m, key=key: f"{key[0]}://{m.group(1)}{serialize(key).split('://', 1)[1]}/",
                s,
            )
        return s

    return rev
