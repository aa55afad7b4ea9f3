import type { StaffFormState } from '@/lib/auth/staff-form-state';
import styles from './admin.module.css';

/** The outcome of a staff or API-key form, announced politely. */
export function FormResult({ state }: { state: StaffFormState }) {
  return (
    <span className={styles.result} aria-live="polite" data-testid="form-result" data-status={state.status}>
      {state.status === 'done' ? <span className={styles.ok}>{state.message}</span> : null}
      {state.status === 'error' || state.status === 'forbidden' ? <span className={styles.error}>{state.message}</span> : null}
    </span>
  );
}
