import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerLane } from './server-lane.js';

const request = {} as IncomingMessage;
const response = {} as ServerResponse;

/** A logger that keeps what `error` was given. */
function recordingLog(): { log: FastifyBaseLogger; errors: unknown[][] } {
  const errors: unknown[][] = [];
  return { log: { error: (...args: unknown[]) => errors.push(args) } as unknown as FastifyBaseLogger, errors };
}

describe('ServerLane', () => {
  it('hands every request on until a handler is installed, then asks the handler', () => {
    const lane = new ServerLane();
    expect(lane.serve(request, response)).toBe(false);
    const seen: IncomingMessage[] = [];
    lane.install((req) => {
      seen.push(req);
      return true;
    }, recordingLog().log);
    expect(lane.serve(request, response)).toBe(true);
    expect(seen).toEqual([request]);
  });

  it('hands requests on again once cleared (the app is closing)', () => {
    const lane = new ServerLane();
    lane.install(() => true, recordingLog().log);
    lane.clear();
    expect(lane.serve(request, response)).toBe(false);
  });

  it('refuses a second handler instead of replacing the first', () => {
    const lane = new ServerLane();
    lane.install(() => true, recordingLog().log);
    expect(() => lane.install(() => false, recordingLog().log)).toThrow(/installed already/);
  });
});

describe('ServerLane when its handler throws', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A server that asks `lane` first and answers 200 "fallback" for whatever it hands on. */
  async function serverWith(lane: ServerLane): Promise<string> {
    server = createServer((req, res) => {
      if (lane.serve(req, res)) return;
      res.writeHead(200, { 'content-length': '8' });
      res.end('fallback');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('before sending anything: logs, and the request is answered by what comes after the lane', async () => {
    const lane = new ServerLane();
    const { log, errors } = recordingLog();
    lane.install(() => {
      throw new Error('lane bug');
    }, log);
    const answer = await fetch(await serverWith(lane));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('fallback');
    expect(errors).toHaveLength(1);
    expect((errors[0]?.[0] as { err: Error }).err.message).toBe('lane bug');
    expect(errors[0]?.[1]).toMatch(/Fastify answers instead/);
  });

  it('after its answer began: logs and closes the connection, and nothing else writes to it', async () => {
    const lane = new ServerLane();
    const { log, errors } = recordingLog();
    lane.install((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      throw new Error('lane bug mid-answer');
    }, log);
    // Whatever of the head went out, the answer never completes: the client sees the connection end.
    await expect(fetch(await serverWith(lane)).then((answer) => answer.text())).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toMatch(/connection closed/);
  });
});
