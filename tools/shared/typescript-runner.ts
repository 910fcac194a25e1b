/**
 * How every TypeScript entry point runs, as package.json's scripts and cdktf.json's app run
 * them: `node --require tsx/cjs <file>`. The project is CommonJS, so tsx's CommonJS hook is
 * all it needs; `--import tsx` would also start tsx's ES module loader on a thread of its own,
 * about 0.1 s of CPU on every start.
 */
export const TYPESCRIPT_RUNNER: readonly string[] = ['--require', 'tsx/cjs'];
