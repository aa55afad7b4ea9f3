/**
 * What every process a suite starts inherits from the runner's environment, and nothing more: vitest
 * sets NODE_ENV=test, and a developer's shell may hold ADMIN_TOKEN, LOG_LEVEL or DATABASE_URL, none of
 * which may change how the servers under test behave.
 */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'] as const;

/** The inherited variables plus production mode; callers add the app's own settings. */
export function processBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' };
}
