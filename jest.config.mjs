/**
 * The project is ESM (middy, jose and their peers ship ESM only, and Node's require(esm) does
 * not apply to packages that export only an `import` condition). jest runs it in its native ESM
 * mode (`--experimental-vm-modules`, set by `npm run jest`); swc strips the TypeScript and
 * leaves the modules as ES modules. Packages in node_modules load as they are.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' }, experimental: { keepImportAttributes: true } }, module: { type: 'es6' } }],
};
const base = { transform, extensionsToTreatAsEsm: ['.ts'], testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'] };

// DynamoDB Local with the JVM's quick compiler only, for the DynamoDB Locals every test run starts
// (global setup, and the runtimes and children some files start): DYNAMODB_LOCAL_JIT in infra/local/dynamodb.ts.
process.env['CISS_DYNAMODB_JIT'] ??= 'quick';

/** @type {import('jest').Config} */
export default {
  testTimeout: 60_000,
  // Two workers on the two cores CI has (jest's default there is one, so every suite would run in
  // one process whose heap only grows); a worker that has grown past 1 GB is replaced between files.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
  // Longest files first, from CI's measured times where jest has none (a fresh clone): test/sequencer.mjs.
  testSequencer: '<rootDir>/test/sequencer.mjs',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'statemachines', testMatch: ['<rootDir>/test/statemachines/**/*.test.ts'] },
    { ...base, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...base,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
  ],
};
