/**
 * One status line while suites run: elapsed time, the current suite and its share of the plan, an ETA
 * from the remaining suites' estimates (scaled by how the finished ones compared with theirs), and the
 * latest line of activity. Redrawn in place on a terminal; a plain line every 15 s otherwise (CI, logs).
 */

const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export class Progress {
  private readonly started = performance.now();
  private current = -1;
  private suiteStarted = 0;
  private activity = '';
  private actualS = 0;
  private estimatedDoneS = 0;
  private timer?: NodeJS.Timeout;
  private lastPlain = 0;
  private readonly tty: boolean;

  constructor(
    private readonly plan: { name: string; estimateS: number }[],
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
  }

  start(): void {
    this.timer = setInterval(() => this.render(), 1_000);
    this.timer.unref();
  }

  beginSuite(index: number): void {
    this.current = index;
    this.suiteStarted = performance.now();
    this.activity = '';
    this.print(`▶ ${this.plan[index]!.name} (${index + 1}/${this.plan.length}, about ${clock(this.plan[index]!.estimateS)})`);
  }

  endSuite(index: number, status: string): void {
    const took = (performance.now() - this.suiteStarted) / 1000;
    this.actualS += took;
    this.estimatedDoneS += this.plan[index]!.estimateS;
    this.print(`${status === 'ok' ? '✔' : status === 'skipped' ? '–' : '✖'} ${this.plan[index]!.name}: ${status} in ${clock(took)}`);
  }

  setActivity(line: string): void {
    this.activity = line.replace(/\s+/g, ' ').trim();
  }

  /** A line of its own above the status line. */
  print(line: string): void {
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`${line}\n`);
    this.render(true);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.tty) this.stream.write('\r\x1b[K');
  }

  private etaSeconds(): number {
    // Finished suites tell how far off the estimates are on this machine today.
    const pace = this.estimatedDoneS > 0 ? Math.min(3, Math.max(0.5, this.actualS / this.estimatedDoneS)) : 1;
    const inSuite = (performance.now() - this.suiteStarted) / 1000;
    const currentLeft = this.current < 0 ? 0 : Math.max(this.plan[this.current]!.estimateS * pace - inSuite, 5);
    const rest = this.plan.slice(this.current + 1).reduce((sum, s) => sum + s.estimateS, 0) * pace;
    return currentLeft + rest;
  }

  private render(force = false): void {
    if (this.current < 0) return;
    const elapsed = (performance.now() - this.started) / 1000;
    const suite = this.plan[this.current]!;
    const line = `[bench ${clock(elapsed)}] ${this.current + 1}/${this.plan.length} ${suite.name} ${clock((performance.now() - this.suiteStarted) / 1000)} · ETA ${clock(this.etaSeconds())}${this.activity === '' ? '' : ` · ${this.activity}`}`;
    if (this.tty) {
      const width = this.stream.columns ?? 120;
      this.stream.write(`\r\x1b[K${line.slice(0, width - 1)}`);
    } else if (!force && elapsed - this.lastPlain >= 15) {
      this.lastPlain = elapsed;
      this.stream.write(`${line.slice(0, 200)}\n`);
    }
  }
}
