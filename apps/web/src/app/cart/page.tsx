import { cartTopic, productTopic } from '@livecart/schemas/topics';
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CartView } from '@/components/cart/cart-view';
import { LiveSubscription } from '@/components/live/live-subscription';
import { env } from '@/env';
import { readCartSnapshot } from '@/lib/shopper/cart-snapshot';

export const metadata: Metadata = { title: 'Your cart', robots: { index: false } };

export default function CartPage() {
  return (
    <>
      <h1>Your cart</h1>
      <Suspense fallback={<div className="skeleton" style={{ minHeight: '12rem' }} aria-busy="true" />}>
        <CartContents />
      </Suspense>
    </>
  );
}

async function CartContents() {
  const snapshot = await readCartSnapshot();
  if (snapshot === null) {
    return (
      <section className="state-panel" data-testid="cart-empty">
        <h2>Your cart is empty</h2>
        <a href="/">Browse the catalog</a>
      </section>
    );
  }
  const { cart, products, seq, epoch } = snapshot;
  return (
    <>
      <LiveSubscription url={env.NEXT_PUBLIC_REALTIME_URL} products={products} seq={seq} epoch={epoch} topics={[...products.map((p) => productTopic(p.id)), cartTopic(cart.id)]} />
      <CartView initial={cart} products={products} />
    </>
  );
}
