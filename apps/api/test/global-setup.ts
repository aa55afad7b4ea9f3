import { ensureServices } from '@livecart/local-services';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL with CREATE DATABASE rights; each test file makes its own database from it. */
    adminDatabaseUrl: string;
    redisUrl: string;
  }
}

/** Postgres and Redis for the whole run (reachable ones, or project-local servers started here). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await ensureServices({ mode: 'test' });
  project.provide('adminDatabaseUrl', services.databaseUrl);
  project.provide('redisUrl', services.redisUrl);
  return () => services.stop();
}
