/**
 * Loaded before tsx in every TypeScript entry point (`node --require <this> --require tsx/cjs …`,
 * and before `--import tsx`). tsx keeps compiled code in `<tmpdir>/tsx-<uid>` and runs what it
 * finds there; in a shared /tmp another local user could create that folder first and plant code
 * that would run as you. The cache is kept only in a folder that is yours and that no one else
 * may write; otherwise tsx compiles afresh (TSX_DISABLE_CACHE), which is slower, never unsafe.
 * Plain CommonJS: it runs before anything can compile TypeScript.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

if (!process.env.TSX_DISABLE_CACHE && typeof process.getuid === 'function') {
  const uid = process.getuid();
  const dir = path.join(os.tmpdir(), `tsx-${uid}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    // There already, or not ours to make: judged below.
  }
  let safe = false;
  try {
    const found = fs.lstatSync(dir);
    safe = found.isDirectory() && found.uid === uid && (found.mode & 0o022) === 0;
  } catch {
    safe = false;
  }
  // Inherited by every process this one starts, which judge for themselves too.
  if (!safe) process.env.TSX_DISABLE_CACHE = '1';
}
