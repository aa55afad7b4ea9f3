import { LISTENING_LINE, startBalancer, type BalancerOptions } from './balancer.js';

/**
 * The balancer as a process of its own (see balancer-child.ts), as nginx runs apart from what it fronts:
 * options from BALANCER_OPTIONS (JSON); once it listens it says so on stdout and, when forked with an IPC
 * channel, with `{ type: 'listening' }`; a clean close on SIGTERM, SIGINT or when an IPC parent goes.
 */
const options = JSON.parse(process.env.BALANCER_OPTIONS ?? '{}') as BalancerOptions;
const balancer = await startBalancer(options);
console.log(LISTENING_LINE);
process.send?.({ type: 'listening' });

const stop = () => void balancer.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
