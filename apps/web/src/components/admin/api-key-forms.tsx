'use client';

import { API_KEY_SCOPES } from '@livecart/schemas';
import { useActionState } from 'react';
import { createKeyAction, revokeKeyAction } from '@/app/admin/api-keys/actions';
import type { StaffFormState } from '@/lib/auth/staff-form-state';
import styles from './admin.module.css';
import { FormResult } from './form-result';

const IDLE: StaffFormState = { status: 'idle' };

/** A new key; its secret is shown once, in the answer, and nowhere afterwards. */
export function CreateKeyForm() {
  const [state, dispatch, pending] = useActionState(createKeyAction, IDLE);
  return (
    <form action={dispatch} className={styles.bulk} aria-labelledby="create-key-title" data-testid="create-key">
      <h2 id="create-key-title">New API key</h2>
      <div className={styles.bulkFields}>
        <label>
          Name
          <input name="name" required maxLength={100} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((scope) => (
            <label key={scope}>
              <input type="checkbox" name="scopes" value={scope} /> {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" className={styles.save} disabled={pending}>
          {pending ? 'Creating…' : 'Create'}
        </button>
      </div>
      <FormResult state={state} />
      {state.status === 'done' && state.secret ? (
        <p>
          <code data-testid="new-key">{state.secret}</code>
        </p>
      ) : null}
    </form>
  );
}

export function RevokeKeyButton({ id, name }: { id: string; name: string }) {
  const [state, dispatch, pending] = useActionState(revokeKeyAction, IDLE);
  return (
    <form action={dispatch} className={styles.rowForm}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className={styles.save} disabled={pending} aria-label={`Revoke ${name}`}>
        Revoke
      </button>
      <FormResult state={state} />
    </form>
  );
}
