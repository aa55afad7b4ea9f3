import { startBalancer, type BalancerOptions } from '@livecart/infra/balancer';

/**
 * One process of the cluster's balancer for load runs: the same `startBalancer`, sharing its port with
 * its siblings (the kernel spreads connections over them, as over nginx's workers), so that a crowd's
 * sockets and their upstream twins never exceed one process's descriptor limit.
 */
/** nginx's default keepalive_timeout: an open page keeps its connection while the crowd gathers. */
const KEEP_ALIVE_MS = 75_000;

const options = JSON.parse(process.env.BALANCER_OPTIONS ?? '{}') as BalancerOptions;
const balancer = await startBalancer({ ...options, reusePort: true, keepAliveTimeoutMs: KEEP_ALIVE_MS });
process.send!({ type: 'listening' });

const stop = () => void balancer.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
