// Lint rules modelled on the Temporal TypeScript SDK and samples: promises are awaited, type-only
// imports say so, sandboxed and pure code stays free of Node built-ins, no package internals; and
// our own (lint/import-rules.js): no import cycles, and the layers point one way.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import imports from './lint/import-rules.js';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', '.data/', 'test-artifacts/', 'dist/', 'test/histories/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A variable a closure reads before its single assignment (e.g. a handler set up before the state exists) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@temporalio/[^/]+/lib/', message: 'Import from the package entry point, not its internals.' }] },
      ],
    },
  },
  {
    // The pure rules (domain/) are the ground floor, the machines stand on them alone; workflows,
    // activities, records, the API and the worker above (docs/layers-and-install.md).
    plugins: { imports },
    rules: {
      'imports/no-cycle': 'error',
      'imports/layers': ['error', { domain: ['domain'], machines: ['machines', 'domain'] }],
    },
  },
  {
    // Workflow code runs in the SDK's sandbox; machines and domain rules are pure (no I/O).
    files: ['workflows/**/*.ts', 'machines/**/*.ts', 'domain/**/*.ts'],
    ignores: ['domain/calendar/load.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'No Node built-ins in workflow, machine or domain code (sandboxed or pure).',
          })),
          patterns: [{ regex: '^@temporalio/[^/]+/lib/', message: 'Import from the package entry point, not its internals.' }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='regex']",
          message:
            "Use matching() from domain/matching.ts: the SDK freezes shared modules and zod's .regex() writes lastIndex on every parse.",
        },
      ],
    },
  },
  {
    // Tests read JSON answers whose shape the assertions check.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        console: 'readonly',
        process: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        localStorage: 'readonly',
        requestAnimationFrame: 'readonly',
        CSS: 'readonly',
        crypto: 'readonly',
        sessionStorage: 'readonly',
        location: 'readonly',
        history: 'readonly',
        navigator: 'readonly',
        Intl: 'readonly',
        AbortController: 'readonly',
        URLSearchParams: 'readonly',
        Event: 'readonly',
      },
    },
  },
  prettier,
);
