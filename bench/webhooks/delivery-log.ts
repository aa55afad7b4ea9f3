import pg from 'pg';

/**
 * What the API itself recorded as delivered to each endpoint: distinct events with a successful attempt in
 * its delivery log (the worker logs an attempt once the receiver's answer is read): a batch's row covers
 * the events of the endpoint's type from its first to its last seq. Read before the endpoints are
 * deleted, which removes their log.
 */
export async function deliveredPerEndpoint(databaseUrl: string, endpointIds: readonly string[], eventType: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ endpoint_id: string; delivered: string }>(
      `SELECT d.endpoint_id, count(DISTINCT o.seq) AS delivered
         FROM webhook_deliveries d
         JOIN outbox o ON o.seq BETWEEN d.event_seq AND d.last_event_seq AND o.type = $2
        WHERE d.endpoint_id = ANY($1::uuid[]) AND d.succeeded AND d.event_seq IS NOT NULL
        GROUP BY d.endpoint_id`,
      [endpointIds, eventType],
    );
    const byId = new Map(rows.map((row) => [row.endpoint_id, Number(row.delivered)]));
    return endpointIds.map((id) => byId.get(id) ?? 0);
  } finally {
    await client.end();
  }
}
