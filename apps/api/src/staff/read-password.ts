import { createInterface } from 'node:readline';

/**
 * A password from the terminal without echo, or the first line of stdin when it is not a terminal
 * (`echo "$PASSWORD" | pnpm … users:create …`), so that it never appears in argv or shell history.
 */
export async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const lines = createInterface({ input });
    for await (const line of lines) return line;
    return '';
  }
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let password = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          return resolve(password);
        }
        if (char === '\u0003') {
          finish();
          return reject(new Error('cancelled'));
        }
        password = char === '\u007f' ? password.slice(0, -1) : password + char;
      }
    };
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    input.on('data', onData);
  });
}
