import pg from 'pg';

/** The rows a refused request must leave as they were. */
const TABLES = ['products', 'staff_users', 'api_keys'] as const;

/** Every row of the guarded tables, as text, in a stable order: equal snapshots mean nothing changed. */
export async function snapshotRows(databaseUrl: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const snapshot: Record<string, string[]> = {};
    for (const table of TABLES) {
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY id`);
      snapshot[table] = rows.map((r) => r.row);
    }
    return snapshot;
  } finally {
    await client.end();
  }
}
