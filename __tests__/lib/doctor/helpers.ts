import { Broken, BrokenLink, Check, Link, LinkName } from '../../../lib/doctor/chain';

/** What one link's checks came to: its passed checks and notes, and what broke it or what it returned. */
export interface Outcome<T> {
  readonly checks: readonly Check[];
  readonly notes: readonly string[];
  readonly broken?: Broken;
  readonly value?: T;
}

/** Runs one link's checks on a fresh Link, catching the BrokenLink that ends it. */
export async function runLink<T>(name: LinkName, check: (link: Link) => Promise<T>): Promise<Outcome<T>> {
  const link = new Link(name);
  try {
    const value = await check(link);
    return { checks: link.checks, notes: link.notes, value };
  } catch (error) {
    if (!(error instanceof BrokenLink)) throw error;
    return { checks: link.checks, notes: link.notes, broken: error.broken };
  }
}
