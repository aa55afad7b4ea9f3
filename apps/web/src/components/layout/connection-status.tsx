'use client';

import { useConnectionState } from '@/lib/live/hooks';
import type { ConnectionState } from '@/lib/live/live-store';
import styles from './connection-status.module.css';

const LABELS: Record<ConnectionState, string> = {
  idle: 'Live updates',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const HINTS: Record<ConnectionState, string> = {
  idle: 'Live updates start when a page shows products.',
  connecting: 'Connecting to live updates.',
  connected: 'Prices and stock update live.',
  reconnecting: 'Connection lost; reconnecting. Changes made meanwhile will catch up.',
  offline: 'You are offline; prices and stock may be out of date.',
};

/** The shared connection's state, visible in the header and announced when it changes. */
export function ConnectionStatus() {
  const state = useConnectionState();
  return (
    <p className={`${styles.status} ${styles[state]}`} role="status" aria-live="polite" data-testid="connection-state" data-state={state} title={HINTS[state]}>
      <span className={styles.dot} aria-hidden="true" />
      {LABELS[state]}
      <span className="visually-hidden"> — {HINTS[state]}</span>
    </p>
  );
}
