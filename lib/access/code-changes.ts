import { createHash } from 'crypto';

/** Hex digits of an acknowledgement's digest: 128 bits, so no one can find another change it also covers. */
export const ACKNOWLEDGEMENT_DIGEST_LENGTH = 32;

/**
 * Files a change touches outside the data files (code, `.gen/`, `provider-schemas/`,
 * package.json and the lockfile, cdktf.json, workflows, tooling, docs). The report is computed
 * from data by trusted code, so it cannot say what such a file does: it names each, and
 * validate refuses the change until a code owner acknowledges exactly these contents.
 */
export interface CodeChange {
  readonly path: string;
  /** git's status letter: A added, M modified, D deleted, T type changed (renames count as D and A). */
  readonly status: string;
  /** The new content's blob id (absent when deleted): what an acknowledgement covers. */
  readonly blob?: string;
}

/**
 * The acknowledgement that lets exactly these code changes through: `code-<files>-<digest>`,
 * the digest over every path, status and new content, so a later push of other code needs a new one.
 */
export function codeAcknowledgement(changes: readonly CodeChange[]): string | undefined {
  if (changes.length === 0) return undefined;
  const digest = createHash('sha256')
    .update(JSON.stringify(changes.map((c) => [c.path, c.status, c.blob ?? null])))
    .digest('hex')
    .slice(0, ACKNOWLEDGEMENT_DIGEST_LENGTH);
  return `code-${changes.length}-${digest}`;
}
