import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { ApiError } from '@/lib/api/http';
import { getProductsByIds } from '@/lib/api/products';

/** Matches the live store's refetch chunk; bounds the fan-out one browser can cause. */
const MAX_IDS = 100;

const IdsSchema = z.array(z.uuid()).min(1).max(MAX_IDS);

/**
 * Fresh products for the live store after the realtime server answered `reset` (its history no longer
 * covers the tab's resume point). Public data only, so no credentials are involved.
 */
export async function GET(request: NextRequest) {
  const ids = IdsSchema.safeParse([...new Set(request.nextUrl.searchParams.get('ids')?.split(',') ?? [])]);
  if (!ids.success) {
    return Response.json({ error: `ids must be 1-${MAX_IDS} comma-separated product UUIDs` }, { status: 400 });
  }
  try {
    return Response.json(await getProductsByIds(ids.data), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (error instanceof ApiError) return Response.json({ error: error.message }, { status: 502 });
    throw error;
  }
}
