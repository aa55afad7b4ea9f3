import type { Redis } from 'ioredis';
import type { Log } from '../log.js';
import type { CredentialResolver } from './credential-resolver.js';
import { parseRevocation, revocationsChannel } from './revocations.js';

/**
 * Applies every instance's revocations to this instance's credential cache. The cache is on only while
 * subscribed: a revocation published while the connection is down would be missed, so then every
 * request goes to Postgres instead.
 */
export function listenForRevocations(options: { subscriber: Redis; prefix: string; resolver: CredentialResolver; log: Log }): void {
  const { subscriber, resolver, log } = options;
  const channel = revocationsChannel(options.prefix);
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const revocation = parseRevocation(message);
    if (revocation === undefined) log.error({ message: message.slice(0, 200) }, 'malformed revocation ignored');
    else resolver.apply(revocation);
  });
  subscriber.on('close', () => resolver.setCacheEnabled(false));
  const subscribe = () => {
    subscriber.subscribe(channel).then(
      () => resolver.setCacheEnabled(subscriber.status === 'ready'),
      (error: unknown) => log.warn({ err: error }, 'revocations not subscribed; credentials are checked in Postgres until the next reconnect'),
    );
  };
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') subscribe();
}
