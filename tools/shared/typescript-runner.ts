/**
 * How TypeScript entry points run, one definition for the tools and tests that start them.
 *
 * The commands and tools run under tsx's CommonJS hook: no module loader thread to start, so
 * a command is about 0.1 s sooner on its way. Whatever synthesizes (cdktf.json's app, and the
 * scan and `validate:terraform`, which synthesize in their own process) runs under tsx's module
 * loader instead: the hook reads every JavaScript file a process loads to look for ES module
 * syntax, and synth loads cdktf and the providers, a few hundred files and megabytes, which
 * made the example app slower that way than the loader's start costs.
 */
import * as path from 'path';

/** The checkout this file is in. */
const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The runner of commands in the checkout at `root`. Its first file keeps tsx's compile cache
 * only in a folder no one else may write (tools/shared/tsx-cache.cjs); another account runs a
 * copy of the project, whose own guard it must load (it may not reach this checkout's).
 */
export const commandRunnerIn = (root: string): string[] => ['--require', path.join(root, 'tools', 'shared', 'tsx-cache.cjs'), '--require', 'tsx/cjs'];

const TSX_CACHE_GUARD = ['--require', path.join(ROOT, 'tools', 'shared', 'tsx-cache.cjs')];

export const COMMAND_RUNNER: readonly string[] = commandRunnerIn(ROOT);

/** cdktf.json's `app` (`node --require ./tools/shared/tsx-cache.cjs --import tsx main.ts`), and anything else that synthesizes in its own process. */
export const APP_RUNNER: readonly string[] = [...TSX_CACHE_GUARD, '--import', 'tsx'];
