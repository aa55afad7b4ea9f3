import { mkdir, rm } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { copyBuildContext } from './build-context.js';
import { execForm, parseAssignments, parseMount, readStages, type Step } from './dockerfile.js';
import { isRoot } from './image-process.js';
import { runCommand } from './run-command.js';

export interface BuildOptions {
  dockerfile: string;
  context: string;
  /** Scratch space: each stage's filesystem becomes `<workDir>/stages/<stage>`. */
  workDir: string;
  /** Host directories standing in for `RUN --mount=type=cache,id=<id>` (e.g. the pnpm store). */
  caches: Record<string, string>;
  /** Where the host's pnpm and turbo are: they stand in for the base stage's global install. */
  toolPath: string;
}

export interface BuiltImage {
  /** The final stage's WORKDIR on the host. */
  workdir: string;
  /** ENV of the final stage: what the container starts with. */
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[];
  healthcheck: string[];
  logFile: string;
}

interface StageState {
  root: string;
  args: Record<string, string>;
  env: Record<string, string>;
  workdir: string;
  user: string | undefined;
  cmd: string[];
  healthcheck: string[];
}

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function expand(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => values[braced ?? bare ?? ''] ?? match);
}

/**
 * The host's node stands in for the base image's: a build proven here with another Node version than the
 * image's would prove nothing about the image (its compile cache, for one, is keyed by that version).
 */
function checkHostNode(from: string, dockerfile: string): void {
  const tag = /^node:(\d+\.\d+\.\d+)-/.exec(from)?.[1];
  if (tag === undefined) throw new Error(`${dockerfile}: FROM ${from} names no exact Node.js version to build with`);
  if (`v${tag}` !== process.version) throw new Error(`${dockerfile}: the image runs Node.js ${tag}, but this build would run on ${process.version}`);
}

/**
 * Executes a Dockerfile's COPY/RUN/ENV/WORKDIR steps on the host, one directory per stage, so the recipe
 * the images use is the recipe this proves, with no container engine.
 */
export async function buildWithoutEngine(options: BuildOptions): Promise<BuiltImage> {
  const logFile = join(options.workDir, 'build.log');
  const contextRoot = join(options.workDir, 'context');
  await copyBuildContext(options.context, contextRoot);
  const built = new Map<string, StageState>();
  let final: StageState | undefined;

  for (const stage of readStages(options.dockerfile)) {
    const parent = built.get(stage.from);
    if (parent === undefined) checkHostNode(stage.from, options.dockerfile);
    const state: StageState = {
      root: join(options.workDir, 'stages', stage.name),
      args: {},
      env: { ...parent?.env },
      workdir: parent?.workdir ?? '/',
      user: parent?.user,
      cmd: parent?.cmd ?? [],
      healthcheck: parent?.healthcheck ?? [],
    };
    await mkdir(state.root, { recursive: true });
    if (parent !== undefined) await runCommand('cp', ['-a', `${parent.root}/.`, state.root], { cwd: state.root, env: process.env, logFile });
    for (const step of stage.steps) {
      await applyStep(step, state, { ...options, logFile, contextRoot, built });
    }
    built.set(stage.name, state);
    final = state;
  }
  if (final === undefined) throw new Error(`${options.dockerfile} has no FROM`);

  // An image holds only its final stage: anything still pointing into another one must break here too.
  for (const state of built.values()) if (state !== final) await rm(state.root, { recursive: true, force: true });
  await rm(contextRoot, { recursive: true, force: true });
  return {
    workdir: join(final.root, final.workdir),
    env: final.env,
    user: final.user,
    cmd: final.cmd,
    healthcheck: final.healthcheck,
    logFile,
  };
}

interface StepContext extends BuildOptions {
  logFile: string;
  contextRoot: string;
  built: Map<string, StageState>;
}

async function applyStep(step: Step, state: StageState, context: StepContext): Promise<void> {
  const where = `${basename(context.dockerfile)}:${step.line}`;
  switch (step.keyword) {
    case 'ARG':
      Object.assign(state.args, defined(parseAssignments(step.args)));
      return;
    case 'ENV':
      Object.assign(state.env, defined(parseAssignments(step.args)));
      return;
    case 'WORKDIR':
      state.workdir = posix.resolve(state.workdir, step.args);
      await mkdir(join(state.root, state.workdir), { recursive: true });
      return;
    case 'USER':
      state.user = step.args;
      return;
    case 'CMD':
      state.cmd = execForm(step.args);
      return;
    case 'HEALTHCHECK':
      state.healthcheck = execForm(step.args);
      return;
    case 'EXPOSE':
    case 'STOPSIGNAL':
      return; // Metadata for the engine; the lint test checks them.
    case 'COPY':
      return copy(step, state, context, where);
    case 'RUN':
      return run(step, state, context, where);
    default:
      throw new Error(`${where}: ${step.keyword} is not supported by the engine-less build; extend it or avoid it`);
  }
}

async function copy(step: Step, state: StageState, context: StepContext, where: string): Promise<void> {
  const parts = step.args.split(/\s+/);
  const destination = parts.pop();
  if (destination === undefined || parts.length === 0) throw new Error(`${where}: COPY needs a source and a destination`);
  const from = step.flags.from;
  const sourceStage = from === undefined ? undefined : context.built.get(from);
  if (from !== undefined && sourceStage === undefined) throw new Error(`${where}: COPY --from=${from} names no earlier stage`);
  const sourceRoot = sourceStage?.root ?? context.contextRoot;
  const target = join(state.root, posix.resolve(state.workdir, destination));

  for (const source of parts) {
    const hostSource = join(sourceRoot, posix.resolve('/', source));
    const intoDirectory = destination.endsWith('/') || source.endsWith('/') || source === '.';
    await mkdir(intoDirectory ? target : join(target, '..'), { recursive: true });
    // `src/.` copies a directory's contents, as COPY does; a file lands inside a `dir/` destination.
    const args = intoDirectory ? ['-a', `${hostSource.replace(/\/$/, '')}/.`, target] : ['-a', hostSource, target];
    await runCommand('cp', args, { cwd: state.root, env: process.env, logFile: context.logFile });
  }
  const owner = step.flags.chown;
  if (owner !== undefined && isRoot) await runCommand('chown', ['-R', owner, target], { cwd: state.root, env: process.env, logFile: context.logFile });
}

async function run(step: Step, state: StageState, context: StepContext, where: string): Promise<void> {
  const values = { ...state.args, ...state.env };
  const path = `${context.toolPath}:${process.env.PATH ?? ''}`;
  // Only what a fresh container has, plus the host's tools and network: nothing else of the test runner's
  // environment leaks in.
  const env = { PATH: path, HOME: process.env.HOME ?? '/root', ...hostNetworkEnv(), ...values };
  if (/^npm install --global\b/.test(step.args)) return checkGlobalTools(expand(step.args, values), env, context, where);

  let command = step.args;
  if (step.flags.mount !== undefined) {
    const mount = parseMount(step.flags.mount);
    const hostDir = mount.id === undefined ? undefined : context.caches[mount.id];
    if (mount.type !== 'cache' || mount.target === undefined || hostDir === undefined) {
      throw new Error(`${where}: only cache mounts with a known id are supported, got --mount=${step.flags.mount}`);
    }
    command = command.replaceAll(mount.target, hostDir);
  }
  await runCommand('sh', ['-c', command], { cwd: join(state.root, state.workdir), env, logFile: context.logFile });
}

/**
 * A build container reaches the registry through the host's network, proxy and trust store included.
 * Node's official builds trust only their bundled CAs (Debian's node also reads the system's), so a
 * registry behind a TLS-inspecting proxy is reached only with NODE_EXTRA_CA_CERTS; without it, pnpm's
 * fetches fail and retry for minutes instead of answering.
 */
const NETWORK_VARIABLES = /^(NODE_EXTRA_CA_CERTS|NODE_USE_SYSTEM_CA|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|npm_config_(registry|proxy|https_proxy|noproxy|cafile|strict_ssl))$/i;

function hostNetworkEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => NETWORK_VARIABLES.test(entry[0]) && entry[1] !== undefined));
}

/** The base stage installs pnpm and turbo globally; here the host's copies stand in, so they must be the same versions. */
async function checkGlobalTools(command: string, env: NodeJS.ProcessEnv, context: StepContext, where: string): Promise<void> {
  for (const [, name, version] of command.matchAll(/\s([a-z][\w-]*)@(\d[^\s]*)/g)) {
    const host = (await runCommand(name!, ['--version'], { cwd: context.workDir, env, logFile: context.logFile })).trim();
    if (host !== version) throw new Error(`${where}: the image installs ${name}@${version}, but the workspace uses ${name} ${host}`);
  }
}
