import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIgnored, readIgnoreRules } from './support/build-context.js';
import { execForm, parseAssignments, parseMount, readStages, type Stage, type Step } from './support/dockerfile.js';
import { APPS, infraRoot, repoRoot, SECRET_NAME } from './support/repo.js';

/** The exact Node.js the repository pins (.nvmrc): the images run what the tests ran. */
const pinnedNode = readFileSync(`${repoRoot}.nvmrc`, 'utf8').trim().replace(/^v/, '');
/** An exact version tag (optionally with its digest) of the slim Debian trixie image. */
const SLIM_NODE_IMAGE = /^node:(\d+\.\d+\.\d+)-trixie-slim(@sha256:[0-9a-f]{64})?$/;

const workspaceVersions = {
  pnpm: (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { packageManager: string }).packageManager.replace(/^pnpm@/, ''),
  turbo: (JSON.parse(readFileSync(`${repoRoot}node_modules/turbo/package.json`, 'utf8')) as { version: string }).version,
};

const indexOf = (steps: Step[], predicate: (step: Step) => boolean) => steps.findIndex(predicate);

describe.each(APPS)('infra/docker/%s.Dockerfile', (app) => {
  const stages = readStages(`${infraRoot}docker/${app}.Dockerfile`);
  const final = stages.at(-1)!;
  const stageNames = new Set(stages.map((stage) => stage.name));
  const all = stages.flatMap((stage) => stage.steps);
  const finalOf = (keyword: string) => final.steps.filter((step) => step.keyword === keyword);

  it('starts every image stage from the slim image of the exact Node version in .nvmrc', () => {
    for (const stage of stages.filter((s) => !stageNames.has(s.from))) {
      const match = SLIM_NODE_IMAGE.exec(stage.from);
      expect(match, `${stage.name}: FROM ${stage.from}`).not.toBeNull();
      expect(match![1], `${stage.name}: FROM ${stage.from}`).toBe(pinnedNode);
    }
  });

  it('runs the final stage as a numeric non-root user', () => {
    const user = finalOf('USER').at(-1)?.args;
    expect(user, 'no USER in the final stage').toBeDefined();
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('declares a healthcheck, SIGTERM as stop signal and an exec-form CMD', () => {
    expect(finalOf('HEALTHCHECK')).toHaveLength(1);
    expect(execForm(finalOf('HEALTHCHECK')[0]!.args)[0]).toBe('node'); // slim images have no curl
    expect(finalOf('STOPSIGNAL').map((step) => step.args)).toEqual(['SIGTERM']);
    expect(execForm(finalOf('CMD').at(-1)!.args)[0]).toBe('node'); // node is PID 1 and receives the signal
  });

  it('runs in production mode listening on every interface', () => {
    const env = Object.assign({}, ...finalOf('ENV').map((step) => parseAssignments(step.args))) as Record<string, string>;
    expect(env.NODE_ENV).toBe('production');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PORT).toMatch(/^\d+$/);
  });

  it('bakes in no secret: no ENV or ARG with a secret-looking name has a value', () => {
    for (const step of all.filter((s) => s.keyword === 'ENV' || s.keyword === 'ARG')) {
      for (const [name, value] of Object.entries(parseAssignments(step.args))) {
        if (SECRET_NAME.test(name)) expect(value, `line ${step.line}: ${name}`).toBeUndefined();
      }
    }
  });

  it('prunes the workspace to this app with turbo', () => {
    const prune = all.find((step) => step.keyword === 'RUN' && step.args.startsWith('turbo prune'));
    expect(prune?.args).toBe(`turbo prune @livecart/${app} --docker`);
  });

  it('installs from the pruned manifests before copying any source, with a cached pnpm store', () => {
    const build = stages.find((stage) => stage.steps.some((step) => /pnpm install/.test(step.args))) as Stage;
    const manifests = indexOf(build.steps, (step) => step.keyword === 'COPY' && step.args.includes('out/json/'));
    const install = indexOf(build.steps, (step) => step.keyword === 'RUN' && step.args.startsWith('pnpm install'));
    const sources = indexOf(build.steps, (step) => step.keyword === 'COPY' && step.args.includes('out/full/'));
    expect(manifests).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(manifests);
    expect(sources).toBeGreaterThan(install);
    const installStep = build.steps[install]!;
    expect(installStep.args).toMatch(/--frozen-lockfile/);
    const mount = parseMount(installStep.flags.mount ?? '');
    expect(mount.type).toBe('cache');
    expect(installStep.args).toContain(`--store-dir=${mount.target}`);
  });

  it('copies nothing from the build context into the final stage', () => {
    for (const copy of finalOf('COPY')) expect(copy.flags.from, `line ${copy.line}`).toBeDefined();
  });

  it('pins the same pnpm and turbo versions as the workspace', () => {
    const args = Object.assign({}, ...all.filter((s) => s.keyword === 'ARG').map((s) => parseAssignments(s.args))) as Record<string, string>;
    expect(args.PNPM_VERSION).toBe(workspaceVersions.pnpm);
    expect(args.TURBO_VERSION).toBe(workspaceVersions.turbo);
  });
});

describe('.dockerignore', () => {
  const rules = readIgnoreRules(repoRoot);

  it('keeps host builds, dependencies, local data and secrets out of the build context', () => {
    for (const path of ['.git', 'node_modules', 'apps/api/node_modules', 'apps/api/dist', 'apps/web/.next', '.livecart', '.env', '.env.local']) {
      expect(isIgnored(rules, path), path).toBe(true);
    }
  });

  it('keeps what the images build from', () => {
    for (const path of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'turbo.json', 'apps/api/src', 'apps/api/migrations', '.env.example']) {
      expect(isIgnored(rules, path), path).toBe(false);
    }
  });
});
