import { describe, expect, it } from 'vitest';
import { sessionFromSetCookie } from './session-cookie';

describe('sessionFromSetCookie', () => {
  it("reads the value and expiry of the API's session cookie among others", () => {
    const headers = new Headers();
    headers.append('set-cookie', 'other=1; Path=/');
    headers.append('set-cookie', 'livecart_session=abc.d%2Be%2Ff; Path=/; Expires=Sun, 13 Dec 2026 12:00:00 GMT; HttpOnly; SameSite=Lax');
    expect(sessionFromSetCookie(headers)).toEqual({ value: 'abc.d+e/f', expires: new Date('2026-12-13T12:00:00Z') });
  });

  it('finds none in an answer without it, or with it cleared', () => {
    expect(sessionFromSetCookie(new Headers())).toBeUndefined();
    expect(sessionFromSetCookie(new Headers({ 'set-cookie': 'livecart_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT' }))).toBeUndefined();
  });
});
