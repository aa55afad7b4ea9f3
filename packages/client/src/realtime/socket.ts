/**
 * The part of a WebSocket the client uses. The browser's `WebSocket`, Node's global one (Node 22+) and the
 * `ws` package's all fit, so any of them can be passed as `RealtimeClientOptions.WebSocket`; tests pass a fake.
 */
export interface RealtimeSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number }> | null;
  onerror: Handler<unknown> | null;
}

/**
 * Handlers are declared as methods so that a socket whose handlers take a richer event (the DOM's
 * `MessageEvent`, `ws`'s `WebSocket.MessageEvent`) still fits: method parameters compare bivariantly.
 */
type Handler<E> = { handle(event: E): void }['handle'];

export type RealtimeSocketConstructor = new (url: string, protocols?: string | string[]) => RealtimeSocket;

/** The platform's WebSocket: every browser's, and Node's global one. */
export function platformWebSocket(): RealtimeSocketConstructor {
  const constructor = (globalThis as { WebSocket?: RealtimeSocketConstructor }).WebSocket;
  if (constructor === undefined) throw new Error('no global WebSocket here: pass the WebSocket option (e.g. the `ws` package)');
  return constructor;
}
