import Link from 'next/link';

export default function ProductNotFound() {
  return (
    <section className="state-panel">
      <h1>Product not found</h1>
      <p>This product does not exist or has been removed from the shop.</p>
      <Link href="/">Browse the catalog</Link>
    </section>
  );
}
