import { signOut, signOutEverywhere } from '@/app/login/actions';
import styles from './auth.module.css';

/** Plain forms: they work before the page's scripts have loaded. */
export function SignOutButtons() {
  return (
    <div className={styles.signOut}>
      <form action={signOut}>
        <button type="submit" data-testid="sign-out">
          Sign out
        </button>
      </form>
      <form action={signOutEverywhere}>
        <button type="submit" data-testid="sign-out-everywhere">
          Sign out everywhere
        </button>
      </form>
    </div>
  );
}
