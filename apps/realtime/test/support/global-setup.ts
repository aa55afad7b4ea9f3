import { ensureServices } from '@livecart/local-services';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One Redis for the whole run (REDIS_URL, the local one, or a throwaway); each test file uses its own prefix. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await ensureServices({ mode: 'test' });
  project.provide('redisUrl', services.redisUrl);
  return () => services.stop();
}
