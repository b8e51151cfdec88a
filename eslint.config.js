import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One import style: `@/` for code outside the current folder, `./x` only for a sibling. */
const ALIAS_OUTSIDE_FOLDER = {
  group: ['../*', '../**'],
  message: 'Import code outside this folder with the @/ alias (docs/ARCHITECTURE.md, Imports).',
};

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      '.data/**',
      'db/migrations/**',
      'next-env.d.ts',
      'artifacts/**',
      'public/sw.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ALIAS_OUTSIDE_FOLDER] }] },
  },
  {
    // Routers validate, call one service verb and map errors: no SQL here.
    files: ['server/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ALIAS_OUTSIDE_FOLDER,
            {
              group: ['drizzle-orm', 'drizzle-orm/*'],
              message: 'Routers do not query: call a service verb.',
            },
            {
              group: ['@/db/schema', '@/db/schema/*', '**/db/schema*'],
              message: 'Routers do not touch tables: call a service verb.',
            },
          ],
        },
      ],
    },
  },
  {
    // Services are framework-free: they take { ctx, input } and never know about HTTP or tRPC.
    files: ['server/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ALIAS_OUTSIDE_FOLDER,
            {
              group: ['next', 'next/*', 'next-auth', 'next-auth/*'],
              message: 'Services must not import Next.',
            },
            { group: ['@trpc/*'], message: 'Services must not import tRPC: throw a ServiceError.' },
          ],
        },
      ],
    },
  },
  {
    // Pages and route handlers hold no SQL.
    files: ['app/**/*.ts', 'app/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ALIAS_OUTSIDE_FOLDER,
            { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'No SQL in app/: call a service.' },
            { group: ['@/db/schema', '@/db/schema/*'], message: 'No tables in app/: call a service.' },
          ],
        },
      ],
    },
  },
);
