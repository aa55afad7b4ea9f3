import base from '@livecart/config/eslint';

export default [
  ...base,
  // Scratch output (copies of the Next baseline, raw tool output) is not source.
  { ignores: ['results/**'] },
  {
    // Artillery processors: plain ESM loaded by Artillery inside Node.
    files: ['scenarios/**/*.mjs'],
    languageOptions: {
      globals: { performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', console: 'readonly' },
    },
  },
];
