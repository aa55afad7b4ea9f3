import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findFreePort } from '@livecart/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { forkBalancer } from '../cluster/balancer-child.js';
import { poolFor, startBalancer, type Balancer } from '../cluster/balancer.js';
import { readNginxConf } from './support/nginx-conf.js';

/** Where infra/nginx/nginx.conf sends a path: exact locations, then regex ones, then `/`. */
function nginxPoolFor(path: string): string | undefined {
  const { locations } = readNginxConf();
  const regex = [...locations].find(([matcher]) => matcher.startsWith('~') && new RegExp(matcher.slice(1).trim()).test(path));
  const directives = locations.get(`= ${path}`) ?? regex?.[1] ?? locations.get('/') ?? [];
  return /^proxy_pass http:\/\/(\w+)$/.exec(directives.find((d) => d.startsWith('proxy_pass')) ?? '')?.[1];
}

describe('cluster balancer', () => {
  it('routes every path as the compose nginx does', () => {
    const paths = ['/ws', '/v1/products', '/v1', '/docs', '/docs/json', '/health', '/ready', '/', '/products/abc', '/api/products', '/v10', '/healthz', '/wsx'];
    for (const path of paths) expect(poolFor(path), path).toBe(nginxPoolFor(path));
  });

  describe('with two api instances, one of them down', () => {
    const servers: http.Server[] = [];
    let balancer: Balancer;
    let deadPort: number;

    beforeAll(async () => {
      const instance = (name: string) =>
        new Promise<http.Server>((resolve) => {
          const server = http.createServer((request, response) => response.end(`${name} ${request.method} ${request.url}`));
          new WebSocketServer({ server }).on('connection', (socket) => socket.send(`hello from ${name}`));
          server.listen(0, '127.0.0.1', () => resolve(server));
        });
      servers.push(await instance('a'), await instance('b'));
      deadPort = await findFreePort();
      const target = (server: http.Server) => ({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      balancer = await startBalancer({
        host: '127.0.0.1',
        port: await findFreePort(),
        pools: {
          api: [target(servers[0]!), { host: '127.0.0.1', port: deadPort }, target(servers[1]!)],
          realtime: [{ host: '127.0.0.1', port: deadPort }, target(servers[1]!)],
          web: [target(servers[0]!)],
        },
      });
    });

    afterAll(async () => {
      await balancer.close();
      for (const server of servers) server.close();
    });

    it('spreads requests round robin and sends the one refused by a dead instance to the next', async () => {
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await (await fetch(`${balancer.url}/v1/x`, { method: 'POST', body: '{}' })).text());
      expect(answers.filter((answer) => answer === 'a POST /v1/x')).toHaveLength(3);
      expect(answers.filter((answer) => answer === 'b POST /v1/x')).toHaveLength(3);
    });

    it('pipes a WebSocket upgrade to a live instance of the realtime pool', async () => {
      for (let i = 0; i < 2; i += 1) {
        const socket = new WebSocket(`${balancer.url.replace('http', 'ws')}/ws`);
        const greeting = await new Promise<string>((resolve, reject) => {
          socket.once('message', (data) => resolve(String(data)));
          socket.once('error', reject);
        });
        socket.close();
        expect(greeting).toBe('hello from b');
      }
    });
  });

  describe('with a realtime instance frozen (SIGSTOP)', () => {
    let live: http.Server;
    let frozen: ChildProcess;
    let balancer: Balancer;

    beforeAll(async () => {
      live = await new Promise<http.Server>((resolve) => {
        const server = http.createServer();
        new WebSocketServer({ server }).on('connection', (socket) => socket.send('hello from live'));
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
      const frozenPort = await findFreePort();
      // A real process whose listen socket the kernel keeps accepting on while the process is stopped.
      frozen = spawn(
        process.execPath,
        ['-e', `require('node:http').createServer((q, r) => r.end()).listen(${frozenPort}, '127.0.0.1', () => console.log('up'))`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await once(frozen.stdout!, 'data');
      frozen.kill('SIGSTOP');
      balancer = await startBalancer({
        host: '127.0.0.1',
        port: await findFreePort(),
        pools: {
          api: [],
          realtime: [{ host: '127.0.0.1', port: frozenPort }, { host: '127.0.0.1', port: (live.address() as AddressInfo).port }],
          web: [],
        },
        upgradeTimeoutMs: 1_500,
      });
    });

    afterAll(async () => {
      await balancer.close();
      live.close();
      frozen.kill('SIGKILL');
    });

    it('gives up on an upgrade the frozen instance accepts but never answers, and hands it to the live one', async () => {
      const greetings: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const startedAt = Date.now();
        const socket = new WebSocket(`${balancer.url.replace('http', 'ws')}/ws`, { handshakeTimeout: 5_000 });
        greetings.push(
          await new Promise<string>((resolve, reject) => {
            socket.once('message', (data) => resolve(String(data)));
            socket.once('error', reject);
          }),
        );
        socket.close();
        // At most one wait for the frozen instance; then it stays at the back of the pool.
        expect(Date.now() - startedAt).toBeLessThan(i === 0 ? 4_000 : 1_200);
      }
      expect(greetings).toEqual(Array(4).fill('hello from live'));
    });
  });

  it('shares its port with another balancer process only with reusePort, and keeps idle connections as long as told', async () => {
    const server = await new Promise<http.Server>((resolve) => {
      const made = http.createServer((request, response) => response.end('up'));
      made.listen(0, '127.0.0.1', () => resolve(made));
    });
    const pools = { api: [{ host: '127.0.0.1', port: (server.address() as AddressInfo).port }], realtime: [], web: [] };
    const port = await findFreePort();
    const first = await startBalancer({ host: '127.0.0.1', port, pools, reusePort: true, keepAliveTimeoutMs: 60_000 });
    try {
      const answer = await fetch(`${first.url}/v1/x`);
      expect(await answer.text()).toBe('up');
      expect(answer.headers.get('keep-alive')).toBe('timeout=60');
      await expect(startBalancer({ host: '127.0.0.1', port, pools })).rejects.toThrow(/EADDRINUSE/);
      const second = await startBalancer({ host: '127.0.0.1', port, pools, reusePort: true });
      try {
        for (let i = 0; i < 4; i += 1) expect(await (await fetch(`${first.url}/v1/x`)).text()).toBe('up');
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      server.close();
    }
  });
});

describe('the balancer as a process of its own', () => {
  it('listens once forked, proxies, and is gone once closed', async () => {
    const server = http.createServer((request, response) => response.end(`api ${request.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    const balancer = await forkBalancer({ host: '127.0.0.1', port: await findFreePort(), pools: { api: [target], realtime: [], web: [] } });
    try {
      expect(balancer.process.pid).not.toBe(process.pid);
      expect(await (await fetch(`${balancer.url}/v1/x`)).text()).toBe('api /v1/x');
    } finally {
      await balancer.close();
      server.close();
    }
    expect(await balancer.process.exited).toBe(0);
    await expect(fetch(`${balancer.url}/v1/x`)).rejects.toThrow();
  });
});
