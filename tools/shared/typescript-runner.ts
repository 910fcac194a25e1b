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

/** Loaded first everywhere: tsx's compile cache only in a folder no one else may write (see the file). */
const TSX_CACHE_GUARD = ['--require', path.join(__dirname, 'tsx-cache.cjs')];

export const COMMAND_RUNNER: readonly string[] = [...TSX_CACHE_GUARD, '--require', 'tsx/cjs'];

/** cdktf.json's `app` (`node --require ./tools/shared/tsx-cache.cjs --import tsx main.ts`), and anything else that synthesizes in its own process. */
export const APP_RUNNER: readonly string[] = [...TSX_CACHE_GUARD, '--import', 'tsx'];
