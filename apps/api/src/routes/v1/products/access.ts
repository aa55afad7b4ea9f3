import type { Access } from '../../../auth/access.js';

/** Every catalog change: editors and admins, or a key with catalog:write. */
export const CATALOG_WRITE: Access = { role: 'editor', scope: 'catalog:write' };
