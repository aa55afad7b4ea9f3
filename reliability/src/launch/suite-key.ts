import { createApiKey } from '@livecart/local-services/testing';
import { API_KEY_SCOPES } from '@livecart/schemas';

/**
 * The suite's write credential: an API key with every scope, made at startup on the suite's own database
 * by the api's built keys:create command, as an operator would. The api holds no static token.
 */
export function createSuiteKey(databaseUrl: string): Promise<string> {
  return createApiKey(databaseUrl, { name: 'reliability suite', scopes: API_KEY_SCOPES });
}
