import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createPrivateFolder, sandboxDir } from '../../../tools/sandbox/private-dir';
import { SandboxState, startTimeOf, stopSandbox } from '../../../tools/sandbox/sandbox';

/**
 * `stop` signals the processes sandbox.json recorded. The folder outlives them (~/.cache survives a
 * reboot; a crashed checker frees its pid), so a recorded pid may belong to another process of
 * the user's by now: only one whose start time is the recorded one is the sandbox's.
 */
describe("the sandbox's stop", () => {
  let scratch = '';
  let other: ChildProcess | undefined;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-stop-'));
    other = spawn('sleep', ['60'], { stdio: 'ignore' });
  });
  afterEach(() => {
    if (other?.exitCode === null && other.signalCode === null) other.kill('SIGKILL');
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** A sandbox folder whose state records `other` as its checker, with `started` as its start time. */
  function stateNaming(started: string | undefined): string {
    const dir = sandboxDir({ HOME: path.join(scratch, 'home') }, '/work/checkout');
    createPrivateFolder(dir);
    const state: Partial<SandboxState> = { source: '/work/checkout', processes: [{ what: 'token checker', pid: other!.pid as number, signal: 'SIGTERM', ...(started !== undefined ? { started } : {}) }] };
    fs.writeFileSync(path.join(dir, 'sandbox.json'), JSON.stringify(state), { mode: 0o600 });
    return dir;
  }

  const outcome = () => {
    const exited = new Promise<string>((resolve) => other!.once('exit', (_code, signal) => resolve(String(signal))));
    return Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 500))]);
  };

  test.each([
    ['another start time (a process that took the pid since)', '1'],
    ['no start time recorded', undefined],
  ])('leaves alone a process of the user\'s with a recorded pid but %s', async (_, started) => {
    stopSandbox(stateNaming(started));
    expect(await outcome()).toBe('still running');
  });

  test('ends the process it started, known by pid and start time', async () => {
    const started = startTimeOf(other!.pid as number);
    expect(started).toMatch(/^\d+$/);
    stopSandbox(stateNaming(started));
    expect(await outcome()).toBe('SIGTERM');
  });
});
