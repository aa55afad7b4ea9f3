'use client';

import { useActionState } from 'react';
import { type LoginState, signIn } from '@/app/login/actions';
import styles from './auth.module.css';

/** Email and password, posted to the sign-in action; the API's refusal is shown in place. */
export function LoginForm({ next }: { next: string }) {
  const [state, dispatch, pending] = useActionState<LoginState, FormData>(signIn, { status: 'idle' });
  return (
    <form action={dispatch} className={styles.form} aria-describedby={state.status === 'error' ? 'login-error' : undefined}>
      <input type="hidden" name="next" value={next} />
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required defaultValue={state.status === 'error' ? state.email : ''} key={state.status === 'error' ? state.email : 'idle'} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {state.status === 'error' ? (
        <p id="login-error" role="alert" className={styles.error} data-testid="login-error">
          {state.message}
        </p>
      ) : null}
      <button type="submit" className={styles.submit} disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
