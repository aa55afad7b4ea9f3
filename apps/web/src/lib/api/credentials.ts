import 'server-only';
import { env } from '@/env';

/**
 * The API's bearer credential, or null when ADMIN_TOKEN is unset. Only server modules import this,
 * so the token never reaches a bundle or a response.
 */
export function adminAuthorization(): Record<string, string> | null {
  return env.ADMIN_TOKEN ? { authorization: `Bearer ${env.ADMIN_TOKEN}` } : null;
}
