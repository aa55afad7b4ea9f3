import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileHit {
  file: string;
  needle: string;
}

/** Every file under `dir` (recursively) whose bytes contain one of `needles`; also how many files were read. */
export async function filesContaining(dir: string, needles: readonly string[]): Promise<{ hits: FileHit[]; filesRead: number }> {
  const hits: FileHit[] = [];
  let filesRead = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    filesRead += 1;
    for (const needle of needles) if (bytes.includes(needle)) hits.push({ file, needle });
  }
  return { hits, filesRead };
}
