export type Log = (line: string) => void;

// stderr, so that `livecart-services env` can print URLs on stdout for `eval`/dotenv use.
export const logToStderr: Log = (line) => {
  process.stderr.write(`[services] ${line}\n`);
};
