import { startBalancer, type BalancerOptions } from '@livecart/infra/balancer';

/**
 * One process of the cluster's balancer for load runs: the same `startBalancer`, sharing its port with
 * its siblings (the kernel spreads connections over them, as over nginx's workers), so that a crowd's
 * sockets and their upstream twins never exceed one process's descriptor limit.
 */
/**
 * An open page keeps its connection while the whole crowd gathers (10,000 pages take a minute or two to
 * open on this machine), so that the race is fought over warm connections, not in the kernel's accept queue.
 */
const KEEP_ALIVE_MS = 600_000;

const options = JSON.parse(process.env.BALANCER_OPTIONS ?? '{}') as BalancerOptions;
const balancer = await startBalancer({ ...options, reusePort: true, keepAliveTimeoutMs: KEEP_ALIVE_MS });
process.send!({ type: 'listening' });

const stop = () => void balancer.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
