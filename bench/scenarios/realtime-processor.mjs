/**
 * Hooks for realtime-connect.yml. Artillery's WebSocket engine has no notion of a reply to wait for
 * or of message latency, so the subscribe handshake and its timing are done here, reported as custom
 * metrics (`ensure` can hold them to thresholds like any built-in one).
 */

const SUBSCRIBE_TIMEOUT_MS = 10_000;

/** Runs just before the socket is opened: the start of `livecart.connect_ms`. */
export function markConnectStart(_wsArgs, context, done) {
  context.vars.connectStartedAt = performance.now();
  done();
}

/** Subscribes to the catalog, a category and a product, and resolves on `subscribed`. */
export async function subscribe(context, events) {
  const ws = context.ws;
  const opened = performance.now();
  if (typeof context.vars.connectStartedAt === 'number') events.emit('histogram', 'livecart.connect_ms', opened - context.vars.connectStartedAt);
  const topics = ['catalog', `category:${context.vars.category}`, `product:${context.vars.id}`];
  await new Promise((resolve, reject) => {
    const finish = (error) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onMessage = (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'subscribed') finish();
      else if (message.type === 'error') finish(new Error(`subscribe refused: ${message.code}`));
    };
    const onClose = (code) => finish(new Error(`closed with ${code} before subscribed`));
    const timer = setTimeout(() => finish(new Error(`no subscribed within ${SUBSCRIBE_TIMEOUT_MS} ms`)), SUBSCRIBE_TIMEOUT_MS);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(JSON.stringify({ type: 'subscribe', topics }));
  });
  events.emit('histogram', 'livecart.subscribe_ms', performance.now() - opened);
  events.emit('counter', 'livecart.subscribed', 1);
  ws.on('message', (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"event"')) events.emit('counter', 'livecart.events_received', 1);
    else if (text.startsWith('{"type":"batch"')) events.emit('counter', 'livecart.events_received', JSON.parse(text).events.length);
  });
}
