'use client';

import { useActionState } from 'react';
import { type RepriceState, repriceCategoryAction } from '@/app/admin/actions';
import styles from './admin.module.css';
import { CategoryOptions } from '../catalog/category-options';

/** Shown to editors and admins only; the action checks the role again. */
export function BulkRepriceForm({ categories }: { categories: string[] }) {
  const [state, dispatch, pending] = useActionState<RepriceState, FormData>(repriceCategoryAction, { status: 'idle' });
  return (
    <form action={dispatch} className={styles.bulk} aria-labelledby="bulk-title">
      <h2 id="bulk-title">Bulk price change</h2>
      <p className={styles.hint}>Changes every price in a category at once; all or nothing.</p>
      <div className={styles.bulkFields}>
        <label>
          Category
          <select name="category" required disabled={pending} defaultValue="">
            <option value="" disabled>
              Choose…
            </option>
            <CategoryOptions categories={categories} />
          </select>
        </label>
        <label>
          Change (%)
          <input name="percent" inputMode="decimal" placeholder="-10 or 5" required pattern="[+\-]?\d{1,3}([.,]\d{1,2})?" disabled={pending} />
        </label>
        <button type="submit" disabled={pending} className={styles.save}>
          {pending ? 'Applying…' : 'Apply'}
        </button>
      </div>
      <p aria-live="polite" className={styles.result} data-testid="bulk-result">
        {state.status === 'done' ? <span className={styles.ok}>{state.message}</span> : null}
        {state.status === 'error' || state.status === 'forbidden' ? <span className={styles.error}>{state.message}</span> : null}
      </p>
    </form>
  );
}
