'use client';

import { useActionState } from 'react';
import { type AccountFormState, customerSignIn, signUp } from '@/app/account/actions';
import styles from '@/components/auth/auth.module.css';

/** The customer's sign-in or sign-up form; the API's refusal is shown in place. */
export function CustomerForm({ mode, next }: { mode: 'sign-in' | 'sign-up'; next: string }) {
  const [state, dispatch, pending] = useActionState<AccountFormState, FormData>(mode === 'sign-in' ? customerSignIn : signUp, { status: 'idle' });
  const label = mode === 'sign-in' ? 'Sign in' : 'Create account';
  return (
    <form action={dispatch} className={styles.form} aria-describedby={state.status === 'error' ? 'account-error' : undefined}>
      <input type="hidden" name="next" value={next} />
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required defaultValue={state.status === 'error' ? state.email : ''} key={state.status === 'error' ? state.email : 'idle'} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'} required />
      </label>
      {state.status === 'error' ? (
        <p id="account-error" role="alert" className={styles.error} data-testid="account-error">
          {state.message}
        </p>
      ) : null}
      <button type="submit" className={styles.submit} disabled={pending}>
        {pending ? 'One moment…' : label}
      </button>
    </form>
  );
}
