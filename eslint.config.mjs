import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jestPlugin from 'eslint-plugin-jest';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/', 'test-output/', 'jest.config.mjs'] },
  js.configs.recommended,
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // `import { z } from 'zod'` keeps all of zod's locales (264 KB) in whatever bundles it.
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value=/^zod/] > ImportSpecifier[imported.name='z']", message: "Import zod as a namespace: `import * as z from 'zod/mini'` in functions/ and events/, `import * as z from 'zod'` elsewhere. The named `z` keeps all of zod's locales (264 KB) in a bundle." },
      ],
    },
  },
  {
    // Lambda code uses zod/mini, which tree-shakes to the schemas a bundle uses: classic zod is
    // 70-100 KB minified in every bundle whatever it uses (test/infra/bundles.test.ts holds the budgets).
    files: ['functions/**/*.ts', 'events/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'zod', message: "Lambda code uses zod/mini: `import * as z from 'zod/mini'` (schemas written functionally: z.optional(s), s.check(z.minLength(1)))." }] }],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value=/^zod/] > ImportSpecifier[imported.name='z']", message: "Import zod as a namespace: `import * as z from 'zod/mini'`. The named `z` keeps all of zod's locales (264 KB) in a bundle." },
        { selector: "CallExpression[callee.object.name='z'][callee.property.name='catch']", message: 'Use orElse (functions/shared/http.ts): z.catch keeps the whole of zod\'s util module (13 KB) in a bundle.' },
        { selector: "MemberExpression[object.name='z'][property.name=/^(iso|coerce)$/]", message: 'Use isoDate, isoDateTime, coercedNumber (functions/shared/formats.ts): z.iso and z.coerce are kept whole in a bundle once one member is used.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    ...jestPlugin.configs['flat/recommended'],
    rules: {
      ...jestPlugin.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      // e2e cases tagged with what the target must offer (test/target.ts): `cases.needs(['clock'])('…', fn)`.
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['cases.needs'] }],
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
    },
  },
);
