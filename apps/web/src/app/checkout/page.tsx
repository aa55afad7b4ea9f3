import { cartTopic, productTopic } from '@livecart/schemas/topics';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { CheckoutForm } from '@/components/checkout/checkout-form';
import { LiveSubscription } from '@/components/live/live-subscription';
import { env, showTestCards } from '@/env';
import { fetchCustomerSession } from '@/lib/api/customers';
import { readCartSnapshot } from '@/lib/shopper/cart-snapshot';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

export const metadata: Metadata = { title: 'Checkout', robots: { index: false } };

export default function CheckoutPage() {
  return (
    <>
      <h1>Checkout</h1>
      <Suspense fallback={<div className="skeleton" style={{ minHeight: '16rem' }} aria-busy="true" />}>
        <CheckoutContents />
      </Suspense>
    </>
  );
}

/**
 * The shopper's cart, live as on the cart page, and the payment form. Without a cart (or with an empty
 * one) there is nothing to check out: the proxy sends the visitor to /cart before anything renders; this
 * covers a cart that went away in between.
 */
async function CheckoutContents() {
  const caller = await shopperCaller();
  const [snapshot, session] = await Promise.all([readCartSnapshot(), fetchCustomerSession(caller).catch(() => null)]);
  if (snapshot === null || snapshot.cart.lines.length === 0) redirect('/cart');
  const { cart, products, seq, epoch } = snapshot;
  return (
    <>
      <LiveSubscription url={env.NEXT_PUBLIC_REALTIME_URL} products={products} seq={seq} epoch={epoch} topics={[...products.map((p) => productTopic(p.id)), cartTopic(cart.id)]} />
      <CheckoutForm cart={cart} products={products} email={session?.customer?.email ?? ''} showTestCards={showTestCards()} />
    </>
  );
}
