import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FastLane } from './fast-lane.js';

const request = {} as IncomingMessage;
const response = {} as ServerResponse;

describe('FastLane', () => {
  it('hands every request on until a handler is installed, then asks the handler', () => {
    const lane = new FastLane();
    expect(lane.serve(request, response)).toBe(false);
    const seen: IncomingMessage[] = [];
    lane.install((req) => {
      seen.push(req);
      return true;
    });
    expect(lane.serve(request, response)).toBe(true);
    expect(seen).toEqual([request]);
  });

  it('hands requests on again once cleared (the app is closing)', () => {
    const lane = new FastLane();
    lane.install(() => true);
    lane.clear();
    expect(lane.serve(request, response)).toBe(false);
  });

  it('refuses a second handler instead of replacing the first', () => {
    const lane = new FastLane();
    lane.install(() => true);
    expect(() => lane.install(() => false)).toThrow(/installed already/);
  });
});
