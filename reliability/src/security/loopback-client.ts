import { Agent, request } from 'node:http';
import type { HttpCall, HttpResult } from '../launch/http.js';

/**
 * HTTP from one chosen loopback address (127.0.0.2, 127.0.0.3, …): the api sees each client as its
 * own IP, so several per-IP limit checks can share one pair of instances without sharing budgets.
 */
export class LoopbackClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });

  constructor(readonly address: string) {
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) throw new Error(`not a loopback address: ${address}`);
  }

  send(url: string, call: HttpCall = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...call.headers };
    let body: string | undefined;
    if (typeof call.body === 'string') body = call.body;
    else if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] ??= 'application/json';
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method: call.method ?? 'GET', headers, agent: this.agent, localAddress: this.address, timeout: call.timeoutMs ?? 30_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({ status: response.statusCode ?? 0, headers: received, text, json });
        });
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${call.method ?? 'GET'} ${url} timed out`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
