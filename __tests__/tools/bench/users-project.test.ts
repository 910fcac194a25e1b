import { parseDataSource, readFully } from '../../../lib/validation/data-file';
import { scanLiteral } from '../../../lib/validation/literal-scan';
import { benchUsers } from '../../../tools/bench/bench-fleet';
import { usersSource } from '../../../tools/bench/users-project';

describe('usersSource', () => {
  test('writes one entry a line that reads back as the people the in-memory app synthesizes, on the fast path', () => {
    const people = benchUsers(30);
    const source = usersSource(people);
    expect(source.split('\n').filter((line) => line.startsWith('  { username: '))).toHaveLength(30);
    expect(source).toContain("  { username: 'user000001', access: { orders: 'write', ledger: 'write', billing: 'write' } },\n");
    expect(parseDataSource(source, 'users.ts', 'users')).toEqual(people);
    expect(readFully(source, 'users.ts', 'users')).toEqual(people);
    expect(scanLiteral(source, source.indexOf('= [') + 1)?.value).toEqual(people);
  });

  test('quotes what a name holds', () => {
    const people = [{ username: "o'brien\\x", access: { orders: 'read' as const } }];
    expect(parseDataSource(usersSource(people), 'users.ts', 'users')).toEqual(people);
  });
});
