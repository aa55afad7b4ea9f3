import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import { formatMoney } from '@/lib/money';

/**
 * What an event changed, in words: against the product's previous state when the feed saw it (so a
 * reprice reads "price €12.00 → €10.00"), or the new state alone when it is the first word of that product.
 */
export function describeEvent(event: LivecartEvent, previous: Product | undefined): string {
  if (event.type === 'product.deleted') return `${event.data.sku} deleted`;
  const product = event.data;
  const state = `${formatMoney(product.priceMinor, product.currency)}, ${product.stock} in stock`;
  if (event.type === 'product.created') return `${product.name} created: ${state}`;
  if (previous === undefined) return `${product.name}: ${state}`;
  const changes: string[] = [];
  if (previous.priceMinor !== product.priceMinor || previous.currency !== product.currency) {
    changes.push(`price ${formatMoney(previous.priceMinor, previous.currency)} → ${formatMoney(product.priceMinor, product.currency)}`);
  }
  if (previous.stock !== product.stock) changes.push(`stock ${previous.stock} → ${product.stock}`);
  if (previous.name !== product.name) changes.push(`renamed from ${previous.name}`);
  return `${product.name}: ${changes.length > 0 ? changes.join(', ') : state}`;
}

/** Who made the change, as the feed shows it; nothing for events from before events named their actor. */
export function describeActor(event: LivecartEvent): string | undefined {
  return event.actor === undefined ? undefined : `by ${event.actor.name}`;
}
