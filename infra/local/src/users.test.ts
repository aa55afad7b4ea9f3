import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser, countLiveUsers, removeUser } from './users.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-users-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('users of a shared server', () => {
  it('counts each registration of a live process and forgets removed ones', async () => {
    const first = await addUser(dir);
    await addUser(dir);
    expect(await countLiveUsers(dir)).toBe(2);
    await removeUser(first);
    expect(await countLiveUsers(dir)).toBe(1);
  });

  it('does not count, and deletes, the registrations of dead processes', async () => {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    await writeFile(join(dir, `${pid}-leftover`), '');
    await addUser(dir);
    expect(await countLiveUsers(dir)).toBe(1);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('counts nobody when the folder does not exist yet', async () => {
    expect(await countLiveUsers(join(dir, 'missing'))).toBe(0);
  });
});
