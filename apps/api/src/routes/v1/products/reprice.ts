import {
  CategoryRepriceResultSchema,
  CategoryRepriceSchema,
  MAX_MINOR_AMOUNT,
  REPRICE_MAX_PRODUCTS, type CategoryReprice, type CategoryRepriceResult } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { repriceCategory } from '../../../services/products/reprice-category.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';

const DESCRIPTION = `Changes the price of every product in \`category\` by a percentage (\`change.percent\`, a decimal string with at most two decimals, rounded to a whole minor unit by \`rounding\`) or by a signed amount in minor units of \`change.currency\`, in one transaction: every product changes or none does.

- A product whose price would end at or below zero, or above ${MAX_MINOR_AMOUNT} minor units, or that is priced in another currency than an amount change names, refuses the whole change: **422** \`VALIDATION_FAILED\`, \`details\` naming \`body.change.*\` and the products (at most 100).
- A category with no products: **404**; with more than ${REPRICE_MAX_PRODUCTS} products: **422** naming \`body.category\`; a count other than \`expectedCount\`: **409** \`CONFLICT\`.
- Rows are locked in id order, like every other multi-row write, so concurrent edits wait instead of deadlocking; each new price is computed from the price under the lock.
- Each changed product gets a new \`version\` (its ETag) and one \`product.updated\` event carrying its new state; products whose price does not move are left alone.`;

export async function repriceCategoryRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: CategoryReprice }>(
    '/reprice',
    {
      config: { access: CATALOG_WRITE, openapi: { refusals: [404, 409, 422] } },
      schema: {
        tags: ['products'],
        operationId: 'repriceCategory',
        summary: 'Change every price in a category in one transaction (all or nothing)',
        description: DESCRIPTION,
        body: inputSchema(CategoryRepriceSchema),
        response: { 200: outputSchema(CategoryRepriceResultSchema), ...errorResponses() },
      },
    },
    async (request): Promise<CategoryRepriceResult> => {
      const result = await repriceCategory({ pool: fastify.db, request: request.body, actor: request.actor });
      await Promise.all(result.items.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
      return result;
    },
  );
}
