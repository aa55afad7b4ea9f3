import { UnprocessableError } from '../../domain/errors.js';
import { UrlRefusedError, type UrlGuard } from '../../webhooks/url-guard.js';

/** Refuses, as a 422 naming the field, a URL the SSRF rules do not allow; nothing is stored. */
export async function checkWebhookUrl(guard: UrlGuard, url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnprocessableError('the webhook URL is not a URL', [{ field: 'body.url', message: 'is not a URL' }]);
  }
  try {
    await guard.resolve(parsed);
  } catch (error) {
    if (error instanceof UrlRefusedError) throw new UnprocessableError(`the webhook URL is refused: ${error.message}`, [{ field: 'body.url', message: error.message }]);
    throw error;
  }
}
