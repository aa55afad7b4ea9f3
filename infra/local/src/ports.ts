import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/** Where findFreePort looks first: registered-port space no browser or common server uses by default. */
const LOWEST_PORT = 20_000;

/**
 * The first port the kernel hands out as the local end of outgoing connections (Linux's
 * ip_local_port_range; elsewhere 32768, below the BSDs' and macOS's 49152).
 */
function ephemeralFloor(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Binds `port` (0: any) on 127.0.0.1 for a moment; the port it got, or undefined when taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' && port !== 0 ? resolve(undefined) : reject(error)));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (bound === undefined ? reject(new Error('the OS returned no port')) : resolve(bound)));
    });
  });
}

/**
 * A port free right now on 127.0.0.1, chosen below the kernel's ephemeral range when there is room.
 * A port from that range (what listening on 0 returns) can be taken in the meantime as the local end
 * of any process's outgoing connection: a server restarted on its old port, or started a moment after
 * the port was chosen, then fails with EADDRINUSE, which thousands of load-test sockets made likely.
 */
export async function findFreePort(): Promise<number> {
  const ceiling = ephemeralFloor();
  if (ceiling - LOWEST_PORT >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const candidate = LOWEST_PORT + Math.floor(Math.random() * (ceiling - LOWEST_PORT));
      if (handedOut.has(candidate)) continue;
      // Taken before the check, so that concurrent callers cannot both get it.
      remember(candidate);
      if ((await tryPort(candidate)) !== undefined) return candidate;
      handedOut.delete(candidate);
    }
  }
  const port = await tryPort(0);
  if (port === undefined) throw new Error('the OS returned no port');
  return remember(port);
}

/**
 * Ports this process handed out lately. Callers often ask for several before starting anything on
 * them (a cluster's five servers): each must differ from the others, though all are free when asked.
 */
const handedOut = new Set<number>();
const HANDED_OUT_KEPT = 1_000;

function remember(port: number): number {
  handedOut.add(port);
  if (handedOut.size > HANDED_OUT_KEPT) handedOut.delete(handedOut.values().next().value!);
  return port;
}

export function isPortOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function assertPortFree(port: number, label: string): Promise<void> {
  if (await isPortOpen(port)) {
    throw new Error(`${label}: port ${port} on 127.0.0.1 is already in use by another program`);
  }
}
