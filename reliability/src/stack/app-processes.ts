import { join } from 'node:path';
import { HOST, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';

export type AppKind = 'api' | 'realtime';

export interface AppSpec {
  /** `api-1`, `realtime-2`, …: prefixes its output and names it in reports. */
  name: string;
  kind: AppKind;
  port: number;
  env: Record<string, string>;
}

/**
 * The production builds of the apps as separate processes, each on a fixed port so that a killed one
 * can be started again where the balancer expects it.
 */
export class AppProcesses {
  private readonly specs = new Map<string, AppSpec>();
  private readonly running = new Map<string, BuiltApp>();
  private readonly exits: string[] = [];

  /**
   * @param onLine every line the apps print, as it comes
   * @param logDir where each app's whole output is kept as `<name>.log` (appended to), when set
   */
  constructor(
    private readonly onLine?: (line: string) => void,
    private readonly logDir?: string,
  ) {}

  names(kind?: AppKind): string[] {
    return [...this.specs.values()].filter((spec) => kind === undefined || spec.kind === kind).map((spec) => spec.name);
  }

  url(name: string): string {
    return `http://${HOST}:${this.spec(name).port}`;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.pid;
  }

  /** The last lines the process printed (kept by the instance), for failure messages. */
  recentOutput(name: string): string[] {
    return this.running.get(name)?.recentOutput() ?? [];
  }

  /** Processes that exited without being stopped (a crash), each with its last output lines. */
  unexpectedExits(): string[] {
    return [...this.exits];
  }

  /** Starts `spec` and waits until its /ready answers 2xx. */
  async start(spec: AppSpec): Promise<void> {
    this.specs.set(spec.name, spec);
    await this.launch(spec);
  }

  /** Starts a stopped or killed process again with the same port and environment. */
  async restart(name: string): Promise<void> {
    if (this.running.has(name)) throw new Error(`${name} is still running; stop it first`);
    await this.launch(this.spec(name));
  }

  /** Sends `signal` (SIGKILL: no drain, no cleanup) and waits for the process to be gone. */
  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
    const instance = this.running.get(name);
    if (instance === undefined) throw new Error(`${name} is not running`);
    this.running.delete(name);
    return instance.stop(signal, 10_000);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
  }

  private spec(name: string): AppSpec {
    const spec = this.specs.get(name);
    if (spec === undefined) throw new Error(`no app named ${name}; known: ${[...this.specs.keys()].join(', ')}`);
    return spec;
  }

  private async launch(spec: AppSpec): Promise<void> {
    const instance = await startBuiltApp(spec.kind, {
      name: spec.name,
      port: spec.port,
      env: spec.env,
      ...(this.onLine === undefined ? {} : { onLine: this.onLine }),
      ...(this.logDir === undefined ? {} : { logFile: join(this.logDir, `${spec.name}.log`) }),
    });
    this.running.set(spec.name, instance);
    void instance.exited.then((code) => {
      if (this.running.get(spec.name) !== instance) return;
      this.running.delete(spec.name);
      this.exits.push(`${spec.name} exited by itself (${code}):\n${instance.recentOutput().slice(-15).join('\n')}`);
    });
  }
}
