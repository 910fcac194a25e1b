/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // In the project, not /tmp: a run leaves nothing behind there.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (tsconfig has isolatedModules); `npm run typecheck` is the type check.
  transform: { '^.+\\.ts$': '<rootDir>/__tests__/fixtures/sucrase-transform.js' },
  moduleNameMapper: {
    // cdktf's zip support, never used here: about 40% of the modules a synthesizing test file loads.
    '^archiver$': '<rootDir>/__tests__/fixtures/archiver-stub.js',
    // The two semver functions jest and cdktf call, not all 45 modules of it in every test file.
    '^semver$': '<rootDir>/__tests__/fixtures/semver-functions.js',
  },
  // No stack traces for the constructs and tokens cdktf makes, only for errors.
  setupFilesAfterEnv: ['<rootDir>/__tests__/fixtures/construct-traces.ts'],
  globalSetup: '<rootDir>/__tests__/fixtures/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/fixtures/global-teardown.ts',
  // Several suites wait on child processes; every core is worth a worker (default leaves one idle).
  maxWorkers: '100%',
  // Several suites start processes (a cold compile cache on a busy CI machine takes seconds): tests prove behaviour, not speed.
  testTimeout: 30_000,
};
