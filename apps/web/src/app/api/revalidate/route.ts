import { revalidateTag } from 'next/cache';
import { z } from 'zod';
import { ALL_PRODUCTS_TAG } from '@/lib/cache-tags';
import { isRevalidateSecret, REVALIDATE_SECRET_HEADER } from '@/lib/revalidate-secret';

const BodySchema = z.union([z.object({ all: z.literal(true) }), z.object({ tags: z.array(z.string().min(1).max(256)).min(1).max(1_000) })]);

/**
 * Called only by this process's cache invalidator (revalidateTag needs a request context). Expires at
 * once (`expire: 0`): the next visitor waits for a fresh render rather than seeing a price the shop
 * has already changed.
 */
export async function POST(request: Request) {
  if (!isRevalidateSecret(request.headers.get(REVALIDATE_SECRET_HEADER))) return new Response(null, { status: 403 });
  const body = BodySchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return Response.json({ error: 'expected { all: true } or { tags: [...] }' }, { status: 400 });
  const tags = 'all' in body.data ? [ALL_PRODUCTS_TAG] : body.data.tags;
  for (const tag of tags) revalidateTag(tag, { expire: 0 });
  return Response.json({ revalidated: tags.length });
}
