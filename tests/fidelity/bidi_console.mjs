// Driverless WebDriver BiDi client for Firefox's built-in remote agent:
// opens a session, subscribes to console/log entries, navigates to URL and
// writes every event, one JSON object a line, to OUTFILE until killed.
// usage: node --experimental-websocket bidi_console.mjs PORT URL OUTFILE
// (Node 22+ has WebSocket without the flag.)
import fs from "node:fs";
const [port, url, outfile] = process.argv.slice(2);
const out = fs.createWriteStream(outfile);
let ws = null;
for (let i = 0; i < 300 && !ws; i++) {
  try {
    const w = new WebSocket(`ws://127.0.0.1:${port}/session`);
    await new Promise((res, rej) => { w.onopen = res; w.onerror = rej; });
    ws = w;
  } catch { await new Promise((r) => setTimeout(r, 100)); }
}
if (!ws) { console.error("bidi: no remote agent on port " + port); process.exit(2); }
let id = 0;
const pending = new Map();
const send = (method, params = {}) => new Promise((res, rej) => {
  const i = ++id; pending.set(i, {res, rej});
  ws.send(JSON.stringify({id: i, method, params}));
});
ws.onmessage = (ev) => {
  const m = JSON.parse(ev.data);
  if (m.id && pending.has(m.id)) {
    const p = pending.get(m.id); pending.delete(m.id);
    m.type === "error" ? p.rej(new Error(m.error + ": " + m.message)) : p.res(m.result);
    return;
  }
  if (m.type === "event" && m.method === "log.entryAdded") {
    const p = m.params;
    out.write(JSON.stringify({level: p.level, type: p.type, text: p.text, t: p.timestamp}) + "\n");
  }
};
ws.onclose = () => out.end(() => process.exit(0));
process.on("SIGTERM", () => out.end(() => process.exit(0)));
await send("session.new", {capabilities: {}});
await send("session.subscribe", {events: ["log.entryAdded"]});
const tree = await send("browsingContext.getTree", {});
await send("browsingContext.navigate", {context: tree.contexts[0].context, url, wait: "none"});
console.error("bidi: navigated");
