/**
 * Notices a connection that no longer carries anything (a frozen server, a dead network).
 *
 * The server answers every `ping` with `pong` at once, so a quiet feed is probed rather than waited out:
 * after 40% of the window without a message the watch pings, and a server that has not said anything
 * 40% of the window after that ping is dead. Checking every 10% of the window puts the verdict at most
 * one window after the last message. The answer time is counted from the ping actually sent, so a timer
 * that fires late (a throttled background tab, a laptop waking up) probes first instead of blaming the
 * server for our own pause.
 */
export class SilenceWatch {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastHeardAt = 0;
  /** When the unanswered `ping` went out; null while the server has spoken since. */
  private pingSentAt: number | null = null;

  constructor(
    private readonly windowMs: number,
    private readonly ping: () => void,
    private readonly silent: () => void,
  ) {}

  start(): void {
    this.stop();
    this.lastHeardAt = Date.now();
    const probeAfterMs = this.windowMs * 0.4;
    this.timer = setInterval(
      () => {
        const now = Date.now();
        if (this.pingSentAt === null) {
          if (now - this.lastHeardAt < probeAfterMs) return;
          this.pingSentAt = now;
          this.ping();
        } else if (now - this.pingSentAt >= probeAfterMs) {
          this.stop();
          this.silent();
        }
      },
      Math.max(50, this.windowMs * 0.1),
    );
  }

  /** The server said something: it is alive. */
  heard(): void {
    this.lastHeardAt = Date.now();
    this.pingSentAt = null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pingSentAt = null;
  }
}
