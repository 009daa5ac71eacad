// The case page: performs one case's fetches in order, from the page
// origin, and reports what JavaScript saw. window.FID is set by the server:
// {batch, idx, tag, steps: [{time, request}], next, timeout, opaque}.
// In an opaque (sandboxed) frame, posts go through the parent page.
(function () {
  const F = window.FID;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  let rpcN = 0;
  const acks = new Map();
  if (F.opaque) {
    addEventListener("message", (ev) => {
      const m = ev.data || {};
      if (m.fidAck && acks.has(m.fidAck)) { acks.get(m.fidAck)(); acks.delete(m.fidAck); }
    });
  }
  async function post(path, obj) {
    if (F.opaque) {
      const n = ++rpcN;
      const p = new Promise((r) => acks.set(n, r));
      parent.postMessage({fidPost: path, body: obj, n}, "*");
      return p;
    }
    await fetch(path, {method: "POST", body: JSON.stringify(obj)});
  }
  function bytes(s) {
    const u = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255;
    return u;
  }
  async function runStep(q) {
    const init = {method: "method" in q ? q.method : "GET", headers: q.headers || []};
    if (q.mode) init.mode = q.mode;
    if (q.credentials) init.credentials = q.credentials;
    if (q.redirect) init.redirect = q.redirect;
    if (q.referrer_policy) init.referrerPolicy = q.referrer_policy;
    const body = q.body || {kind: "none"};
    if (body.kind === "bytes") init.body = bytes(body.data || "");
    if (body.kind === "stream") {
      init.body = new ReadableStream({start(c) { c.enqueue(bytes("x")); c.close(); }});
      init.duplex = "half";
    }
    const ac = new AbortController();
    init.signal = ac.signal;
    const timer = setTimeout(() => ac.abort(), F.timeout);
    try {
      const resp = await fetch(q.url, init);
      const headers = [];
      resp.headers.forEach((v, k) => headers.push([k, v]));
      const out = {outcome: "exposed", type: resp.type, status: resp.status, url: resp.url,
                   redirected: resp.redirected, headers, body: null};
      if (resp.body !== null) {
        try { out.body = await resp.text(); } catch (e) { out.body_error = e.name + ": " + e.message; }
      }
      return out;
    } catch (e) {
      return {outcome: ac.signal.aborted ? "timeout" : "network-error", error: e.name, message: e.message};
    } finally {
      clearTimeout(timer);
    }
  }
  (async () => {
    const results = [];
    const t0 = performance.now();
    for (let i = 0; i < F.steps.length; i++) {
      const s = F.steps[i];
      const wait = t0 + (s.time || 0) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      await post(`/__fid/${F.batch}/begin/${F.idx}/${i}`, {});
      console.log(`FIDSTEP ${F.batch} ${F.idx} ${i}`);
      const st = performance.now();
      const r = await runStep(s.request);
      r.ms = performance.now() - st;
      r.at = (st - t0) / 1000;
      results.push(r);
    }
    console.log(`FIDEND ${F.batch} ${F.idx}`);
    const total = performance.now() - t0;
    await post(`/__fid/${F.batch}/result/${F.idx}`,
               {results, ua: navigator.userAgent, origin: self.origin, total_ms: total});
    if (F.opaque) parent.postMessage({fidNext: F.next}, "*");
    else location.replace(F.next);
  })();
})();
