/**
 * The real-engine tests (__tests__/e2e), run by `npm run test:e2e` (tools/e2e/run.ts), which
 * starts the servers they need. Each file applies to servers of its own, so files run in parallel.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config.js'),
  roots: ['<rootDir>/__tests__/e2e'],
  testMatch: ['**/*.e2e.ts'],
  maxWorkers: 2,
  // Terraform applies take seconds to minutes; the 30 s failure bound is asserted in the tests.
  testTimeout: 600_000,
};
