import { describe, expect, it } from 'vitest';
import { RealtimeTokenProvider, type TokenRequest } from './realtime-token-provider';

const ORDER_ID = '00000000-0000-4000-8000-0000000000aa';
const ORDER = `order:${ORDER_ID}` as const;
const OTHER_ORDER = 'order:00000000-0000-4000-8000-0000000000bb' as const;
const CART = 'cart:00000000-0000-4000-8000-0000000000cc' as const;

function setup(answer: (request: TokenRequest, n: number) => Promise<string> = async (_request, n) => `token-${n}`) {
  const asked: TokenRequest[] = [];
  const provider = new RealtimeTokenProvider({
    mint: (request) => {
      asked.push(request);
      return answer(request, asked.length);
    },
  });
  return { provider, asked };
}

describe('RealtimeTokenProvider', () => {
  it('mints a new token for every subscribe, so a reconnect never reuses an old one', async () => {
    const { provider, asked } = setup();
    expect(await provider.tokenFor([CART])).toBe('token-1');
    expect(await provider.tokenFor([CART])).toBe('token-2');
    expect(asked).toEqual([{ topic: CART }, { topic: CART }]);
  });

  it('shares one request between concurrent asks for the same topic', async () => {
    let release!: (token: string) => void;
    const { provider, asked } = setup(() => new Promise((resolve) => (release = resolve)));
    const first = provider.tokenFor([ORDER]);
    const second = provider.tokenFor([ORDER]);
    release('shared');
    expect(await Promise.all([first, second])).toEqual(['shared', 'shared']);
    expect(asked).toHaveLength(1);
  });

  it('sends an order link only for its own order, and only while it is granted', async () => {
    const { provider, asked } = setup();
    const release = provider.grantOrderLink(ORDER_ID, 'ol1.link');
    await provider.tokenFor([ORDER]);
    await provider.tokenFor([OTHER_ORDER]);
    await provider.tokenFor([CART]);
    release();
    await provider.tokenFor([ORDER]);
    expect(asked).toEqual([{ topic: ORDER, orderLink: 'ol1.link' }, { topic: OTHER_ORDER }, { topic: CART }, { topic: ORDER }]);
  });

  it('keeps a link while any holder keeps it (two components of one page)', async () => {
    const { provider, asked } = setup();
    const first = provider.grantOrderLink(ORDER_ID, 'ol1.link');
    const second = provider.grantOrderLink(ORDER_ID, 'ol1.link');
    first();
    first();
    await provider.tokenFor([ORDER]);
    second();
    await provider.tokenFor([ORDER]);
    expect(asked.map((request) => request.orderLink)).toEqual(['ol1.link', undefined]);
  });

  it('asks again after a refusal instead of remembering it', async () => {
    const { provider, asked } = setup(async (_request, n) => {
      if (n === 1) throw new Error('realtime token answered 503');
      return `token-${n}`;
    });
    await expect(provider.tokenFor([CART])).rejects.toThrow('503');
    expect(await provider.tokenFor([CART])).toBe('token-2');
    expect(asked).toHaveLength(2);
  });

  it('refuses to mint one token for several topics (each may need its own credential)', async () => {
    const { provider, asked } = setup();
    await expect(provider.tokenFor([ORDER, CART])).rejects.toThrow('one private topic at a time');
    expect(asked).toEqual([]);
  });
});
