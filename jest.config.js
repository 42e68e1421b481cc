/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      // keepImportAttributes: `import x from './f.json' with { type: 'json' }` reaches jest intact.
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023', experimental: { keepImportAttributes: true } },
      module: { type: 'es6' },
    }],
  },
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  // Integration suites start real servers (moto, kube-apiserver); give them room.
  testTimeout: 60_000,
  maxWorkers: 2,
};
