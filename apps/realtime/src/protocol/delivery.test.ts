import { describe, expect, it } from 'vitest';
import { deliveryOf } from './delivery.js';

describe('deliveryOf', () => {
  it('reads the delivery query parameter, all by default', () => {
    expect(['/ws', '/ws?', '/ws?other=1', '/ws?delivery=all', '/ws?delivery=latest', undefined].map(deliveryOf)).toEqual(['all', 'all', 'all', 'all', 'latest', 'all']);
  });

  it('refuses a mode it does not know, or more than one', () => {
    expect(['/ws?delivery=newest', '/ws?delivery=', '/ws?delivery=latest&delivery=all', '/ws?delivery=LATEST'].map(deliveryOf)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
