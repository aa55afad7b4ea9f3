import pg from 'pg';

/**
 * What the API itself recorded as delivered to each endpoint: distinct events with a successful attempt in
 * its delivery log (the worker logs an attempt once the receiver's answer is read). Read before the
 * endpoints are deleted, which removes their log.
 */
export async function deliveredPerEndpoint(databaseUrl: string, endpointIds: readonly string[]): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ endpoint_id: string; delivered: string }>(
      `SELECT endpoint_id, count(DISTINCT event_seq) AS delivered
         FROM webhook_deliveries
        WHERE endpoint_id = ANY($1::uuid[]) AND succeeded AND event_seq IS NOT NULL
        GROUP BY endpoint_id`,
      [endpointIds],
    );
    const byId = new Map(rows.map((row) => [row.endpoint_id, Number(row.delivered)]));
    return endpointIds.map((id) => byId.get(id) ?? 0);
  } finally {
    await client.end();
  }
}
