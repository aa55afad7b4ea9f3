/** The seed every fuzz run uses unless FUZZ_SEED names another: a failure reproduces run after run. */
export const DEFAULT_FUZZ_SEED = 20_251_122;

/** FUZZ_SEED when set (a 32-bit integer), else the default; `label` prefixes the line that prints it. */
export function fuzzSeed(label: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUZZ_SEED;
  let seed = DEFAULT_FUZZ_SEED;
  if (raw !== undefined && raw !== '') {
    seed = Number(raw);
    if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31) {
      throw new Error(`FUZZ_SEED must be a 32-bit integer, got ${JSON.stringify(raw)}`);
    }
  }
  console.log(`[${label}] fuzz seed ${seed} (reproduce with FUZZ_SEED=${seed})`);
  return seed;
}
