/** The fields of a Postgres error that decide how it is reported. */
export interface PgErrorLike {
  code: string;
  constraint?: string;
}

export function isPgError(error: unknown): error is PgErrorLike & Error {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code);
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return isPgError(error) && error.code === '23505' && (constraint === undefined || error.constraint === constraint);
}

/** What pg rejects a query with after `query_timeout` (see connectionConfig): the server did not answer in time. */
export function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return isPgError(error) && error.code === '23503' && (constraint === undefined || error.constraint === constraint);
}

export function isCheckViolation(error: unknown, constraint?: string): boolean {
  return isPgError(error) && error.code === '23514' && (constraint === undefined || error.constraint === constraint);
}
