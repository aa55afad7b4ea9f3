import base from '@livecart/config/eslint';

export default [...base, { ignores: ['e2e/artifacts/**', 'next-env.d.ts', '.next-*/**'] }];
