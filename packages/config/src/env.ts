import { z } from 'zod';

/** Variable names whose values must never be echoed back in an error message. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;

export interface EnvProblem {
  variable: string;
  message: string;
  received: string | undefined;
}

/** Thrown once at boot, naming every missing or invalid variable at the same time. */
export class EnvError extends Error {
  readonly problems: readonly EnvProblem[];

  constructor(problems: EnvProblem[]) {
    const lines = problems.map((p) => {
      const got = p.received === undefined ? '' : ` (got ${p.received})`;
      return `  - ${p.variable}: ${p.message}${got}`;
    });
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid environment, ${count}:\n${lines.join('\n')}`);
    this.name = 'EnvError';
    this.problems = problems;
  }
}

export type EnvSource = Record<string, string | undefined>;

function describeReceived(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (SECRET_NAME.test(name)) return '<redacted>';
  const masked = value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
  const shown = masked.length > 80 ? `${masked.slice(0, 77)}...` : masked;
  return JSON.stringify(shown);
}

function describeIssue(issue: z.core.$ZodIssue, value: string | undefined): string {
  if (value === undefined || (issue.code === 'invalid_type' && value === '')) return 'is required but not set';
  return issue.message;
}

/**
 * Validates `source` (default: `process.env`) against `shape`; returns the typed, defaulted values.
 * Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
 */
export function loadEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: EnvSource = process.env,
): z.output<z.ZodObject<Shape>> {
  const input: EnvSource = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(root)');
    const value = input[variable];
    return { variable, message: describeIssue(issue, value), received: describeReceived(variable, value) };
  });
  problems.sort((a, b) => a.variable.localeCompare(b.variable));
  throw new EnvError(problems);
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** A boolean written as true/false, 1/0, yes/no or on/off. */
export function envBoolean(defaultValue: boolean) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return defaultValue;
      const v = value.trim().toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected one of true/false, 1/0, yes/no, on/off' });
      return z.NEVER;
    });
}

/** An integer within [min, max], written in decimal. */
export function envInt(options: { min: number; max: number; default?: number }) {
  const { min, max } = options;
  const message = `expected an integer between ${min} and ${max}`;
  const parsed = z
    .string()
    .regex(/^-?\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
  return options.default === undefined ? parsed : parsed.optional().transform((v) => v ?? options.default!);
}

/** A URL whose scheme is one of `protocols` (e.g. ['postgres:', 'postgresql:']). */
export function envUrl(protocols: readonly string[]) {
  const message = `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, message);
}

/** A comma-separated list of non-empty items. */
export function envList(defaultValue: readonly string[] = []) {
  return z
    .string()
    .optional()
    .transform((value) =>
      value === undefined
        ? [...defaultValue]
        : value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean),
    );
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every service reads these. */
export const baseEnv = {
  /**
   * Unset means production: every development default (a published credential, a relaxed policy) needs
   * NODE_ENV=development said explicitly, as the `dev` scripts do, so a deployment that forgets to set
   * it gets production behaviour rather than development shortcuts.
   */
  NODE_ENV: z
    .enum(['development', 'test', 'production'], { error: 'expected development, test or production' })
    .default('production'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
};

/** HTTP listeners: `defaultPort` differs per app. */
export function httpEnv(defaultPort: number) {
  return {
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: envInt({ min: 0, max: 65535, default: defaultPort }),
    /**
     * Connections the kernel queues for the process beyond those it accepted (capped by net.core.somaxconn).
     * Node's default, 511, overflows when a balancer opens thousands of upstream connections in one burst,
     * and a dropped SYN costs its client a 1 s (then 3 s, 7 s) retransmission.
     */
    LISTEN_BACKLOG: envInt({ min: 1, max: 65_535, default: 4_096 }),
  };
}

export const databaseEnv = {
  DATABASE_URL: envUrl(['postgres:', 'postgresql:']),
  DATABASE_POOL_MAX: envInt({ min: 1, max: 500, default: 10 }),
  /** The longest a request waits for a pooled connection while connections keep coming back (a stalled pool lets waiters go after 3 s). */
  DATABASE_POOL_WAIT_MS: envInt({ min: 3_000, max: 120_000, default: 10_000 }),
};

export const redisEnv = {
  REDIS_URL: envUrl(['redis:', 'rediss:']),
  /** Prefix of every Redis key, stream and channel: lets several deployments (or test runs) share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 characters from A-Z a-z 0-9 _ . : -')
    .default('livecart'),
};
