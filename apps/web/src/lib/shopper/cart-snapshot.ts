import 'server-only';
import type { Cart } from '@livecart/schemas/cart';
import type { Product } from '@livecart/schemas/product';
import { fetchCart } from '@/lib/api/carts';
import { getProduct } from '@/lib/api/products';
import { hasShopperSession, rememberedCartId, shopperCaller } from './shopper-cookie';

export interface CartSnapshot {
  cart: Cart;
  /** The lines' products, to seed the live store; the seq/epoch to subscribe their topics from. */
  products: Product[];
  seq: number | null;
  epoch: string | null;
}

/**
 * The visitor's cart for a render (cart and checkout pages), or null without one. The products are read
 * after the cart, so a change in between is seen as a change (the line shows old → new), never missed;
 * the subscription resumes from the oldest position of the cart and its products, all of one history.
 */
export async function readCartSnapshot(): Promise<CartSnapshot | null> {
  const cartId = await rememberedCartId();
  if (cartId === null || !(await hasShopperSession())) return null;
  const found = await fetchCart(await shopperCaller(), cartId);
  if (found === null) return null;
  const snapshots = await Promise.all(found.cart.lines.map((line) => getProduct(line.productId)));
  const present = snapshots.filter((s) => s !== null);
  const positions = [found, ...present];
  const seqs = positions.map((s) => s.seq);
  const sameHistory = positions.every((s) => s.epoch === found.epoch);
  const seq = sameHistory && seqs.every((s) => s !== null) ? Math.min(...(seqs as number[])) : null;
  return { cart: found.cart, products: present.map((s) => s.product), seq, epoch: seq === null ? null : found.epoch };
}
