import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  name: string;
  level?: string;
  /** Human-readable output; defaults to on in development only. */
  pretty?: boolean;
  nodeEnv?: string;
}

/** Values at these paths are replaced before a line is written, wherever the line comes from. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'headers.authorization',
  'authorization',
  'token',
  'adminToken',
  '*.token',
  '*.adminToken',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  '*.password_hash',
  'res.headers["set-cookie"]',
];

export function loggerOptions(options: CreateLoggerOptions): LoggerOptions {
  const pretty = options.pretty ?? options.nodeEnv === 'development';
  return {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

/** pino logger: pretty in development, one JSON object per line otherwise. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(loggerOptions(options));
}
