import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST, startProcess, type Pinning, type RunningProcess } from '@livecart/local-services/testing';

export const NGINX_PATH = '/usr/sbin/nginx';
/** The project's nginx configuration: the compose stack's balancer. */
export const NGINX_CONF = fileURLToPath(new URL('./nginx.conf', import.meta.url));

/** Tests and benches run Debian's nginx: missing, they fail saying how to get it (as .ci/run does). */
export function assertNginx(): void {
  if (!existsSync(NGINX_PATH)) throw new Error(`nginx not found at ${NGINX_PATH}: run \`apt-get install -y nginx\`.`);
}

export interface LocalNginxConfigOptions {
  /** What `listen` becomes: the compose port (8080) may be taken here. */
  port: number;
  /** upstream name → the `host:port` of each server it gets instead of the compose service names. */
  upstreams: Record<string, readonly string[]>;
  /** Where nginx keeps its temporary files (Debian's build points them at /var/lib/nginx). */
  tempDir: string;
}

/**
 * infra/nginx/nginx.conf as it is, but for where it runs: the `listen` port, the servers of each
 * upstream (same parameters, minus `resolve`, which needs compose's DNS and a newer nginx), and the
 * temporary-file paths. Every other line is the file's own, so a test through it tests the file.
 * Throws when the file no longer has the shape this relies on, rather than testing something else.
 */
export function localNginxConfig(source: string, options: LocalNginxConfigOptions): string {
  let text = source;
  const listens = text.match(/^\s*listen\s+\d+;/gm) ?? [];
  if (listens.length !== 1) throw new Error(`expected one \`listen <port>;\` in nginx.conf, found ${listens.length}`);
  text = text.replace(/^(\s*)listen\s+\d+;/m, `$1listen ${HOST}:${options.port};`);

  for (const [name, servers] of Object.entries(options.upstreams)) {
    const block = new RegExp(`(upstream\\s+${name}\\s*\\{)([^}]*)\\}`);
    const match = block.exec(text);
    if (match === null) throw new Error(`nginx.conf has no upstream ${name}`);
    const body = match[2]!;
    const first = /^([ \t]*)server\s+\S+([^;]*);/m.exec(body);
    if (first === null) throw new Error(`upstream ${name} in nginx.conf has no server line`);
    const parameters = first[2]!.replace(/\s+resolve\b/, '');
    const lines = servers.map((address) => `${first[1]}server ${address}${parameters};\n`).join('');
    const rewritten = `${body.replace(/^[ \t]*server\s+[^;]*;[ \t]*\n/gm, '')}${lines}`;
    text = text.replace(match[0], `${match[1]}${rewritten}}`);
  }

  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(options.tempDir, kind)};`);
  if (!/^http\s*\{/m.test(text)) throw new Error('nginx.conf has no http block');
  return text.replace(/^http\s*\{/m, (open) => `${open}\n${temp.join('\n')}`);
}

export interface Nginx {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  name: string;
  port: number;
  upstreams: Record<string, readonly string[]>;
  /** Changes the file's text before it runs, e.g. to show what a reverted line would do. */
  edit?: (source: string) => string;
  onLine?: (line: string) => void;
  /** Runs nginx and its workers on these CPUs (a bench keeps it on the servers' core). */
  pin?: Pinning;
  /** Replaces the file's `worker_processes auto` (each worker holds at most its worker_connections). */
  workerProcesses?: number;
}

/**
 * infra/nginx/nginx.conf run by Debian's nginx as a child in the foreground, in a directory of its own: the
 * tests of the file, and the bench's balancer in front of the local cluster.
 */
export async function startNginx(options: StartNginxOptions): Promise<Nginx> {
  assertNginx();
  const dir = await mkdtemp(join(tmpdir(), `livecart-${options.name}-`));
  // Run as root, nginx's workers drop to `nobody`, who must reach the temporary directories.
  await chmod(dir, 0o755);
  const tempDir = join(dir, 'temp');
  await mkdir(tempDir);
  const source = readFileSync(NGINX_CONF, 'utf8');
  let edited = (options.edit ?? ((text) => text))(source);
  if (options.workerProcesses !== undefined) {
    if (!/^worker_processes\s+\S+;/m.test(edited)) throw new Error('nginx.conf has no worker_processes line');
    edited = edited.replace(/^worker_processes\s+\S+;/m, `worker_processes ${options.workerProcesses};`);
  }
  const config = localNginxConfig(edited, { port: options.port, upstreams: options.upstreams, tempDir });
  const configFile = join(dir, 'nginx.conf');
  await writeFile(configFile, config);
  const url = `http://${HOST}:${options.port}`;
  let running: RunningProcess;
  try {
    running = await startProcess({
      name: options.name,
      command: NGINX_PATH,
      args: ['-p', dir, '-c', configFile, '-e', 'stderr', '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr warn;`],
      cwd: dir,
      env: {},
      readyUrl: `${url}/lb-health`,
      readyTimeoutMs: 15_000,
      ...(options.pin === undefined ? {} : { pin: options.pin }),
      ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    async stop() {
      await running.stop('SIGQUIT', 10_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
