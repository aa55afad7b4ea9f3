'use server';

import { IdSchema } from '@livecart/schemas/common';
import { StaffRoleSchema, StaffUserCreateSchema } from '@livecart/schemas';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { ApiError } from '@/lib/api/http';
import { createStaffUser, updateStaffUser } from '@/lib/api/staff';
import { errorState, type StaffFormState } from '@/lib/auth/staff-form-state';
import { authorizeAction, refusalOf } from '@/lib/auth/staff-session';

/**
 * The named fields of a form, absent or blank ones left out (React adds fields of its own to a form's
 * data; an optional field left empty means "none").
 */
function fieldsOf(formData: FormData, names: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = formData.get(name);
    if (typeof value === 'string' && value.trim() !== '') fields[name] = value;
  }
  return fields;
}

/** A new staff user with a role and a first password (the API refuses a weak one and says why). Admins only. */
export async function createUserAction(_previous: StaffFormState, formData: FormData): Promise<StaffFormState> {
  const caller = await authorizeAction('admin');
  if ('status' in caller) return caller;
  const input = StaffUserCreateSchema.safeParse(fieldsOf(formData, ['email', 'name', 'role', 'password']));
  if (!input.success) {
    const issue = input.error.issues[0];
    return { status: 'error', message: issue ? `${String(issue.path[0] ?? 'Input')} ${issue.message}.` : 'Invalid input.' };
  }
  try {
    const user = await createStaffUser(caller.headers, input.data);
    refresh();
    return { status: 'done', message: `Created ${user.name ?? user.email} (${user.role}).` };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refusalOf(error) ?? errorState(error);
  }
}

const UpdateFormSchema = z.strictObject({
  id: IdSchema,
  role: StaffRoleSchema.optional(),
  disabled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
});

/** A role change, or disable / enable: effective from the user's next request. Admins only. */
export async function updateUserAction(_previous: StaffFormState, formData: FormData): Promise<StaffFormState> {
  const caller = await authorizeAction('admin');
  if ('status' in caller) return caller;
  const input = UpdateFormSchema.safeParse(fieldsOf(formData, ['id', 'role', 'disabled']));
  if (!input.success || (input.data.role === undefined && input.data.disabled === undefined)) return { status: 'error', message: 'Choose a role, or disable or enable the user.' };
  const { id, role, disabled } = input.data;
  try {
    const user = await updateStaffUser(caller.headers, id, { role, disabled });
    refresh();
    return { status: 'done', message: `${user.email}: ${user.role}${user.disabled ? ', disabled' : ''}.` };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refusalOf(error) ?? errorState(error);
  }
}
