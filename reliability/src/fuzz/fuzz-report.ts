export interface Failure {
  /** The whole input that failed, as it was sent: enough to replay it by hand. */
  input: string;
  problems: string[];
}

/** Examples kept per kind of problem, and kinds kept: enough to act on without flooding the output. */
const EXAMPLES_PER_KIND = 2;
const KINDS_KEPT = 15;

/** A problem's kind: its text up to the first colon, digits of statuses kept, e.g. `a 400 whose body is not JSON`. */
function kindOf(problem: string): string {
  return problem.split(':')[0]!.slice(0, 100);
}

/** What a fuzz run saw: outcomes counted by label (a status, a close code, an error kind) and the failures. */
export class FuzzReport {
  readonly outcomes = new Map<string, number>();
  /** Failures grouped by the kind of their first problem, with how often each kind occurred. */
  readonly failuresByKind = new Map<string, { count: number; examples: Failure[] }>();
  failureCount = 0;
  sent = 0;

  constructor(readonly title: string) {}

  count(outcome: string | number): void {
    const key = String(outcome);
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  fail(input: string, problems: string[]): void {
    this.failureCount++;
    const kind = kindOf(problems[0] ?? 'unknown problem');
    let group = this.failuresByKind.get(kind);
    if (group === undefined) {
      if (this.failuresByKind.size >= KINDS_KEPT) return;
      group = { count: 0, examples: [] };
      this.failuresByKind.set(kind, group);
    }
    group.count++;
    if (group.examples.length < EXAMPLES_PER_KIND) group.examples.push({ input, problems });
  }

  /** Outcomes sorted by label, e.g. `200: 812, 400: 7012, 404: 1130`. */
  distribution(): string {
    return [...this.outcomes.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([outcome, count]) => `${outcome}: ${count}`)
      .join(', ');
  }

  summary(): string {
    return `${this.title}: ${this.sent} sent; ${this.distribution()}; ${this.failureCount} failed`;
  }

  /** The failure message of a test: each kind of problem with its count and examples in full. */
  failureText(): string {
    const groups = [...this.failuresByKind.entries()].map(([kind, group]) => {
      const examples = group.examples.map((failure) => `${failure.problems.join('\n')}\n${failure.input}`).join('\n\n');
      return `=== ${group.count} × ${kind} ===\n${examples}`;
    });
    return `${this.summary()}\n\n${groups.join('\n\n')}`;
  }
}
