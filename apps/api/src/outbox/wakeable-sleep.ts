/**
 * The pause between a background loop's rounds (the relay's, the webhook worker's): `sleep` waits, `wake`
 * cuts the wait short, and a wake that comes while the loop is busy makes its next sleep return at once,
 * so no wake is lost between two rounds.
 */
export class WakeableSleep {
  private woken = false;
  private wakeUp: (() => void) | undefined;

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Waits `ms`, or less if woken; returns at once when `skip` (the loop is stopping) or a wake is pending. */
  sleep(ms: number, skip = false): Promise<void> {
    if (this.woken || skip) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        this.woken = false;
        done();
      };
    });
  }
}
