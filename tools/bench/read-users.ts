/**
 * Reads a users.ts as synth does, timed inside the process: `fast` (parseDataSource: the
 * literal scanner, Babel only around it) or `babel` (the full reader every file falls back to:
 * Babel's syntax tree of the whole file). Prints one JSON line: seconds and peak RSS.
 * `npm run bench` runs the two alternately on the same generated file.
 */
import * as fs from 'fs';
import { parseDataSource, readFully } from '../../lib/validation/data-file';

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== 'fast' && mode !== 'babel')) throw new Error('usage: read-users.ts <users.ts> fast|babel');
const read = mode === 'fast' ? parseDataSource : readFully;
const started = process.hrtime.bigint();
const users = read(fs.readFileSync(file, 'utf8'), 'users.ts', 'users');
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (!Array.isArray(users)) throw new Error(`${file}: no users list`);
process.stdout.write(`${JSON.stringify({ seconds, people: users.length, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
