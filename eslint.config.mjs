// Lint rules (npm run lint; part of npm test). Recommended rules without type information: typed
// linting (no-floating-promises and friends) takes minutes on this codebase with a 2-core machine.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-artifacts/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_unused` marks a parameter or a destructured field left out on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      'prefer-const': 'error',
      'no-var': 'error',
      'object-shorthand': 'error',
      // CSV and formula-safety checks match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read loosely typed HTTP answers and start child programs; what they assert is the point.
    files: ['test/**', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'preserve-caught-error': 'off',
      'no-console': 'off',
    },
  },
  {
    // pg-copy-streams ships without type declarations; seed.ts requires its one function (as talks/copy-streams.ts does).
    files: ['src/demo/seed.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Command-line programs print for a person to read.
    files: ['src/demo/**', 'src/database/cli.ts', 'test/bench/**', 'migrations/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/dashboard/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        location: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Intl: 'readonly',
        navigator: 'readonly',
        history: 'readonly',
        Blob: 'readonly',
        alert: 'readonly',
        HTMLElement: 'readonly',
        Event: 'readonly',
        Node: 'readonly',
      },
    },
  },
  // Layout is prettier's (npm run format); no lint rule argues with it.
  prettier,
);
