import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@livecart/schemas';

/** Passwords long enough to pass the length rule that attackers still try first. */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  'qwertyuiopas',
  'qwerty123456',
  'password1234',
  'password12345',
  'passwordpassword',
  'administrator',
  'administrator1',
  'letmeinletmein',
  'iloveyou1234',
  'welcome12345',
  'changeme1234',
  'changemechangeme',
  'livecart1234',
  'livecartadmin',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'abcdefghijkl',
  'abc123abc123',
  'trustno1trustno1',
  'correcthorsebatterystaple',
]);

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordWeakness(password: string, email: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `it must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `it must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const folded = password.toLowerCase();
  const localPart = email.toLowerCase().split('@')[0] ?? '';
  if (folded === email.toLowerCase() || (localPart.length >= 4 && folded.includes(localPart))) return 'it must not contain the email address';
  if (COMMON_PASSWORDS.has(folded.replace(/\s+/g, ''))) return 'it is one of the most common passwords';
  if (new Set(folded).size < 4) return 'it repeats too few different characters';
  return undefined;
}
