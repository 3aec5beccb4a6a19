import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // botbuilder types fields such as `activity.type` as string but offers string enums to compare with.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // restify 11 route handlers must be async functions (or take `next`), awaited or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['bot/cli.ts', 'bot/main.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The console's browser scripts (ES modules, type-checked by handoff/console/tsconfig.json).
    files: ['handoff/console/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'location',
          'localStorage',
          'fetch',
          'WebSocket',
          'Intl',
          'CSS',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'HTMLElement',
          'HTMLInputElement',
          'HTMLSelectElement',
          'HTMLTextAreaElement',
          'HTMLButtonElement',
          'HTMLAnchorElement',
          'HTMLCanvasElement',
          'HTMLFormElement',
          'KeyboardEvent',
          'Node',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', console: 'readonly', process: 'readonly' },
    },
  },
);
