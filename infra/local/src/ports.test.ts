import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePort } from './ports.js';

const PORT_RANGE = '/proc/sys/net/ipv4/ip_local_port_range';

describe('findFreePort', () => {
  it.runIf(existsSync(PORT_RANGE))('returns ports that can be listened on, below the range the kernel gives outgoing connections', async () => {
    const low = Number(readFileSync(PORT_RANGE, 'utf8').trim().split(/\s+/)[0]);
    for (let i = 0; i < 20; i++) {
      const port = await findFreePort();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(low);
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  });

  it('never hands out the same port twice in a row of requests made before anything listens', async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => findFreePort()));
    expect(new Set(ports).size).toBe(ports.length);
  });
});
