import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPidAlive } from './run-command.js';

// One file per user, named `<pid>-<id>`: a process that dies without deregistering stops counting
// as soon as its pid is gone, so a crash never keeps the servers up for good.

export async function addUser(usersDir: string): Promise<string> {
  await mkdir(usersDir, { recursive: true });
  const file = join(usersDir, `${process.pid}-${randomUUID()}`);
  await writeFile(file, '');
  return file;
}

export async function removeUser(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Live users left in `usersDir`; files of dead processes are deleted on the way. */
export async function countLiveUsers(usersDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(usersDir);
  } catch {
    return 0;
  }
  let live = 0;
  for (const name of names) {
    if (isPidAlive(Number(name.split('-')[0]))) live += 1;
    else await rm(join(usersDir, name), { force: true });
  }
  return live;
}
