import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
/** What an app or script of this project needs to run from another folder. */
const PROJECT_ENTRIES = ['main.ts', 'config.ts', 'users.ts', 'services.ts', 'cdktf.json', 'lib', 'stacks', 'modules', 'cli', 'tools', '.gen', 'tsconfig.json', 'package.json'];

/** This checkout's node_modules. */
export const PROJECT_MODULES = path.join(ROOT, 'node_modules');

/** A throwaway copy of the project in a new folder under `parent`, sharing `modules` (this checkout's node_modules). */
export function projectCopy(prefix = 'rds-iam-access-', parent = os.tmpdir(), modules = PROJECT_MODULES): string {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  for (const entry of PROJECT_ENTRIES) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
  return dir;
}
