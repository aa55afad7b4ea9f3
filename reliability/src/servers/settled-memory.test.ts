import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectorUrlIn, settledMemory } from './settled-memory.js';

// Holds about 15 MB of small objects until told to let go of them.
const CHILD = `
let kept = Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'item ' + i }));
process.on('message', () => { kept = undefined; process.send('dropped'); });
process.send('holding');
setInterval(() => {}, 1_000);
`;

describe('settledMemory', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('counts what the process still references, not what it dropped and V8 has not collected yet', async () => {
    child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', CHILD], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const url = new Promise<string>((resolve) => {
      createInterface({ input: child!.stderr! }).on('line', (line) => {
        const found = inspectorUrlIn(line);
        if (found !== undefined) resolve(found);
      });
    });
    await once(child, 'message');
    const holding = await settledMemory(await url);
    child.send('drop');
    await once(child, 'message');
    // Nothing has collected the dropped objects yet: only the full collection inside settledMemory does.
    const dropped = await settledMemory(await url);

    expect(holding.heapUsed - dropped.heapUsed).toBeGreaterThan(10 * 1024 * 1024);
    expect(dropped.rss).toBeGreaterThan(dropped.heapUsed);
  });
});
