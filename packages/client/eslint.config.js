import base from '@livecart/config/eslint';

// src/generated is openapi-typescript's output (scripts/generate.ts), checked by test/generated.test.ts.
export default [{ ignores: ['src/generated/**'] }, ...base];
