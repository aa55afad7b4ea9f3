import { Redis } from 'ioredis';

/**
 * Baseline: the product lookup as a Next.js App Router route handler served by `next start` — the same
 * work as the naive Fastify route (bench/api/servers/naive-product.ts): one Redis GET, JSON.parse and
 * JSON re-serialisation per request, no cache of its own. Next logs nothing per request by default.
 *
 * `pnpm bench --suite next-baseline` copies this folder to bench/results/tmp, links `next` and `react`
 * from apps/web and `ioredis` from bench, builds it and starts it.
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = process.env.NAIVE_PREFIX ?? 'bench:naive';

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const raw = await redis.get(`${prefix}:${id}`);
  if (raw === null) return Response.json({ error: 'not found' }, { status: 404 });
  return Response.json(JSON.parse(raw) as unknown);
}
