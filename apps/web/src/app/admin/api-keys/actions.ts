'use server';

import { IdSchema } from '@livecart/schemas/common';
import { ApiKeyCreateSchema } from '@livecart/schemas';
import { refresh } from 'next/cache';
import { ApiError } from '@/lib/api/http';
import { createApiKey, revokeApiKey } from '@/lib/api/staff';
import { errorState, type StaffFormState } from '@/lib/auth/staff-form-state';
import { authorizeAction, refusalOf } from '@/lib/auth/staff-session';

/** A named, scoped key; its secret is in this answer only and is never stored here. Admins only. */
export async function createKeyAction(_previous: StaffFormState, formData: FormData): Promise<StaffFormState> {
  const caller = await authorizeAction('admin');
  if ('status' in caller) return caller;
  const input = ApiKeyCreateSchema.safeParse({ name: formData.get('name'), scopes: formData.getAll('scopes') });
  if (!input.success) {
    const issue = input.error.issues[0];
    return { status: 'error', message: issue ? `${String(issue.path[0] ?? 'Input')} ${issue.message}.` : 'Invalid input.' };
  }
  try {
    const key = await createApiKey(caller.headers, input.data);
    refresh();
    return { status: 'done', message: `Created ${key.name}. Copy the key now: it is not shown again.`, secret: key.key };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refusalOf(error) ?? errorState(error);
  }
}

/** Refused from the key's next request on. Admins only. */
export async function revokeKeyAction(_previous: StaffFormState, formData: FormData): Promise<StaffFormState> {
  const caller = await authorizeAction('admin');
  if ('status' in caller) return caller;
  const id = IdSchema.safeParse(formData.get('id'));
  if (!id.success) return { status: 'error', message: 'Unknown key.' };
  try {
    const key = await revokeApiKey(caller.headers, id.data);
    refresh();
    return { status: 'done', message: `Revoked ${key.name}.` };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refusalOf(error) ?? errorState(error);
  }
}
