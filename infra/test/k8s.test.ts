import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { migrateCommand } from './support/compose.js';
import { validateObject } from './support/k8s-models.js';
import { APPS, appEnvNames, infraRoot, SECRET_NAME, type AppName } from './support/repo.js';

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: object } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: {
    httpGet?: { path: string; port: string | number };
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
  };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    ports?: { name?: string; port: number }[];
    scaleTargetRef?: { kind: string; name: string };
    rules?: { http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[];
  };
}

const OVERLAYS = ['base', 'overlays/dev', 'overlays/prod'];
/** Connection strings that carry a password: secrets even though their names do not say so. */
const CREDENTIAL_URLS = new Set(['DATABASE_URL', 'REDIS_URL']);
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const kubectlMissing = kubectl.error !== undefined || kubectl.status !== 0;
if (kubectlMissing) console.log(`[k8s.test] skipped: kubectl (with kustomize) is not installed (${kubectl.error?.message ?? kubectl.stderr})`);

function render(overlay: string): K8sObject[] {
  const output = execFileSync('kubectl', ['kustomize', `${infraRoot}k8s/${overlay}`], { encoding: 'utf8' });
  return parseAllDocuments(output).map((document) => document.toJS() as K8sObject);
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const componentOf = (object: K8sObject) => object.metadata.labels?.['app.kubernetes.io/component'];

describe.skipIf(kubectlMissing).each(OVERLAYS)('k8s/%s', (overlay) => {
  const objects = kubectlMissing ? [] : render(overlay);
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const deployments = ofKind('Deployment');
  const byComponent = (component: string) => deployments.find((d) => componentOf(d) === component);
  const configMaps = new Map(ofKind('ConfigMap').map((map) => [map.metadata.name, map.data ?? {}]));
  const podSpecs = [...deployments, ...ofKind('Job')].map((object) => ({ object, spec: object.spec!.template!.spec }));

  it('validates every object against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(() => validateObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    // The validator does reject a malformed object: proof this check can fail.
    expect(() => validateObject({ ...deployments[0]!, spec: { ...deployments[0]!.spec, replicas: 'two' } } as never)).toThrow();
  });

  it('deploys the three apps, a migration Job and an autoscaler and disruption budget for each app', () => {
    expect(deployments.map(componentOf).sort()).toEqual([...APPS].sort());
    for (const deployment of deployments) {
      const { name } = deployment.metadata;
      expect(ofKind('HorizontalPodAutoscaler').filter((h) => h.spec!.scaleTargetRef!.name === name), name).toHaveLength(1);
      const labels = deployment.spec!.template!.metadata.labels;
      expect(ofKind('PodDisruptionBudget').filter((p) => matches(p.spec!.selector!.matchLabels!, labels)), name).toHaveLength(1);
    }
    expect(ofKind('Job').map(componentOf)).toEqual(['migrate']);
  });

  it('selects pods with every Service, on a port the pods declare', () => {
    for (const service of ofKind('Service')) {
      const selector = service.spec!.selector!;
      const targets = deployments.filter((d) => matches(selector, d.spec!.template!.metadata.labels));
      expect(targets, `Service ${service.metadata.name}`).toHaveLength(1);
      const portNames = targets[0]!.spec!.template!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
      for (const port of service.spec!.ports!) expect(portNames).toContain(port.name);
    }
  });

  it('probes readiness and liveness, drains on stop and bounds resources', () => {
    for (const deployment of deployments) {
      const app = componentOf(deployment) as AppName;
      const { spec } = deployment.spec!.template!;
      for (const container of spec.containers) {
        const where = `${app}/${container.name}`;
        expect(container.readinessProbe?.httpGet?.path, where).toBe(app === 'web' ? '/' : '/ready');
        expect(container.livenessProbe?.httpGet?.path, where).toBe(app === 'web' ? '/' : '/health');
        const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
        expect(preStop[0], `${where} preStop`).toBe('sleep');
        // The pod must outlive the preStop pause plus the app's own drain, or SIGKILL cuts it short.
        const envFromMaps = (container.envFrom ?? []).map((from) => configMaps.get(from.configMapRef!.name) ?? {});
        const settings = Object.assign({}, ...envFromMaps) as Record<string, string>;
        const drainMs = Number(settings.SHUTDOWN_GRACE_MS ?? settings.SHUTDOWN_TIMEOUT_MS ?? 10_000);
        expect(spec.terminationGracePeriodSeconds, where).toBeGreaterThan(Number(preStop[1]) + drainMs / 1000);
      }
    }
    expect(byComponent('realtime')!.spec!.template!.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    // A frozen realtime pod must leave the Service within a few seconds (Kubernetes' defaults: 10 s period,
    // 1 s timeout, 3 failures: 30 s).
    const realtimeReadiness = byComponent('realtime')!.spec!.template!.spec.containers[0]!.readinessProbe!;
    const { periodSeconds = 10, timeoutSeconds = 1, failureThreshold = 3 } = realtimeReadiness;
    expect(timeoutSeconds).toBeLessThanOrEqual(1);
    expect(periodSeconds * failureThreshold + timeoutSeconds).toBeLessThanOrEqual(6);
    for (const { object, spec } of podSpecs) {
      expect(spec.securityContext?.runAsNonRoot, object.metadata.name).toBe(true);
      for (const container of spec.containers) {
        for (const kind of ['requests', 'limits'] as const) {
          expect(Object.keys(container.resources?.[kind] ?? {}).sort(), `${container.name} ${kind}`).toEqual(['cpu', 'memory']);
        }
      }
    }
  });

  it('takes credentials from the operator-created Secret only: no literal secret anywhere', () => {
    expect(ofKind('Secret')).toEqual([]);
    for (const { object, spec } of podSpecs) {
      for (const variable of spec.containers.flatMap((c) => c.env ?? [])) {
        if (SECRET_NAME.test(variable.name) || CREDENTIAL_URLS.has(variable.name)) {
          expect(variable.value, `${object.metadata.name}: ${variable.name}`).toBeUndefined();
          expect(variable.valueFrom?.secretKeyRef?.name, `${object.metadata.name}: ${variable.name}`).toBe('livecart-secrets');
        }
      }
    }
    for (const [name, data] of configMaps) {
      for (const [key, value] of Object.entries(data)) {
        expect(SECRET_NAME.test(key), `ConfigMap ${name}: ${key}`).toBe(false);
        expect(value, `ConfigMap ${name}: ${key}`).not.toMatch(/\/\/[^/@]+:[^/@]+@/); // no user:password@ in URLs
      }
    }
  });

  it('sets only variables the apps read', () => {
    for (const deployment of deployments) {
      const app = componentOf(deployment) as AppName;
      const known = appEnvNames(app);
      for (const container of deployment.spec!.template!.spec.containers) {
        const fromMaps = (container.envFrom ?? []).flatMap((from) => Object.keys(configMaps.get(from.configMapRef!.name) ?? {}));
        for (const name of [...(container.env ?? []).map((v) => v.name), ...fromMaps]) {
          expect(known.has(name), `${app} is given ${name}, which it does not read`).toBe(true);
        }
      }
    }
  });

  it('migrates with the api image and the same command as compose', () => {
    const [job] = ofKind('Job');
    const [container] = job!.spec!.template!.spec.containers;
    expect(container!.image).toBe(byComponent('api')!.spec!.template!.spec.containers[0]!.image);
    expect(container!.command).toEqual(migrateCommand());
  });

  it('routes like the compose balancer, with long timeouts on the WebSocket path only', () => {
    const routes = new Map<string, { service: string; ingress: K8sObject }>();
    for (const ingress of ofKind('Ingress')) {
      for (const path of ingress.spec!.rules!.flatMap((rule) => rule.http.paths)) {
        const { name, port } = path.backend.service;
        const service = ofKind('Service').find((s) => s.metadata.name === name);
        expect(service?.spec!.ports!.map((p) => p.name), `${path.path} → ${name}`).toContain(port.name);
        routes.set(path.path, { service: name, ingress });
      }
    }
    expect(Object.fromEntries([...routes].map(([path, { service }]) => [path, service]))).toEqual({
      '/ws': 'realtime',
      '/v1': 'api',
      '/docs': 'api',
      '/health': 'api',
      '/ready': 'api',
      '/': 'web',
    });
    const timeout = (path: string) => Number(routes.get(path)!.ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout']);
    expect(timeout('/ws')).toBeGreaterThanOrEqual(3600);
    expect(timeout('/v1')).toBeLessThanOrEqual(60);
  });
});
