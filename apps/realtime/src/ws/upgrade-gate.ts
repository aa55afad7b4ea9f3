import type { IncomingMessage } from 'node:http';
import { isOriginAllowed, type OriginPolicy } from './origin-policy.js';

export interface UpgradeGateOptions extends OriginPolicy {
  maxConnections: number;
  /** Connections open right now. */
  openConnections: () => number;
  /** Until the instance knows the current seq, a subscription could not be placed in the feed. */
  feedStarted: () => boolean;
}

/**
 * Decides, before the WebSocket handshake completes, whether an upgrade may proceed. Handshakes still in
 * flight count against the connection cap too, so a burst of connects cannot overshoot it.
 */
export class UpgradeGate {
  private inFlight = 0;
  private readonly releases = new WeakMap<IncomingMessage, () => void>();

  constructor(private readonly options: UpgradeGateOptions) {}

  /** `ok` reserves a slot, held until `settle` (handshake done) or until the socket closes. */
  admit(request: IncomingMessage): 'ok' | 'origin' | 'capacity' | 'not_ready' {
    if (!this.options.feedStarted()) return 'not_ready';
    if (!isOriginAllowed(request.headers.origin, request.headers.host, this.options)) return 'origin';
    if (this.options.openConnections() + this.inFlight >= this.options.maxConnections) return 'capacity';
    this.inFlight++;
    const { socket } = request;
    const release = () => {
      if (!this.releases.delete(request)) return;
      socket.removeListener('close', release);
      this.inFlight--;
    };
    this.releases.set(request, release);
    socket.once('close', release);
    return 'ok';
  }

  settle(request: IncomingMessage): void {
    this.releases.get(request)?.();
  }
}
