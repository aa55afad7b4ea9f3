import http from 'node:http';
import net from 'node:net';

export type PoolName = 'api' | 'realtime' | 'web';

export interface Target {
  host: string;
  port: number;
}

export interface BalancerOptions {
  host: string;
  port: number;
  pools: Record<PoolName, Target[]>;
  /**
   * A WebSocket upgrade whose instance has not started answering within this is given up on, and the
   * instance is treated as failed: the next one is tried. Default 2 s.
   */
  upgradeTimeoutMs?: number;
  /**
   * Share the port with other balancer processes (SO_REUSEPORT: the kernel spreads connections over them),
   * as nginx's worker processes do: a crowd of sockets larger than one process's descriptor limit.
   */
  reusePort?: boolean;
  /** How long an idle client keep-alive connection stays open (Node's default: 5 s). */
  keepAliveTimeoutMs?: number;
}

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

/** What the balancer's own process (balancer-process.ts) prints once it listens. */
export const LISTENING_LINE = 'balancer listening';

/** The same split as infra/nginx/nginx.conf (test/balancer.test.ts holds the two together). */
export const API_PATH = /^\/((v1|docs)(\/|$)|(health|ready)$)/;

export function poolFor(pathname: string): PoolName {
  if (pathname === '/ws') return 'realtime';
  return API_PATH.test(pathname) ? 'api' : 'web';
}

const MAX_BODY_BYTES = 1024 * 1024;
/** A target that refused a connection is tried last for this long, as nginx's fail_timeout. */
const FAIL_TIMEOUT_MS = 5_000;
const UPGRADE_TIMEOUT_MS = 2_000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Round robin, with targets that recently refused connections moved to the back. */
class Pool {
  private turn = 0;
  private readonly failedAt = new Map<Target, number>();

  constructor(private readonly targets: Target[]) {}

  order(): Target[] {
    const healthy = this.targets.filter((target) => Date.now() - (this.failedAt.get(target) ?? 0) > FAIL_TIMEOUT_MS);
    const failed = this.targets.filter((target) => !healthy.includes(target));
    const start = healthy.length === 0 ? 0 : this.turn++ % healthy.length;
    return [...healthy.slice(start), ...healthy.slice(0, start), ...failed];
  }

  markFailed(target: Target): void {
    this.failedAt.set(target, Date.now());
  }
}

function forwardedFor(request: http.IncomingMessage): string {
  const previous = request.headers['x-forwarded-for'];
  const client = request.socket.remoteAddress ?? '';
  return previous === undefined ? client : `${String(previous)}, ${client}`;
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * A small reverse proxy for the local cluster: HTTP round-robins over a pool (a request refused by one
 * instance goes to the next, as nginx's proxy_next_upstream), and WebSocket upgrades are piped to one
 * instance for the socket's life. An upgrade that an instance accepts but does not answer within
 * `upgradeTimeoutMs` goes to the next one, as nginx's proxy_connect/read timeouts with proxy_next_upstream.
 */
export async function startBalancer(options: BalancerOptions): Promise<Balancer> {
  const pools = Object.fromEntries(Object.entries(options.pools).map(([name, targets]) => [name, new Pool(targets)])) as Record<
    PoolName,
    Pool
  >;
  const agents = new Map<Target, http.Agent>();
  const agentFor = (target: Target) => agents.get(target) ?? agents.set(target, new http.Agent({ keepAlive: true })).get(target)!;
  const sockets = new Set<net.Socket>();
  const pathOf = (request: http.IncomingMessage) => new URL(request.url ?? '/', 'http://balancer').pathname;

  const server = http.createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const pool = pools[poolFor(pathOf(request))];
      for (const target of pool.order()) {
        const outcome = await forward(request, body, response, target, agentFor(target));
        if (outcome !== 'refused') return;
        pool.markFailed(target);
      }
      response.writeHead(502, { 'content-type': 'text/plain' }).end('no instance of the pool answers\n');
    })().catch(() => response.destroy());
  });

  server.on('upgrade', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const pool = pools[poolFor(pathOf(request))];
    const upgradeTimeoutMs = options.upgradeTimeoutMs ?? UPGRADE_TIMEOUT_MS;
    // A frozen instance (SIGSTOP, a stuck event loop) still accepts TCP connections, as its kernel does the
    // accepting: only an answer to the upgrade request shows it is alive. Nothing was answered yet, so
    // sending the same upgrade to the next instance is safe.
    const tryNext = (targets: Target[]) => {
      const [target, ...rest] = targets;
      if (client.destroyed) return;
      if (target === undefined) {
        client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
        return;
      }
      const upstream = net.connect(target.port, target.host);
      let answered = false;
      const giveUp = () => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        client.off('close', abandon);
        upstream.destroy();
        pool.markFailed(target);
        tryNext(rest);
      };
      const abandon = () => {
        clearTimeout(timer);
        upstream.destroy();
      };
      const timer = setTimeout(giveUp, upgradeTimeoutMs);
      client.once('close', abandon);
      upstream.on('error', giveUp);
      upstream.once('connect', () => {
        upstream.write(upgradeRequest(request));
        if (head.length > 0) upstream.write(head);
      });
      upstream.once('data', (first: Buffer) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.write(first);
        upstream.pipe(client).pipe(upstream);
      });
    };
    tryNext(pool.order());
  });

  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, reusePort: options.reusePort ?? false }, resolve);
  });
  return {
    url: `http://${options.host}:${options.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const agent of agents.values()) agent.destroy();
    },
  };
}

/** The client's upgrade request as raw HTTP/1.1, with X-Forwarded-For added. */
function upgradeRequest(request: http.IncomingMessage): string {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]!.toLowerCase() !== 'x-forwarded-for') lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  }
  lines.push(`X-Forwarded-For: ${forwardedFor(request)}`, '', '');
  return lines.join('\r\n');
}

/** 'refused' when the target could not be reached (safe to try another); 'done' once answered or failed mid-way. */
function forward(
  request: http.IncomingMessage,
  body: Buffer,
  response: http.ServerResponse,
  target: Target,
  agent: http.Agent,
): Promise<'done' | 'refused'> {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  headers['x-forwarded-for'] = forwardedFor(request);
  headers['x-forwarded-proto'] = 'http';
  headers['content-length'] = String(body.length);

  return new Promise((resolve) => {
    const upstream = http.request({ host: target.host, port: target.port, method: request.method, path: request.url, headers, agent });
    upstream.on('response', (answer) => {
      const passed: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(answer.rawHeaders[i]!.toLowerCase())) passed.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
      }
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, passed);
      answer.pipe(response);
      answer.on('end', () => resolve('done'));
      answer.on('error', () => {
        response.destroy();
        resolve('done');
      });
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (response.headersSent) {
        response.destroy();
        resolve('done');
      } else {
        // Refused: nothing reached the instance. A reset on an idle keep-alive socket: the request may not
        // have been read, but only a GET/HEAD is safe to send twice.
        const retriable = error.code === 'ECONNREFUSED' || (error.code === 'ECONNRESET' && /^(GET|HEAD)$/.test(request.method ?? ''));
        if (retriable) resolve('refused');
        else {
          response.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream error: ${error.code ?? error.message}\n`);
          resolve('done');
        }
      }
    });
    upstream.end(body);
  });
}
