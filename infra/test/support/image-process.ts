import { readFile } from 'node:fs/promises';
import type { BuiltImage } from './build-without-engine.js';

export const isRoot = process.getuid?.() === 0;

/**
 * argv that runs `command` the way the container would: as the image's USER (when we can switch users,
 * i.e. as root), with this machine's node standing in for the image's.
 */
export function asImageUser(image: BuiltImage, command: readonly string[]): { command: string; args: string[] } {
  const [program, ...rest] = command;
  const argv = [program === 'node' ? process.execPath : program!, ...rest];
  if (!isRoot || image.user === undefined) return { command: argv[0]!, args: argv.slice(1) };
  const [uid, gid = uid] = image.user.split(':');
  return { command: 'setpriv', args: [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...argv] };
}

/** The container's environment: the image's ENV plus what compose/Kubernetes would inject, nothing of ours. */
export function imageEnv(image: BuiltImage, injected: Record<string, string>): NodeJS.ProcessEnv {
  return { ...image.env, ...injected };
}

/** The real (not effective-only) uid of a running process, from /proc. */
export async function uidOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}
