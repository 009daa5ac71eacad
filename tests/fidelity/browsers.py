"""Launching the browsers, headless, each in a fresh profile, and reading
their console.

Chromium: the console comes from `--enable-logging=stderr --v=0`
(`INFO:CONSOLE` lines). Firefox: from its built-in WebDriver BiDi agent
(`--remote-debugging-port`), read by `bidi_console.mjs` (Node, no npm
package). Both are started with `setsid` and stopped by process group.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CHROMIUM = os.environ.get("FID_CHROMIUM", "/usr/lib/chromium/chromium")
FIREFOX = os.environ.get("FID_FIREFOX", "firefox-esr")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--no-default-browser-check", "--mute-audio",
    "--disable-extensions", "--disable-default-apps", "--disable-breakpad",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--no-pings", "--no-proxy-server", "--metrics-recording-only",
    "--host-resolver-rules=MAP * 127.0.0.1",
    "--enable-logging=stderr", "--v=0",
]


def version(browser):
    exe = CHROMIUM if browser == "chromium" else FIREFOX
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"


def bidi_client_ok():
    """Whether this Node has a WebSocket (Node 22, or 20 with the flag)."""
    try:
        r = subprocess.run(["node", "--experimental-websocket", "-e",
                            "process.exit(typeof WebSocket === 'function' ? 0 : 1)"],
                           capture_output=True, timeout=30)
        return r.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


NODE_OK = None


def available(browser):
    exe = CHROMIUM if browser == "chromium" else FIREFOX
    return shutil.which(exe) is not None or os.path.exists(exe)


class Running:
    """A browser process group plus its console sink."""

    def __init__(self, browser, url, hosts, workdir, bidi_port):
        self.browser = browser
        self.profile = tempfile.mkdtemp(prefix=f"fid-{browser}-", dir=workdir)
        self.console_file = os.path.join(workdir, f"console-{os.path.basename(self.profile)}.txt")
        self.procs = []
        if browser == "chromium":
            self.err = open(self.console_file, "wb")
            p = subprocess.Popen(
                [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", url],
                stdout=subprocess.DEVNULL, stderr=self.err, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.procs.append(p)
        else:
            with open(os.path.join(HERE, "firefox-user.js")) as f:
                prefs = f.read()
            prefs += 'user_pref("network.dns.localDomains", %s);\n' % json.dumps(",".join(hosts))
            with open(os.path.join(self.profile, "user.js"), "w") as f:
                f.write(prefs)
            self.err = open(os.path.join(workdir, "firefox-stderr.txt"), "ab")
            global NODE_OK
            if NODE_OK is None:
                NODE_OK = bidi_client_ok()
            if not NODE_OK:
                # No console capture: open the page directly.
                self.procs.append(subprocess.Popen(
                    [FIREFOX, "--headless", "--no-remote", "--profile", self.profile, url],
                    stdout=subprocess.DEVNULL, stderr=self.err, stdin=subprocess.DEVNULL,
                    start_new_session=True))
                return
            p = subprocess.Popen(
                [FIREFOX, "--headless", "--no-remote", "--profile", self.profile,
                 "--remote-debugging-port", str(bidi_port)],
                stdout=subprocess.DEVNULL, stderr=self.err, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.procs.append(p)
            node = subprocess.Popen(
                ["node", "--experimental-websocket", os.path.join(HERE, "bidi_console.mjs"),
                 str(bidi_port), url, self.console_file],
                stdout=subprocess.DEVNULL, stderr=self.err, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.procs.append(node)

    def alive(self):
        return self.procs[0].poll() is None

    def stop(self):
        # The console client first (it flushes on SIGTERM), then the browser.
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        self.err.close()
        time.sleep(0.1)
        shutil.rmtree(self.profile, ignore_errors=True)

    def console(self):
        """Console messages in order: a list of (kind, text), kind is
        `log` (console.log from the page) or `error`/`warn`/`info`."""
        out = []
        try:
            raw = open(self.console_file, "rb").read().decode("utf-8", "replace")
        except OSError:
            return out
        if self.browser == "chromium":
            # A message may span lines: it runs from `INFO:CONSOLE...] "` to `", source: URL (N)`.
            for m in re.finditer(r':INFO:CONSOLE[^\]]*\] "(.*?)", source: [^\n]* \(\d+\)$', raw,
                                 re.S | re.M):
                text = m.group(1)
                out.append(("log" if text.startswith("FID") else "error", text))
        else:
            for line in raw.splitlines():
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                text = e.get("text") or ""
                kind = "log" if e.get("type") == "console" else (e.get("level") or "info")
                out.append((kind, text))
        return out


def split_console(messages, batch_id):
    """Attributes console messages to (case index, step) by the page's
    markers (`FIDSTEP batch idx step`, `FIDEND batch idx`). Messages after
    a case's end marker and before the next case's first step belong to the
    case's last step (a late message)."""
    per = {}
    cur = None
    for kind, text in messages:
        m = re.match(r"FIDSTEP (\S+) (\d+) (\d+)$", text)
        if m:
            cur = (int(m.group(2)), int(m.group(3))) if m.group(1) == batch_id else None
            continue
        if re.match(r"FIDEND ", text):
            continue
        if cur is not None and kind != "log":
            per.setdefault(cur, []).append(text)
    return per
