export { ensureServices, type EnsureServicesOptions, type Services, type ServiceSource } from './resolve.js';
export { startLocalPostgres, type LocalServer, type LocalServerOptions } from './postgres.js';
export { startLocalRedis } from './redis.js';
export { findFreePort } from './ports.js';
export { DevDatabaseError, MissingServicesError, ServiceUnreachableError, type ServiceKey } from './errors.js';
export { findPostgresBinaries, type PostgresBinaries } from './binaries.js';
