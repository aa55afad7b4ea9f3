import type { Access } from '../../../auth/access.js';

/** Reading an order: its link's holder, or staff who may read orders (viewers up, keys with orders:read). */
export const ORDER_READ: Access = { role: 'viewer', scope: 'orders:read', owner: 'order' };
/** Paying or cancelling an order: its link's holder, or staff who may change orders. */
export const ORDER_OWNER_WRITE: Access = { role: 'editor', scope: 'orders:write', owner: 'order' };
/** Staff-only changes (fulfilment). */
export const ORDER_WRITE: Access = { role: 'editor', scope: 'orders:write' };
