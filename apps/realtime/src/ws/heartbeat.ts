import { CLOSE_CODES } from '@livecart/schemas';

/** A peer the heartbeat can probe and cut off. */
export interface Peer {
  ping(): void;
  kick(code: number, reason: string): void;
}

export interface HeartbeatOptions {
  /** Silence after which a peer is pinged. */
  intervalMs: number;
  /** How long a pinged peer has to answer before it is closed. */
  timeoutMs: number;
  onDead?: (peer: Peer) => void;
  now?: () => number;
}

interface PeerState {
  lastSeen: number;
  pingedAt: number | null;
}

/**
 * Finds dead peers (a vanished laptop, a NAT that dropped the mapping) that would otherwise hold a socket,
 * memory and subscriptions forever. Any frame from the peer counts as a sign of life; silence gets a
 * WebSocket ping, and no answer within the timeout closes the connection with 4001.
 */
export class Heartbeat {
  private readonly peers = new Map<Peer, PeerState>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HeartbeatOptions) {
    this.now = options.now ?? Date.now;
  }

  add(peer: Peer): void {
    this.peers.set(peer, { lastSeen: this.now(), pingedAt: null });
  }

  remove(peer: Peer): void {
    this.peers.delete(peer);
  }

  seen(peer: Peer): void {
    const state = this.peers.get(peer);
    if (state === undefined) return;
    state.lastSeen = this.now();
    state.pingedAt = null;
  }

  /** One pass over the peers: ping the quiet ones, close the ones that did not answer. */
  sweep(): void {
    const now = this.now();
    for (const [peer, state] of this.peers) {
      if (state.pingedAt !== null) {
        if (now - state.pingedAt < this.options.timeoutMs) continue;
        this.peers.delete(peer);
        peer.kick(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        this.options.onDead?.(peer);
      } else if (now - state.lastSeen >= this.options.intervalMs) {
        state.pingedAt = now;
        peer.ping();
      }
    }
  }

  start(): void {
    // Sweeping at half the shorter period keeps each deadline late by at most that much.
    const period = Math.max(50, Math.min(this.options.intervalMs, this.options.timeoutMs) / 2);
    this.timer ??= setInterval(() => this.sweep(), period);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
