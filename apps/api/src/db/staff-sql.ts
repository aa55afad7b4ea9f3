/** The columns of a staff user, aliased to StaffUserSchema; never the password hash. */
export const STAFF_USER_COLUMNS = 'id, email, name, role, disabled, created_at AS "createdAt", updated_at AS "updatedAt"';

/** The columns of an API key, aliased to ApiKeySchema; never the digest. */
export const API_KEY_COLUMNS =
  'id, name, scopes, prefix, created_by AS "createdBy", created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"';
