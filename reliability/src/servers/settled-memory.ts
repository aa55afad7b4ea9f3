import WebSocket from 'ws';

/** What a process holds once a full garbage collection has run, in bytes. */
export interface SettledMemory {
  rss: number;
  /** Live objects of the JavaScript heap. */
  heapUsed: number;
  /** Memory outside that heap held by JavaScript objects (Buffers, streams' native state…), as V8 knows it. */
  external: number;
}

/** The line Node prints at startup with `--inspect`; the address names the process's inspector session. */
const INSPECTOR_LINE = /Debugger listening on (ws:\/\/\S+)/;

/** The inspector address in one output line of a process started with `--inspect`, if the line is that one. */
export function inspectorUrlIn(line: string): string | undefined {
  return INSPECTOR_LINE.exec(line)?.[1];
}

/**
 * Runs a full garbage collection in the process behind `inspectorUrl` (Chrome DevTools Protocol,
 * `HeapProfiler.collectGarbage`: V8 collects until nothing more is freed) and then reads its memory.
 *
 * RSS alone cannot tell a leak from headroom: V8 lets garbage pile up to limits of its own choosing
 * (Node 26 lets the young generation reach 64 MB and the old one several times its live size before
 * collecting) and the C allocator keeps freed pages. What a full collection leaves is what the process
 * still references. The session is closed before this resolves: Node waits for a debugger still
 * attached when it exits.
 */
export async function settledMemory(inspectorUrl: string, timeoutMs = 30_000): Promise<SettledMemory> {
  const socket = new WebSocket(inspectorUrl);
  const replies = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const reply of replies.values()) reply.reject(error);
    replies.clear();
  };
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown; error?: { message: string } };
    const reply = message.id === undefined ? undefined : replies.get(message.id);
    if (reply === undefined || message.id === undefined) return;
    replies.delete(message.id);
    if (message.error !== undefined) reply.reject(new Error(`inspector: ${message.error.message}`));
    else reply.resolve(message.result);
  });
  socket.on('error', (error) => failAll(error));
  socket.on('close', () => failAll(new Error('the inspector session closed')));
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      replies.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });

  const timer = setTimeout(() => socket.terminate(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    await call('HeapProfiler.collectGarbage');
    const evaluated = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
      result: { value: string };
    };
    const usage = JSON.parse(evaluated.result.value) as NodeJS.MemoryUsage;
    return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
