import { describe, expect, it } from 'vitest';
import { chooseSubprotocol, formatOf } from './format.js';

describe('subprotocol negotiation', () => {
  it("picks the first supported subprotocol in the client's order", () => {
    expect(chooseSubprotocol(['livecart.v1.msgpack', 'livecart.v1.json'])).toBe('livecart.v1.msgpack');
    expect(chooseSubprotocol(['chat', 'livecart.v1.json'])).toBe('livecart.v1.json');
    expect(chooseSubprotocol(['chat'])).toBe(false);
  });

  it('maps the negotiated subprotocol to a format, JSON when none', () => {
    expect(formatOf('livecart.v1.msgpack')).toBe('msgpack');
    expect(formatOf('livecart.v1.json')).toBe('json');
    expect(formatOf('')).toBe('json');
  });
});
