import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processBaseEnv, startProcess, waitUntil, type RunningProcess } from '@livecart/local-services/testing';
import { LISTENING_LINE, type Balancer, type BalancerOptions } from './balancer.js';

/** The balancer process's entry (TypeScript: run it with tsx's `--import`). */
export const BALANCER_PROCESS = fileURLToPath(new URL('./balancer-process.ts', import.meta.url));

/** Resolves once a balancer forked with an IPC channel says it listens; rejects if it exits first. */
export function balancerListening(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code, signal) => reject(new Error(`the balancer process exited (${signal ?? code}) before listening`)));
  });
}

export interface BalancerProcess extends Balancer {
  process: RunningProcess;
}

/**
 * The balancer in a process of its own (started and stopped like the apps, see startProcess), so that what
 * the caller's own process does (a test's fleet of clients parsing a burst of events, say) never delays its
 * timers: an upgrade it is waiting for would otherwise be judged too slow, and a live instance taken for a
 * frozen one.
 */
export async function forkBalancer(options: BalancerOptions): Promise<BalancerProcess> {
  let listening = false;
  const running = await startProcess({
    name: 'balancer',
    command: process.execPath,
    args: ['--import', import.meta.resolve('tsx'), BALANCER_PROCESS],
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: { ...processBaseEnv(), BALANCER_OPTIONS: JSON.stringify(options) },
    onLine: (line) => {
      if (line.endsWith(LISTENING_LINE)) listening = true;
    },
  });
  let exited = false;
  void running.exited.then(() => (exited = true));
  try {
    await waitUntil(() => listening, {
      what: 'the balancer process to listen',
      timeoutMs: 30_000,
      intervalMs: 20,
      failed: () => exited && `the balancer process exited before listening:\n${running.recentOutput().join('\n')}`,
    });
  } catch (error) {
    await running.stop('SIGKILL');
    throw error;
  }
  return {
    process: running,
    url: `http://${options.host}:${options.port}`,
    close: async () => {
      await running.stop('SIGTERM', 5_000);
    },
  };
}
