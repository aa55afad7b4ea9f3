export type ServiceKey = 'postgres' | 'redis';

const INSTALL: Record<ServiceKey, { label: string; binaries: string; apt: string; brew: string }> = {
  postgres: { label: 'Postgres', binaries: 'initdb/pg_ctl/postgres', apt: 'postgresql', brew: 'postgresql@16' },
  redis: { label: 'Redis', binaries: 'redis-server', apt: 'redis-server', brew: 'redis' },
};

/** Nothing answers and there is nothing installed to start: the message says what to install. */
export class MissingServicesError extends Error {
  override readonly name = 'MissingServicesError';
  readonly missing: readonly ServiceKey[];

  constructor(missing: readonly ServiceKey[]) {
    const pick = (field: 'label' | 'binaries' | 'apt' | 'brew') => missing.map((key) => INSTALL[key][field]);
    super(
      [
        `${pick('label').join(' and ')} not available: nothing answers on 127.0.0.1 and no ${pick('binaries').join(' or ')} binaries are installed.`,
        'Install them, then run the command again:',
        `  Debian/Ubuntu:  sudo apt-get install -y ${pick('apt').join(' ')}`,
        `  macOS:          brew install ${pick('brew').join(' ')}`,
        `Or run them in Docker: docker compose -f infra/compose.yaml up -d ${missing.join(' ')}`,
        '  then set DATABASE_URL and REDIS_URL to the URLs it publishes.',
      ].join('\n'),
    );
    this.missing = missing;
  }
}

/** A server was named (DATABASE_URL/REDIS_URL) or expected, but does not answer. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
}

/** Postgres answers, but the development database is missing and could not be created there. */
export class DevDatabaseError extends Error {
  override readonly name = 'DevDatabaseError';
}
