import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appDir, processBaseEnv } from '@livecart/local-services/testing';
import type { StaffRole } from '@livecart/schemas';

export interface StaffAccount {
  email: string;
  password: string;
  role: StaffRole;
}

/** A fresh account per run: a strong random password, an address that names the role. */
export function newStaffAccount(role: StaffRole, label: string = role): StaffAccount {
  return { email: `${label}-${randomBytes(4).toString('hex')}@staff.example.com`, password: randomBytes(18).toString('base64url'), role };
}

/**
 * Creates the account with the API's own built command (`users:create`), the password on stdin as an
 * operator would pipe it, so it never appears in argv.
 */
export async function createStaffAccount(databaseUrl: string, account: StaffAccount): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['dist/staff/create-user-cli.js', '--email', account.email, '--role', account.role],
      { cwd: appDir('api'), env: { ...processBaseEnv(), NODE_ENV: 'production', DATABASE_URL: databaseUrl }, encoding: 'utf8' },
      (error, _stdout, stderr) => (error ? reject(new Error(`users:create ${account.email} failed: ${error.message}\n${stderr}`)) : resolve()),
    );
    child.stdin?.end(`${account.password}\n`);
  });
}
