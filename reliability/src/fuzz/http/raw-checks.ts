import type { RawCase } from './raw-cases.js';
import type { RawExchange } from './raw-exchange.js';
import { responseProblems } from './response-checks.js';

/** The outcome label for the distribution: the statuses, or how the connection ended without one. */
export function rawOutcome(result: RawExchange): string {
  if (result.responses.length > 0) return result.responses.map((response) => response.status).join('+');
  if (result.timedOut) return 'no answer (still waiting)';
  return 'closed without answer';
}

/** Everything wrong with how the server handled one raw case. */
export function rawCaseProblems(rawCase: RawCase, result: RawExchange): string[] {
  const problems: string[] = [];
  if (result.error !== undefined) problems.push(`the connection failed or the answer is not HTTP: ${result.error}`);
  const wanted = rawCase.responses ?? 1;
  if (rawCase.expect === 'answer' && result.responses.length < wanted) {
    problems.push(`expected ${wanted} response(s), got ${result.responses.length} (${rawOutcome(result)})`);
  }
  for (const response of result.responses) {
    const method = rawCase.head === true ? 'HEAD' : 'GET';
    problems.push(...responseProblems(method, response.status, response.body.toString('utf8')));
    if (rawCase.statuses !== undefined && !rawCase.statuses.includes(response.status)) {
      problems.push(`status ${response.status}, expected one of ${rawCase.statuses.join(', ')}: ${response.body.toString('utf8').slice(0, 200)}`);
    }
  }
  return problems;
}

/** The bytes of a raw case, escaped so that every control character shows, with the pauses between writes. */
export function describeRawCase(rawCase: RawCase, where: string): string {
  const steps = rawCase.steps.map((step) => {
    if (typeof step === 'number') return `(pause ${step} ms)`;
    const bytes = typeof step === 'string' ? Buffer.from(step, 'latin1') : step;
    const text = bytes.toString('latin1');
    const shown = text.length > 4_096 ? `${text.slice(0, 4_096)}… (${bytes.length} bytes in all)` : text;
    return JSON.stringify(shown);
  });
  return `${where}: raw case "${rawCase.name}"\n${steps.join('\n')}`;
}
