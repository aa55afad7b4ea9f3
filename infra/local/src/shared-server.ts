import { join } from 'node:path';
import { withLock } from './lock.js';
import type { Log } from './log.js';
import { addUser, countLiveUsers, removeUser } from './users.js';

export interface SharedServerSpec {
  label: string;
  /** `.livecart/`: holds the lock and the users of each server. */
  stateDir: string;
  /** Names the users folder, one per server. */
  key: string;
  isUp(): Promise<boolean>;
  start(): Promise<unknown>;
  stop(): Promise<void>;
  log: Log;
}

/**
 * Dev mode: `api` and `realtime`, started side by side by `turbo dev`, share one project-local server.
 * The first process starts it, every process registers as a user, and the last one to leave stops it.
 */
export async function acquireSharedServer(spec: SharedServerSpec): Promise<{ release(): Promise<void> }> {
  const lockDir = join(spec.stateDir, 'lock');
  const usersDir = join(spec.stateDir, 'users', spec.key);
  const locked = <T>(fn: () => Promise<T>) =>
    withLock(lockDir, fn, {
      onWait: (pid) => {
        // Our own pid: this process is busy with its other server, nothing worth reporting.
        if (pid === process.pid) return;
        spec.log(`${spec.label}: waiting for process ${pid ?? '?'}, which is starting or stopping the local servers…`);
      },
    });

  const userFile = await locked(async () => {
    if (await spec.isUp()) spec.log(`${spec.label}: reusing the project-local server started by another process`);
    else await spec.start();
    return addUser(usersDir);
  });

  let releasing: Promise<void> | undefined;
  return {
    release: () =>
      (releasing ??= locked(async () => {
        await removeUser(userFile);
        const others = await countLiveUsers(usersDir);
        if (others > 0) {
          spec.log(`${spec.label}: leaving the project-local server running for ${others} other process(es)`);
          return;
        }
        spec.log(`${spec.label}: stopping the project-local server…`);
        await spec.stop();
      })),
  };
}
