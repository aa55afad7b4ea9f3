import { parseArgs } from 'node:util';
import { StaffNameSchema, StaffRoleSchema, type Actor } from '@livecart/schemas';
import { createPool } from '../db/pool.js';
import { DomainError } from '../domain/errors.js';
import { loadToolEnv } from '../env.js';
import { createStaffUser } from '../services/staff/create-staff-user.js';
import { readPassword } from './read-password.js';

/** Whoever runs the command on the server: recorded as the system, under the command's name. */
const CLI_ACTOR: Actor = { type: 'system', id: null, name: 'users:create (command line)' };

const USAGE = 'usage: users:create --email <email> --role viewer|editor|admin [--name <display name>]   (password prompted, or piped on stdin)';

const { values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } } });
const role = StaffRoleSchema.safeParse(values.role);
const name = StaffNameSchema.optional().safeParse(values.name);
if (values.email === undefined || !role.success || !name.success) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const env = loadToolEnv();
const pool = createPool({ connectionString: env.DATABASE_URL, max: 1, statementTimeoutMs: 10_000, applicationName: 'livecart-users-create' });
try {
  const password = await readPassword(`password for ${values.email}: `);
  const user = await createStaffUser({ pool, email: values.email, name: name.data, password, role: role.data, actor: CLI_ACTOR });
  process.stderr.write(`created ${user.role} ${user.email} (${user.id})\n`);
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  process.stderr.write(`refused: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
