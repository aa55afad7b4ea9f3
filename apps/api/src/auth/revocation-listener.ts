import type { Redis } from 'ioredis';
import type { Log } from '../log.js';
import { parseRevocation, revocationsChannel, type Revocation } from './revocations.js';

/** A cache of credentials that revocations make stale (staff credentials, shopper sessions). */
export interface RevocationTarget {
  /** Forgets what the revocation made stale. */
  apply(revocation: Revocation): void;
  /** On only while revocations are heard; off empties the cache. */
  setCacheEnabled(enabled: boolean): void;
}

export interface RevocationListener {
  /** Applies revocations to one more cache from now on (its cache on or off as the others' are). */
  add(target: RevocationTarget): void;
  /** Applies a revocation to every cache of this instance. */
  apply(revocation: Revocation): void;
}

/**
 * Applies every instance's revocations to this instance's credential caches. The caches are on only
 * while subscribed: a revocation published while the connection is down would be missed, so then every
 * request goes to Postgres instead.
 */
export function listenForRevocations(options: { subscriber: Redis; prefix: string; log: Log }): RevocationListener {
  const { subscriber, log } = options;
  const channel = revocationsChannel(options.prefix);
  const targets: RevocationTarget[] = [];
  let heard = false;
  const setHeard = (on: boolean) => {
    heard = on;
    for (const target of targets) target.setCacheEnabled(on);
  };
  const apply = (revocation: Revocation) => {
    for (const target of targets) target.apply(revocation);
  };
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const revocation = parseRevocation(message);
    if (revocation === undefined) log.error({ message: message.slice(0, 200) }, 'malformed revocation ignored');
    else apply(revocation);
  });
  subscriber.on('close', () => setHeard(false));
  const subscribe = () => {
    subscriber.subscribe(channel).then(
      () => setHeard(subscriber.status === 'ready'),
      (error: unknown) => log.warn({ err: error }, 'revocations not subscribed; credentials are checked in Postgres until the next reconnect'),
    );
  };
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') subscribe();
  return {
    add(target) {
      targets.push(target);
      target.setCacheEnabled(heard);
    },
    apply,
  };
}
