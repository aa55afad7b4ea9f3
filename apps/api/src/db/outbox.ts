import type { PublishedEvent } from '@livecart/schemas';

type WithoutSeq<E> = E extends PublishedEvent ? Omit<E, 'seq' | 'occurredAt' | 'actor'> : never;

/**
 * An event as a write records it (db/record-changes.ts); the relay gives it its `seq`, `occurredAt` is the
 * commit's clock, and `actor` is the write's.
 */
export type PendingEvent = WithoutSeq<PublishedEvent>;
