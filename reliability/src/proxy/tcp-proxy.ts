import net from 'node:net';

/**
 * - `pass`: bytes flow both ways.
 * - `stall`: nothing is forwarded and nothing is closed, like a network path that silently stops
 *   delivering; new connections are accepted and held the same way. Going back to `pass` delivers what
 *   was held back.
 * - `refuse`: the listener is closed, so new connections get ECONNREFUSED; open ones keep passing.
 */
export type ProxyMode = 'pass' | 'stall' | 'refuse';

export interface TcpProxyOptions {
  /** Names the proxy in errors, e.g. `api→postgres`. */
  name: string;
  target: { host: string; port: number };
  host?: string;
  /** 0 (the default): a free port chosen by the OS, kept for the proxy's whole life. */
  port?: number;
}

export interface ProxyStats {
  /** Client connections accepted since the start. */
  accepted: number;
  /** Connection pairs open right now. */
  open: number;
  /** Connections cut by `reset()`. */
  reset: number;
  /** Accepted connections closed at once because the target did not accept them (e.g. it is down). */
  targetRefused: number;
}

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  forwarding: boolean;
}

/**
 * A TCP proxy placed between a service and what it depends on, to inject network faults: stall,
 * reset and refuse, and to count connections. Closing either side of a pair closes the other.
 */
export class TcpProxy {
  readonly name: string;
  readonly host: string;
  private listenPort: number;
  private server: net.Server | undefined;
  private currentMode: ProxyMode = 'pass';
  private readonly links = new Set<Link>();
  private readonly counters = { accepted: 0, reset: 0, targetRefused: 0 };

  private constructor(private readonly options: TcpProxyOptions) {
    this.name = options.name;
    this.host = options.host ?? '127.0.0.1';
    this.listenPort = options.port ?? 0;
  }

  static async start(options: TcpProxyOptions): Promise<TcpProxy> {
    const proxy = new TcpProxy(options);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  get mode(): ProxyMode {
    return this.currentMode;
  }

  get target(): { host: string; port: number } {
    return this.options.target;
  }

  /** `url` with its host and port replaced by the proxy's: what a service behind the proxy connects to. */
  rewrite(url: string): string {
    const rewritten = new URL(url);
    rewritten.hostname = this.host;
    rewritten.port = String(this.listenPort);
    return rewritten.toString();
  }

  stats(): ProxyStats {
    return { ...this.counters, open: this.links.size };
  }

  /** Forwards again; what a stall held back is delivered first. */
  async pass(): Promise<void> {
    await this.setMode('pass');
  }

  async stall(): Promise<void> {
    await this.setMode('stall');
  }

  async refuse(): Promise<void> {
    await this.setMode('refuse');
  }

  /** Cuts every open connection with a TCP reset; returns how many pairs were cut. */
  reset(): number {
    const cut = this.links.size;
    for (const link of [...this.links]) this.drop(link, true);
    this.counters.reset += cut;
    return cut;
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    for (const link of [...this.links]) this.drop(link, false);
    await this.unlisten();
  }

  private async setMode(mode: ProxyMode): Promise<void> {
    const previous = this.currentMode;
    this.currentMode = mode;
    if (mode === 'refuse' && previous !== 'refuse') await this.unlisten();
    if (mode !== 'refuse' && previous === 'refuse') await this.listen();
    for (const link of this.links) this.applyMode(link);
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`proxy ${this.name} cannot listen on ${this.host}:${this.listenPort}: ${error.message}`)));
      server.listen(this.listenPort, this.host, () => {
        const address = server.address();
        if (typeof address === 'object' && address !== null) this.listenPort = address.port;
        resolve();
      });
    });
  }

  /** Closes the listening socket only: open connections are not waited for (close() would). */
  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      // close() calls back once every connection is gone; the port itself is released at once.
      setImmediate(resolve);
    });
  }

  private accept(client: net.Socket): void {
    this.counters.accepted++;
    client.setNoDelay(true);
    const upstream = net.connect({ host: this.options.target.host, port: this.options.target.port, noDelay: true });
    const link: Link = { client, upstream, forwarding: false };
    this.links.add(link);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.applyMode(link);
    });
    upstream.on('error', () => {
      if (!connected) this.counters.targetRefused++;
      this.drop(link, true);
    });
    client.on('error', () => this.drop(link, true));
    upstream.on('close', () => this.drop(link, false));
    client.on('close', () => this.drop(link, false));
    // Nothing is read until the target is connected and the mode allows it.
    client.pause();
    this.applyMode(link);
  }

  private applyMode(link: Link): void {
    if (!this.links.has(link) || link.upstream.connecting) return;
    const forward = this.currentMode !== 'stall';
    if (forward === link.forwarding) return;
    link.forwarding = forward;
    if (forward) {
      link.client.pipe(link.upstream);
      link.upstream.pipe(link.client);
    } else {
      link.client.unpipe(link.upstream);
      link.upstream.unpipe(link.client);
      link.client.pause();
      link.upstream.pause();
    }
  }

  /** Hard: a TCP reset on both sides. Soft: what was already forwarded is flushed, then a normal close. */
  private drop(link: Link, hard: boolean): void {
    if (!this.links.delete(link)) return;
    for (const socket of [link.client, link.upstream]) {
      if (socket.destroyed) continue;
      if (hard && !socket.connecting) socket.resetAndDestroy();
      else if (hard) socket.destroy();
      else closeAfterFlush(socket);
    }
  }
}

const FLUSH_GRACE_MS = 1_000;

function closeAfterFlush(socket: net.Socket): void {
  const timer = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(() => socket.destroy());
}
