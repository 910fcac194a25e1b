import { CommandError, runCommand } from '../../../cli/shared/command';

describe('runCommand', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers();
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  /** Lets the command's promise settle, without moving the (fake) clock. */
  const settled = () => jest.runAllTicks();

  test('ends with the exit code main resolves to once pending writes are done, not by cutting them short', async () => {
    runCommand('x', async () => 3);
    await Promise.resolve().then(settled);
    expect(process.exitCode).toBe(3);
    expect(exit).not.toHaveBeenCalled();
    // Only a handle left open makes it force the exit, a second later.
    jest.advanceTimersByTime(1000);
    expect(exit).toHaveBeenCalledWith(3);
  });

  test('fails when main throws a CommandError: its message on stderr, no stack, and exit code failure', async () => {
    runCommand('x', async () => {
      throw new CommandError('no such thing');
    }, { failure: 2 });
    await Promise.resolve().then(settled);
    expect(stderr).toHaveBeenCalledWith('x: no such thing\n');
    expect(process.exitCode).toBe(2);
    expect(exit).not.toHaveBeenCalled();
  });
});
