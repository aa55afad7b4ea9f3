import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readStages } from './dockerfile.js';
import { infraRoot, type AppName } from './repo.js';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  restart?: string;
  profiles?: string[];
  networks?: Record<string, { ipv4_address?: string; aliases?: string[] } | null>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string }[] } }>;
}

export const composePath = `${infraRoot}compose.yaml`;

/** The file as Compose sees it: YAML merge keys (`<<: *anchor`) resolved. */
export function readCompose(): ComposeFile {
  return parse(readFileSync(composePath, 'utf8'), { merge: true }) as ComposeFile;
}

/** Which app a service runs, from its image name (`livecart-<app>:tag`); undefined for Postgres, Redis, nginx. */
export function appOf(service: ComposeService): AppName | undefined {
  const match = /^livecart-(api|realtime|web):/.exec(service.image ?? '');
  return match?.[1] as AppName | undefined;
}

/** The Dockerfile a service's image is built from, as a path on this machine. */
export function dockerfileOf(service: ComposeService): string | undefined {
  if (service.build === undefined) return undefined;
  return new URL(service.build.dockerfile, new URL(`${service.build.context}/`, `file://${infraRoot}`)).pathname;
}

/** A compose healthcheck, or else the HEALTHCHECK baked into the service's image. */
export function hasHealthcheck(service: ComposeService): boolean {
  if (service.healthcheck !== undefined) return true;
  const dockerfile = dockerfileOf(service);
  if (dockerfile === undefined) return false;
  return readStages(dockerfile).at(-1)?.steps.some((step) => step.keyword === 'HEALTHCHECK') ?? false;
}

/** The migration job's command, shared with the image test so both run migrations the same way. */
export function migrateCommand(): string[] {
  const command = readCompose().services.migrate?.command;
  if (command === undefined) throw new Error('compose.yaml has no migrate service command');
  return command;
}
