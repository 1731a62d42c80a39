/** Unit and integration tests run beside the code; browser tests in e2e/ drive the system Chromium. */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/src', '<rootDir>/local', '<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup-fast-check.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.test.ts'],
    },
  ],
  testTimeout: 60000,
  // Two workers on a 2-core machine: most suites wait on a local site's simulated latency and queues,
  // not on the CPU, so two run in about half the time of one (the default there).
  maxWorkers: 2,
};
