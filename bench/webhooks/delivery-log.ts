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
      // Each seq a batch covers, looked up by the outbox's unique seq: a join on the range itself was planned as
      // a scan of the outbox per log row (over a minute a phase once batches came every 50 ms).
      `SELECT d.endpoint_id, count(DISTINCT o.seq) AS delivered
         FROM webhook_deliveries d
         CROSS JOIN LATERAL generate_series(d.event_seq, coalesce(d.last_event_seq, d.event_seq)) AS covered(seq)
         JOIN outbox o ON o.seq = covered.seq AND o.type = $2
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
