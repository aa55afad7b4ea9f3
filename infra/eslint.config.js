import base from '@livecart/config/eslint';

// infra/local is a package of its own, linted by its own `lint` task.
export default [{ ignores: ['local/**'] }, ...base];
