// Preloaded (`node --import`) into a tool that must work offline: records every attempt to reach the network
// (a DNS lookup, a socket, an HTTP or undici request, the bundled undici included) to NETWORK_TRACE_FILE.
import dc from 'node:diagnostics_channel';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.NETWORK_TRACE_FILE;
if (file === undefined) throw new Error('NETWORK_TRACE_FILE is not set');
const record = (what) => appendFileSync(file, `${what}\n`);

dc.subscribe('undici:request:create', ({ request }) => record(`undici request ${request.origin}${request.path}`));
dc.subscribe('undici:client:beforeConnect', ({ connectParams }) => record(`undici connect ${connectParams.host}`));
dc.subscribe('net.client.socket', () => record('socket'));
dc.subscribe('http.client.request.start', ({ request }) => record(`http request ${request.host}`));
const lookup = dns.lookup;
dns.lookup = (hostname, ...rest) => {
  record(`dns ${hostname}`);
  return lookup(hostname, ...rest);
};
