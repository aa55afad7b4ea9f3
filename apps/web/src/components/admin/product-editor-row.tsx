'use client';

import type { Product } from '@livecart/schemas/product';
import { useActionState, useEffect, useState } from 'react';
import { type SaveState, saveProduct } from '@/app/admin/actions';
import { browserLiveStore } from '@/lib/live/browser-store';
import { useLiveProduct } from '@/lib/live/hooks';
import { minorToDecimal } from '@/lib/money';
import { useChangeCount } from '@/lib/use-change-count';
import styles from './admin.module.css';
import { ProductNameCell } from './product-name-cell';

interface Draft {
  price: string;
  stock: string;
  /** The version the edit started from: saving is refused if the product moved on since. */
  baseVersion: number;
}

/**
 * One editable product (editors and admins; the action checks the role again). Untouched fields follow
 * live changes; a field being edited keeps the draft.
 */
export function ProductEditorRow({ initial }: { initial: Product }) {
  const { product, deleted } = useLiveProduct(initial);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [state, dispatch, pending] = useActionState<SaveState, FormData>(saveProduct, { status: 'idle' });
  const [handled, setHandled] = useState(state);
  if (handled !== state) {
    // React to each action result once, while rendering: a save clears the draft, a conflict rebases it.
    setHandled(state);
    if (state.status === 'saved') setDraft(null);
    if (state.status === 'conflict' && draft && state.product) setDraft({ ...draft, baseVersion: state.product.version });
  }
  useEffect(() => {
    // Read-your-own-writes: show what the API returned without waiting for the event to come round.
    if ((state.status === 'saved' || state.status === 'conflict') && state.product) browserLiveStore().seed([state.product]);
  }, [state]);
  const changes = useChangeCount(product.version);
  const price = draft?.price ?? minorToDecimal(product.priceMinor, product.currency);
  const stock = draft?.stock ?? String(product.stock);
  const edit = (patch: Partial<Draft>) => setDraft({ price, stock, baseVersion: draft?.baseVersion ?? product.version, ...patch });
  const formId = `edit-${product.id}`;
  const locked = deleted;

  return (
    <tr data-testid="admin-row" data-product-id={product.id} className={deleted ? styles.deleted : undefined}>
      <ProductNameCell product={product} changes={changes} />
      <td>{product.category}</td>
      <td>
        <span className={styles.money}>
          <input form={formId} name="price" inputMode="decimal" value={price} onChange={(e) => edit({ price: e.target.value })} disabled={locked} aria-label={`Price of ${product.name} in ${product.currency}`} data-testid="price-input" />
          <span aria-hidden="true">{product.currency}</span>
        </span>
      </td>
      <td>
        <input form={formId} name="stock" inputMode="numeric" value={stock} onChange={(e) => edit({ stock: e.target.value })} disabled={locked} className={styles.stock} aria-label={`Units in stock of ${product.name}`} data-testid="stock-input" />
      </td>
      <td>
        {/* Inputs in the sibling cells join this form through their `form` attribute (a form cannot wrap table cells). */}
        <form id={formId} action={dispatch} className={styles.rowForm}>
          <input type="hidden" name="id" value={product.id} />
          <input type="hidden" name="version" value={draft?.baseVersion ?? product.version} />
          <input type="hidden" name="currency" value={product.currency} />
          <button type="submit" disabled={locked || pending || !draft} className={styles.save} data-testid="save">
            {pending ? 'Saving…' : 'Save'}
          </button>
          <span className={styles.result} aria-live="polite" data-testid="save-result" data-status={state.status}>
            {state.status === 'saved' ? <span className={styles.ok}>Saved</span> : null}
            {state.status === 'conflict' || state.status === 'error' || state.status === 'forbidden' ? <span className={styles.error}>{state.message}</span> : null}
          </span>
        </form>
      </td>
    </tr>
  );
}
