import { DELIVERY_MODES, DELIVERY_PARAM, type DeliveryMode } from '@livecart/schemas';

/**
 * The delivery mode an upgrade's URL asks for (`/ws?delivery=latest`; absent: `all`), or undefined when it
 * names one this server does not know (the upgrade is then refused with 400, not silently served another).
 */
export function deliveryOf(url: string | undefined): DeliveryMode | undefined {
  const query = url?.indexOf('?') ?? -1;
  if (url === undefined || query === -1) return 'all';
  const values = new URLSearchParams(url.slice(query + 1)).getAll(DELIVERY_PARAM);
  if (values.length === 0) return 'all';
  const [value] = values;
  return values.length === 1 && (DELIVERY_MODES as readonly string[]).includes(value!) ? (value as DeliveryMode) : undefined;
}
