/**
 * How every TypeScript entry point runs, as package.json's scripts and cdktf.json's app run
 * them: `node --import tsx <file>`, one definition for the tools and tests that start them.
 */
export const TYPESCRIPT_RUNNER: readonly string[] = ['--import', 'tsx'];
