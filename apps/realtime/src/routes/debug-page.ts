import { SUBPROTOCOL_JSON } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';

/** A page to poke the service by hand: connect, subscribe, watch events arrive. No build step, no assets. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>livecart realtime</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; max-width: 60rem; }
  input { width: 28rem; } button { margin-left: .25rem; }
  #state { font-weight: bold; } #log { font: 12px ui-monospace, monospace; white-space: pre-wrap;
  background: #f4f4f4; padding: .5rem; height: 32rem; overflow: auto; }
</style>
</head>
<body>
<h1>livecart realtime</h1>
<p>State: <span id="state">disconnected</span> · last seq: <span id="seq">-</span>
  <button id="connect">Connect</button><button id="disconnect">Disconnect</button></p>
<p><input id="topics" value="catalog" aria-label="topics (comma-separated)">
  <button id="subscribe">Subscribe</button><button id="unsubscribe">Unsubscribe</button>
  <label><input type="checkbox" id="resume" style="width:auto" checked> resume from last seq</label></p>
<div id="log"></div>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let ws = null;
  let lastSeq = null;
  const log = (line) => {
    const el = $('log');
    el.textContent = new Date().toISOString().slice(11, 23) + ' ' + line + '\\n' + el.textContent.slice(0, 50000);
  };
  const setState = (s) => { $('state').textContent = s; };
  const seen = (event) => { lastSeq = event.seq; $('seq').textContent = String(lastSeq); };
  const topics = () => $('topics').value.split(',').map((t) => t.trim()).filter(Boolean);
  const send = (message) => { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(message)); log('→ ' + JSON.stringify(message)); } };
  $('connect').onclick = () => {
    if (ws) return;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    ws = new WebSocket(url, '${SUBPROTOCOL_JSON}');
    setState('connecting');
    ws.onopen = () => setState('open');
    ws.onclose = (e) => { setState('closed ' + e.code + (e.reason ? ' ' + e.reason : '')); ws = null; };
    ws.onmessage = (e) => {
      const message = JSON.parse(e.data);
      if (message.type === 'event') seen(message.event);
      if (message.type === 'batch') message.events.forEach(seen);
      log('← ' + e.data);
    };
  };
  $('disconnect').onclick = () => ws && ws.close(1000, 'bye');
  $('subscribe').onclick = () => {
    const message = { type: 'subscribe', topics: topics() };
    if ($('resume').checked && lastSeq !== null) message.since = lastSeq;
    send(message);
  };
  $('unsubscribe').onclick = () => send({ type: 'unsubscribe', topics: topics() });
})();
</script>
</body>
</html>
`;

export async function debugPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}
