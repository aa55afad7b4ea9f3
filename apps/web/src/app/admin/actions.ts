'use server';

import { CategorySlugSchema, CurrencySchema, StockSchema } from '@livecart/schemas/common';
import { type Product, RepricePercentSchema } from '@livecart/schemas/product';
import { z } from 'zod';
import { repriceCategory, updateProduct } from '@/lib/api/admin';
import { ApiError } from '@/lib/api/http';
import { getProduct } from '@/lib/api/products';
import { authorizeAction, type Forbidden, refusalOf } from '@/lib/auth/staff-session';
import { parseMoney } from '@/lib/money';

export type SaveState =
  | { status: 'idle' }
  | { status: 'saved'; product: Product }
  | { status: 'conflict'; product: Product | null; message: string }
  | { status: 'error'; message: string }
  | Forbidden;

const SaveFormSchema = z.object({
  id: z.uuid(),
  version: z.coerce.number().int().min(1),
  currency: CurrencySchema,
  price: z.string(),
  stock: z.string().regex(/^\s*\d+\s*$/, { error: 'Stock must be a whole number.' }).transform(Number).pipe(StockSchema),
});

/**
 * Saves one product's price and stock as the signed-in editor, refused if someone changed it since the
 * editor loaded it. The cached product page is expired by the event this write emits
 * (lib/cache-invalidation), as for every other writer, not here.
 */
export async function saveProduct(_previous: SaveState, formData: FormData): Promise<SaveState> {
  const caller = await authorizeAction('editor');
  if ('status' in caller) return caller;
  const input = SaveFormSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { status: 'error', message: input.error.issues[0]?.message ?? 'Invalid input.' };
  const { id, version, currency, price, stock } = input.data;
  const priceMinor = parseMoney(price, currency);
  if (priceMinor === null) return { status: 'error', message: `Price must be an amount like 12.50 in ${currency}.` };
  try {
    const product = await updateProduct(caller.headers, id, version, { priceMinor, stock });
    return { status: 'saved', product };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const refusal = refusalOf(error);
    if (refusal) return refusal;
    if (error.code === 'VERSION_MISMATCH') {
      const fresh = await getProduct(id).catch(() => null);
      return { status: 'conflict', product: fresh?.product ?? null, message: 'Someone changed this product meanwhile. Check the new values, then save again.' };
    }
    return { status: 'error', message: error.message };
  }
}

export type RepriceState = { status: 'idle' } | { status: 'done'; count: number; message: string } | { status: 'error'; message: string } | Forbidden;

const RepriceFormSchema = z.object({
  category: CategorySlugSchema,
  // People type a decimal comma too; the API takes a point.
  percent: z
    .string()
    .trim()
    .transform((value) => value.replace(',', '.'))
    .pipe(RepricePercentSchema),
});

/** Changes every price in a category by a percentage, as the signed-in editor: one request, applied by the API all or nothing. */
export async function repriceCategoryAction(_previous: RepriceState, formData: FormData): Promise<RepriceState> {
  const caller = await authorizeAction('editor');
  if ('status' in caller) return caller;
  const input = RepriceFormSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) {
    const issue = input.error.issues[0];
    return { status: 'error', message: issue ? `${String(issue.path[0] ?? 'Input')}: ${issue.message}.` : 'Invalid input.' };
  }
  const { category, percent } = input.data;
  try {
    const { changed, matched } = await repriceCategory(caller.headers, { category, change: { kind: 'percent', percent } });
    const signed = percent.startsWith('-') || percent.startsWith('+') ? percent : `+${percent}`;
    return { status: 'done', count: changed, message: `Repriced ${changed} of ${matched} product${matched === 1 ? '' : 's'} in ${category} by ${signed} %.` };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const refusal = refusalOf(error);
    if (refusal) return refusal;
    const first = error.details[0];
    return { status: 'error', message: first ? `${error.message}: ${first.message}.` : error.message };
  }
}
