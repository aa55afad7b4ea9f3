/** A one-line progress bar on a TTY stream; on anything else, a line per tenth so logs stay readable. */
export function createProgressBar(total: number, stream: NodeJS.WriteStream = process.stderr) {
  const width = 30;
  let lastTenth = -1;
  return {
    update(done: number): void {
      const ratio = total === 0 ? 1 : Math.min(1, done / total);
      if (stream.isTTY) {
        const filled = Math.round(ratio * width);
        const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
        stream.write(`\r[${bar}] ${done}/${total} ${Math.round(ratio * 100)}%`);
        return;
      }
      const tenth = Math.floor(ratio * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`seed: ${done}/${total} (${tenth * 10}%)\n`);
      }
    },
    finish(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
