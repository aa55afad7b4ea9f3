/** What one instance tells every other when a credential stops being valid or changes. */
export type Revocation =
  | { kind: 'session'; digest: string }
  | { kind: 'user'; userId: string }
  | { kind: 'key'; keyId: string };

/** The Redis channel of revocations; only API instances publish and listen. */
export function revocationsChannel(prefix: string): string {
  return `${prefix}:auth:revocations`;
}

export function parseRevocation(message: string): Revocation | undefined {
  try {
    const value = JSON.parse(message) as Partial<Record<string, unknown>>;
    if (value.kind === 'session' && typeof value.digest === 'string') return { kind: 'session', digest: value.digest };
    if (value.kind === 'user' && typeof value.userId === 'string') return { kind: 'user', userId: value.userId };
    if (value.kind === 'key' && typeof value.keyId === 'string') return { kind: 'key', keyId: value.keyId };
  } catch {
    // Reported by the caller like any other malformed message.
  }
  return undefined;
}
