'use server';

import { CategorySlugSchema, CurrencySchema, StockSchema } from '@livecart/schemas/common';
import type { Product } from '@livecart/schemas/product';
import { updateTag } from 'next/cache';
import { z } from 'zod';
import { updateProduct } from '@/lib/api/admin';
import { ApiError } from '@/lib/api/http';
import { getProduct } from '@/lib/api/products';
import { productTag } from '@/lib/cache-tags';
import { parseMoney } from '@/lib/money';
import { repriceCategory } from '@/lib/reprice-category';

export type SaveState =
  | { status: 'idle' }
  | { status: 'saved'; product: Product }
  | { status: 'conflict'; product: Product | null; message: string }
  | { status: 'error'; message: string };

const SaveFormSchema = z.object({
  id: z.uuid(),
  version: z.coerce.number().int().min(1),
  currency: CurrencySchema,
  price: z.string(),
  stock: z.string().regex(/^\s*\d+\s*$/, { error: 'Stock must be a whole number.' }).transform(Number).pipe(StockSchema),
});

/** Saves one product's price and stock, refused if someone changed it since the editor loaded it. */
export async function saveProduct(_previous: SaveState, formData: FormData): Promise<SaveState> {
  const input = SaveFormSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { status: 'error', message: input.error.issues[0]?.message ?? 'Invalid input.' };
  const { id, version, currency, price, stock } = input.data;
  const priceMinor = parseMoney(price, currency);
  if (priceMinor === null) return { status: 'error', message: `Price must be an amount like 12.50 in ${currency}.` };
  try {
    const product = await updateProduct(id, version, { priceMinor, stock });
    updateTag(productTag(id));
    return { status: 'saved', product };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'VERSION_MISMATCH') {
      const fresh = await getProduct(id).catch(() => null);
      return { status: 'conflict', product: fresh?.product ?? null, message: 'Someone changed this product meanwhile. Check the new values, then save again.' };
    }
    return { status: 'error', message: error.message };
  }
}

export type RepriceState = { status: 'idle' } | { status: 'done'; count: number; message: string } | { status: 'error'; message: string };

const RepriceFormSchema = z.object({
  category: CategorySlugSchema,
  percent: z.string().regex(/^[+-]?\d{1,3}([.,]\d{1,2})?$/, { error: 'Percent must be a number like -10 or 2.5.' }),
});

/** Changes every price in a category by a percentage, through the API's all-or-nothing bulk update. */
export async function repriceCategoryAction(_previous: RepriceState, formData: FormData): Promise<RepriceState> {
  const input = RepriceFormSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { status: 'error', message: input.error.issues[0]?.message ?? 'Invalid input.' };
  const { category, percent } = input.data;
  if (Number(percent.replace(',', '.')) <= -100) return { status: 'error', message: 'A price cut must be less than 100 %.' };
  try {
    const count = await repriceCategory(category, percent);
    const signed = percent.startsWith('-') || percent.startsWith('+') ? percent : `+${percent}`;
    return { status: 'done', count, message: `Repriced ${count} product${count === 1 ? '' : 's'} in ${category} by ${signed} %.` };
  } catch (error) {
    if (error instanceof ApiError) return { status: 'error', message: error.message };
    throw error;
  }
}
