import { readFileSync } from 'node:fs';
import { infraRoot } from './repo.js';

export interface NginxConf {
  /** upstream name → `host:port` of each server */
  upstreams: Map<string, string[]>;
  /** location matcher (e.g. `= /ws`, `/`) → its directives, one string each */
  locations: Map<string, string[]>;
}

/** Enough of nginx's grammar for our one file: flat upstream and location blocks, `;`-terminated directives. */
export function readNginxConf(path = `${infraRoot}nginx/nginx.conf`): NginxConf {
  const text = readFileSync(path, 'utf8').replace(/#.*$/gm, '');
  const blocks = (keyword: string) =>
    [...text.matchAll(new RegExp(`\\b${keyword}\\s+([^{]+?)\\s*\\{([^}]*)\\}`, 'g'))].map((match) => ({
      name: match[1]!.trim(),
      directives: match[2]!.split(';').map((line) => line.trim().replace(/\s+/g, ' ')).filter(Boolean),
    }));
  const upstreams = new Map(
    blocks('upstream').map(({ name, directives }) => [
      name,
      directives.filter((d) => d.startsWith('server ')).map((d) => d.split(' ')[1]!),
    ]),
  );
  const locations = new Map(blocks('location').map(({ name, directives }) => [name, directives]));
  return { upstreams, locations };
}
