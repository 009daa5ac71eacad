#!/usr/bin/env node
// A small CORS implementation in JavaScript, wired to cors-sim's shim protocol
// (docs/shim-protocol.md): one case per line of JSON on stdin, one answer per
// line on stdout. It models the common path of the Fetch standard (safelisted
// methods and headers, the preflight, the CORS check, exposed headers, no-cors
// and same-origin modes, redirects) and deliberately has no preflight cache, so
// `cors-sim conform` shows where it differs from a browser.
//
//   cargo run -- conform --shim "node examples/shim-node/cors-shim.js" spec-cases
'use strict';

const readline = require('readline');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'POST']);
const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const SAFE_RESPONSE = ['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma'];
const UNSAFE_BYTES = new Set('"():<>?@[\\]{}\x7f'.split(''));

function originOf(url) {
  const u = new URL(url);
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : 'null';
}

function get(headers, name) {
  const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim());
  return values.length ? values.join(', ') : null;
}

function isSafelistedHeader(name, value) {
  if (value.length > 128) return false;
  const hasUnsafe = [...value].some((c) => (c < ' ' && c !== '\t') || UNSAFE_BYTES.has(c));
  switch (name.toLowerCase()) {
    case 'accept':
      return !hasUnsafe;
    case 'accept-language':
    case 'content-language':
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case 'content-type': {
      if (hasUnsafe) return false;
      const m = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\/([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*(;.*)?$/.exec(value);
      if (!m) return false;
      const essence = (m[1] + '/' + m[2]).toLowerCase();
      return ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'].includes(essence);
    }
    case 'range': {
      const m = /^bytes=(\d+)-(\d*)$/.exec(value);
      return !!m && (m[2] === '' || BigInt(m[1]) <= BigInt(m[2]));
    }
    default:
      return false;
  }
}

function unsafeNames(headers) {
  const unsafe = [];
  const safe = [];
  let total = 0;
  for (const [n, v] of headers) {
    if (isSafelistedHeader(n, v)) { safe.push(n); total += v.length; } else unsafe.push(n);
  }
  if (total > 1024) unsafe.push(...safe);
  return [...new Set(unsafe.map((n) => n.toLowerCase()))].sort();
}

function tokens(value) {
  if (value === null) return [];
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.some((s) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s))) return null;
  return items;
}

function corsCheck(headers, origin, include) {
  const acao = get(headers, 'access-control-allow-origin');
  if (acao === null) return 'missing_allow_origin';
  if (!include && acao === '*') return null;
  if (headers.filter(([n]) => n.toLowerCase() === 'access-control-allow-origin').length > 1) return 'multiple_allow_origin';
  if (acao !== origin) return acao === '*' ? 'wildcard_origin_with_credentials' : 'allow_origin_mismatch';
  if (!include) return null;
  return get(headers, 'access-control-allow-credentials') === 'true' ? null : 'allow_credentials_not_true';
}

function route(stepRoutes, caseRoutes, method, url) {
  const strip = (u) => { const x = new URL(u); x.hash = ''; return x.href; };
  const target = strip(url);
  return [...stepRoutes, ...caseRoutes].find((r) => r.method === method && strip(r.url) === target);
}

function runStep(page, caseRoutes, step) {
  const req = step.request;
  const received = [];
  const fail = (reason) => ({ outcome: 'network-error', reason, server_received: received });
  let method = req.method || 'GET';
  if (NORMALIZED.includes(method.toUpperCase())) method = method.toUpperCase();
  if (/^(CONNECT|TRACE|TRACK)$/i.test(method)) return fail('forbidden_method');
  const mode = req.mode || 'cors';
  const credentials = req.credentials || 'same-origin';
  const include = credentials === 'include';
  let headers = (req.headers || []).filter(([n]) => !/^(cookie|origin|host|referer|content-length|sec-.*|proxy-.*)$/i.test(n));
  if (!headers.some(([n]) => n.toLowerCase() === 'accept')) headers.push(['Accept', '*/*']);
  let url = req.url;
  let tainting = 'basic';
  for (let hop = 0; hop <= 20; hop++) {
    const sameOrigin = originOf(url) === page && tainting === 'basic';
    if (!sameOrigin) {
      if (mode === 'same-origin') return fail('disallowed_by_mode');
      tainting = mode === 'no-cors' ? 'opaque' : 'cors';
    }
    const names = unsafeNames(headers);
    if (tainting === 'cors' && (!SAFE_METHODS.has(method) || names.length || req.use_cors_preflight)) {
      const pre = [['Accept', '*/*'], ['Access-Control-Request-Method', method]];
      if (names.length) pre.push(['Access-Control-Request-Headers', names.join(',')]);
      pre.push(['Origin', page]);
      received.push({ method: 'OPTIONS', url, headers: pre, credentials: false });
      const r = route(step.server || [], caseRoutes, 'OPTIONS', url);
      if (!r) return { error: `no route for OPTIONS ${url}` };
      const rh = r.headers || [];
      const check = corsCheck(rh, page, include);
      if (check) return fail('preflight_' + check);
      if (r.status < 200 || r.status > 299) return fail('preflight_invalid_status');
      const methods = tokens(get(rh, 'access-control-allow-methods'));
      if (methods === null) return fail('invalid_allow_methods');
      const allowed = tokens(get(rh, 'access-control-allow-headers'));
      if (allowed === null) return fail('invalid_allow_headers');
      if (!SAFE_METHODS.has(method) && !methods.includes(method) && (include || !methods.includes('*'))) return fail('method_not_allowed');
      const lower = allowed.map((h) => h.toLowerCase());
      for (const n of names) {
        const star = !include && lower.includes('*') && n !== 'authorization';
        if (!lower.includes(n) && !star) return fail('header_not_allowed');
      }
    }
    const sent = [...headers];
    if (tainting === 'cors' || !['GET', 'HEAD'].includes(method)) sent.push(['Origin', page]);
    const cookies = include || (credentials === 'same-origin' && tainting === 'basic');
    received.push({ method, url, headers: sent, credentials: cookies });
    const r = route(step.server || [], caseRoutes, method, url);
    if (!r) return { error: `no route for ${method} ${url}` };
    const rh = r.headers || [];
    if (tainting === 'cors') {
      const check = corsCheck(rh, page, include);
      if (check) return fail(check);
    }
    const location = get(rh, 'location');
    if ([301, 302, 303, 307, 308].includes(r.status) && location !== null) {
      if (req.redirect === 'error') return fail('redirect_not_allowed');
      if (req.redirect === 'manual') {
        return { outcome: 'exposed', server_received: received, response: { type: 'opaqueredirect', status: 0, headers: [], body: null } };
      }
      if (hop === 20) return fail('too_many_redirects');
      if ((r.status === 303 && method !== 'GET' && method !== 'HEAD') || ([301, 302].includes(r.status) && method === 'POST')) {
        method = 'GET';
        headers = headers.filter(([n]) => !/^content-(type|language|encoding|location)$/i.test(n));
      }
      url = new URL(location, url).href;
      continue;
    }
    if (tainting === 'opaque') {
      return { outcome: 'exposed', server_received: received, response: { type: 'opaque', status: 0, headers: [], body: null } };
    }
    let visible = rh.filter(([n]) => !/^set-cookie2?$/i.test(n));
    if (tainting === 'cors') {
      const listed = (tokens(get(rh, 'access-control-expose-headers')) || []).map((h) => h.toLowerCase());
      const all = !include && listed.includes('*');
      visible = visible.filter(([n]) => all || SAFE_RESPONSE.includes(n.toLowerCase()) || listed.includes(n.toLowerCase()));
    }
    const body = method === 'HEAD' || [101, 103, 204, 205, 304].includes(r.status) ? null : (r.body || '');
    return { outcome: 'exposed', server_received: received, response: { type: tainting, status: r.status, headers: visible.map(([n, v]) => [n, v.trim()]), body } };
  }
  return fail('too_many_redirects');
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const c = JSON.parse(line);
  if (c.page === 'null') {
    process.stdout.write(JSON.stringify({ id: c.id, skip: 'opaque page origins are not modelled' }) + '\n');
    return;
  }
  const steps = [];
  for (const step of c.steps) {
    const obs = runStep(c.page, c.server || [], step);
    if (obs.error) {
      process.stdout.write(JSON.stringify({ id: c.id, skip: obs.error }) + '\n');
      return;
    }
    steps.push(obs);
  }
  process.stdout.write(JSON.stringify({ id: c.id, steps }) + '\n');
});
