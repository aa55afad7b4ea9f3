import {
  StaffUserCreateSchema,
  StaffUserIdParamsSchema,
  StaffUserListSchema,
  StaffUserSchema,
  StaffUserUpdateSchema,
  type StaffUser,
  type StaffUserCreate,
  type StaffUserIdParams,
  type StaffUserList,
  type StaffUserUpdate,
} from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type { Access } from '../../../auth/access.js';
import { BadRequestError } from '../../../domain/errors.js';
import { createStaffUser } from '../../../services/staff/create-staff-user.js';
import { listStaffUsers } from '../../../services/staff/list-staff-users.js';
import { updateStaffUser } from '../../../services/staff/update-staff-user.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

/** Staff administration: signed-in admins only, never an API key. */
export const STAFF_ADMIN: Access = { role: 'admin' };

export async function staffUserRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get(
    '/',
    {
      config: { access: STAFF_ADMIN },
      schema: { tags: ['staff'], operationId: 'listStaffUsers', summary: 'Every staff user', response: { 200: outputSchema(StaffUserListSchema), ...errorResponses() } },
    },
    async (): Promise<StaffUserList> => ({ items: await listStaffUsers({ pool: fastify.db }) }),
  );

  fastify.post<{ Body: StaffUserCreate }>(
    '/',
    {
      config: { access: STAFF_ADMIN, openapi: { refusals: [409] } },
      schema: {
        tags: ['staff'],
        operationId: 'createStaffUser',
        summary: 'Create a staff user; a weak password is refused with the reason, a taken email with 409',
        body: inputSchema(StaffUserCreateSchema),
        response: { 201: outputSchema(StaffUserSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<StaffUser> => {
      const user = await createStaffUser({ pool: fastify.db, ...request.body, actor: request.actor });
      reply.code(201);
      return user;
    },
  );

  fastify.patch<{ Params: StaffUserIdParams; Body: StaffUserUpdate }>(
    '/:id',
    {
      config: { access: STAFF_ADMIN, openapi: { refusals: [409] } },
      schema: {
        tags: ['staff'],
        operationId: 'updateStaffUser',
        summary: "Change a user's role, disable or enable them; effective from their next request",
        params: inputSchema(StaffUserIdParamsSchema),
        body: inputSchema(StaffUserUpdateSchema),
        response: { 200: outputSchema(StaffUserSchema), ...errorResponses() },
      },
    },
    async (request): Promise<StaffUser> => {
      const { id } = request.params;
      const { role, disabled } = request.body;
      if (role === undefined && disabled === undefined) throw new BadRequestError('nothing to change: give role, disabled or both', [{ field: 'body', message: 'needs role or disabled' }]);
      const user = await updateStaffUser({ pool: fastify.db, id, role, disabled, actor: request.actor });
      await fastify.identity.revoke({ kind: 'user', userId: id });
      return user;
    },
  );
}
