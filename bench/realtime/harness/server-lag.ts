/**
 * Reads our server's own publish→write lag histogram (`realtime_event_lag_seconds`) from /metrics and
 * returns the bucket bounds holding the 50th and 99th percentiles, in ms: it tells whether latency the
 * clients see was spent before the write (server, Redis) or after it (the client fleet reading late).
 */
export async function serverLagMs(httpUrl: string): Promise<{ p50: number; p99: number } | undefined> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const buckets = [...text.matchAll(/^realtime_event_lag_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)$/gm)].map((m) => ({
    le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]),
    count: Number(m[2]),
  }));
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const at = (q: number) => (buckets.find((b) => b.count >= q * total)?.le ?? Number.POSITIVE_INFINITY) * 1000;
  return { p50: at(0.5), p99: at(0.99) };
}
