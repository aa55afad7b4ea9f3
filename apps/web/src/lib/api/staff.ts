import 'server-only';
import {
  type ApiKeyCreate,
  ApiKeyCreatedSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  type StaffUserCreate,
  StaffUserListSchema,
  StaffUserSchema,
  type StaffUserUpdate,
} from '@livecart/schemas';
import type { CallerHeaders } from './auth';
import { apiRequest } from './http';

/** Staff users and API keys, managed through the API as the signed-in admin. */
export async function listStaffUsers(caller: CallerHeaders) {
  return (await apiRequest('/v1/staff-users', { headers: caller, schema: StaffUserListSchema })).data.items;
}

export async function createStaffUser(caller: CallerHeaders, user: StaffUserCreate) {
  return (await apiRequest('/v1/staff-users', { method: 'POST', body: user, headers: caller, schema: StaffUserSchema })).data;
}

export async function updateStaffUser(caller: CallerHeaders, id: string, changes: StaffUserUpdate) {
  return (await apiRequest(`/v1/staff-users/${id}`, { method: 'PATCH', body: changes, headers: caller, schema: StaffUserSchema })).data;
}

export async function listApiKeys(caller: CallerHeaders) {
  return (await apiRequest('/v1/api-keys', { headers: caller, schema: ApiKeyListSchema })).data.items;
}

export async function createApiKey(caller: CallerHeaders, key: ApiKeyCreate) {
  return (await apiRequest('/v1/api-keys', { method: 'POST', body: key, headers: caller, schema: ApiKeyCreatedSchema })).data;
}

export async function revokeApiKey(caller: CallerHeaders, id: string) {
  return (await apiRequest(`/v1/api-keys/${id}`, { method: 'DELETE', headers: caller, schema: ApiKeySchema })).data;
}
