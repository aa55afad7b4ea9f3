'use client';

import { STAFF_ROLES, type StaffUser } from '@livecart/schemas';
import { useActionState } from 'react';
import { createUserAction, updateUserAction } from '@/app/admin/users/actions';
import type { StaffFormState } from '@/lib/auth/staff-form-state';
import styles from './admin.module.css';
import { FormResult } from './form-result';

const IDLE: StaffFormState = { status: 'idle' };

export function CreateUserForm() {
  const [state, dispatch, pending] = useActionState(createUserAction, IDLE);
  return (
    <form action={dispatch} className={styles.bulk} aria-labelledby="create-user-title" data-testid="create-user">
      <h2 id="create-user-title">New staff user</h2>
      <div className={styles.bulkFields}>
        <label>
          Email
          <input name="email" type="email" required autoComplete="off" />
        </label>
        <label>
          Name (optional)
          <input name="name" maxLength={100} autoComplete="off" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {STAFF_ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </label>
        <label>
          First password
          <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <button type="submit" className={styles.save} disabled={pending}>
          {pending ? 'Creating…' : 'Create'}
        </button>
      </div>
      <FormResult state={state} />
    </form>
  );
}

/** A user's role, and disable / enable; `self`: the signed-in admin (cannot lock themselves out here). */
export function UserRow({ user, self }: { user: StaffUser; self: boolean }) {
  const [state, dispatch, pending] = useActionState(updateUserAction, IDLE);
  return (
    <tr data-testid="user-row" data-user-id={user.id}>
      <th scope="row">
        {user.name ?? user.email}
        {user.name === null ? null : <span className={styles.sku}>{user.email}</span>}
      </th>
      <td>
        <form action={dispatch} className={styles.rowForm}>
          <input type="hidden" name="id" value={user.id} />
          <select name="role" defaultValue={user.role} aria-label={`Role of ${user.email}`} disabled={self || pending} key={user.role}>
            {STAFF_ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
          <button type="submit" className={styles.save} disabled={self || pending}>
            Change role
          </button>
        </form>
      </td>
      <td>{user.disabled ? 'disabled' : 'active'}</td>
      <td>
        <form action={dispatch} className={styles.rowForm}>
          <input type="hidden" name="id" value={user.id} />
          <input type="hidden" name="disabled" value={user.disabled ? 'false' : 'true'} />
          <button type="submit" className={styles.save} disabled={self || pending}>
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        </form>
        <FormResult state={state} />
      </td>
    </tr>
  );
}
