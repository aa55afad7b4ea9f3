import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_LOGIN, loginHref, safeNextPath } from './login-redirect';

describe('safeNextPath', () => {
  it('keeps a path of this site with its query', () => {
    expect(safeNextPath('/admin?category=home&q=mug')).toBe('/admin?category=home&q=mug');
    expect(safeNextPath('/admin/users')).toBe('/admin/users');
  });

  it.each([
    'https://evil.example/admin',
    '//evil.example/admin',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    'admin',
    '/\tevil',
    '/login?next=/admin',
    undefined,
    ['/admin'],
  ])('sends %j to the default instead', (next) => {
    expect(safeNextPath(next)).toBe(DEFAULT_AFTER_LOGIN);
  });

  it('builds a login link that comes back', () => {
    expect(loginHref('/admin/api-keys')).toBe('/login?next=%2Fadmin%2Fapi-keys');
  });
});
