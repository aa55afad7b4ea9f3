import { randomBytes } from 'node:crypto';
import type { StaffRole } from '@livecart/schemas';

export interface StaffAccount {
  email: string;
  password: string;
  role: StaffRole;
}

/** A fresh account per run (made with local-services' createStaffUser, i.e. the API's users:create): a strong random password, an address that names the role. */
export function newStaffAccount(role: StaffRole, label: string = role): StaffAccount {
  return { email: `${label}-${randomBytes(4).toString('hex')}@staff.example.com`, password: randomBytes(18).toString('base64url'), role };
}
