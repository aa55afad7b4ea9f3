import type { ApiError } from '@/lib/api/http';
import type { Forbidden } from './staff-session';

/** What a staff or API-key form shows after its action. `secret`: a new API key, shown this once. */
export type StaffFormState = { status: 'idle' } | { status: 'done'; message: string; secret?: string } | { status: 'error'; message: string } | Forbidden;

/** The API's refusal in a sentence, naming the first field it complains about. */
export function errorState(error: ApiError): StaffFormState {
  const first = error.details[0];
  return { status: 'error', message: first ? `${error.message}: ${first.field.replace(/^body\./, '')} ${first.message}.` : `${error.message}.` };
}
