/**
 * A project as a user has it, for `npm run bench`: a copy of this one whose config.ts is the
 * bench fleet and whose users.ts lists `people` generated people, one entry a line, as people
 * write it. The same people and fleet as the in-memory app (bench-app.ts), so the two
 * synthesize the same stacks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { benchConfig, benchUsers } from './bench-fleet';
import { projectCopy } from '../shared/project-copy';
import type { UserEntry } from '../../lib/model/types';

/** users.ts of `users`: the example's header, then one `{ username: '…', access: { … } },` a line. */
export function usersSource(users: readonly UserEntry[]): string {
  const quote = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;
  const lines = users.map((u) => `  { username: ${quote(u.username)}, access: { ${Object.entries(u.access).map(([key, tier]) => `${key}: ${quote(String(tier))}`).join(', ')} } },`);
  return [
    "import type { DatabaseKey } from './config';",
    "import type { UserEntry } from './lib/model/types';",
    '',
    'export const users: readonly UserEntry<DatabaseKey>[] = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}

/** A project copy under `parent` with the bench fleet and `people` people in users.ts; returns its folder. */
export function usersProject(parent: string, people: number): string {
  const dir = projectCopy('bench-users-', parent);
  fs.writeFileSync(path.join(dir, 'config.ts'), [
    "import type { AppConfig } from './lib/model/types';",
    '',
    `export const config = ${JSON.stringify(benchConfig, null, 2)} satisfies AppConfig;`,
    '',
    'export type DatabaseKey = keyof typeof config.databases;',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'users.ts'), usersSource(benchUsers(people)));
  fs.writeFileSync(path.join(dir, 'services.ts'), "import type { ServiceEntry } from './lib/model/types';\n\nexport const services: readonly ServiceEntry[] = [];\n");
  return dir;
}
