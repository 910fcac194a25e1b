/**
 * How the commands (validate, access-report, connect, audit) run: each exports a `main` that
 * takes its arguments, environment and output, so tests call it in the test process; the
 * process itself runs it through runCommand.
 */
import { ValidationError } from '../../lib/validation/problems';

/** A failure whose message is for the person running the command (no stack trace). */
export class CommandError extends Error {}

/** Where a command writes what it prints: the process's stdout, or a test's buffer. */
export type Write = (text: string) => void;

/** A command's entry point: resolves to its exit code (0 when it returns nothing). */
export type CommandMain = (argv: readonly string[], env: NodeJS.ProcessEnv, write: Write) => Promise<number | void>;

/** Whether parseArgs refused a flag (unknown option, missing value). */
const isBadFlag = (error: Error): boolean => error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');

/**
 * Ends the process with `code` once pending writes are done. process.exit() would drop them:
 * tsx's compile cache entries (left empty, so every run compiled those files again) and, on
 * macOS, output still on its way into a pipe. A handle left open cannot hold the process past a second.
 */
function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}

/**
 * Runs `main` as this process: a CommandError, a ValidationError or a flag parseArgs refuses
 * becomes `<name>: <message>` on stderr (then `usage`, for a flag) and exit code `failure`;
 * anything else is a bug and throws.
 */
export function runCommand(name: string, main: CommandMain, options: { readonly usage?: string; readonly failure?: number } = {}): void {
  main(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
    (code) => exitWith(code ?? 0),
    (error: Error) => {
      const badFlag = isBadFlag(error);
      if (!(error instanceof CommandError) && !(error instanceof ValidationError) && !badFlag) throw error;
      process.stderr.write(error instanceof ValidationError ? `\n${error.message}\n` : `${name}: ${error.message}\n${badFlag && options.usage ? `${options.usage}\n` : ''}`);
      exitWith(options.failure ?? 1);
    },
  );
}
