/**
 * The chain `npm run doctor` walks, one link after the other: each link is a few checks, and
 * the first check that fails breaks its link with what is wrong and the fix; the links after
 * it are not checked (their answers would follow from the broken one, or mislead).
 */

/** The links, in the order a login needs them. */
export type LinkName = 'lists' | 'deploys' | 'caller' | 'database' | 'client';
export const LINKS: readonly LinkName[] = ['lists', 'deploys', 'caller', 'database', 'client'];

/** What each link stands for, in the text report. */
export const LINK_TITLES: Readonly<Record<LinkName, string>> = {
  lists: 'the lists (users.ts, services.ts, config.ts)',
  deploys: 'what deploys (the synthesized policy and database user)',
  caller: 'the caller (your AWS credentials and session)',
  database: 'the database (endpoint, TLS, database user, login)',
  client: 'the client (psql or mysql)',
};

/** One check that passed; `detail` says what was found. */
export interface Check {
  readonly name: string;
  readonly ok: true;
  readonly detail: string;
}

/** The check that broke a link. */
export interface Broken {
  readonly link: LinkName;
  readonly check: string;
  readonly wrong: string;
  readonly fix: string;
}

export interface LinkResult {
  readonly link: LinkName;
  readonly status: 'ok' | 'broken' | 'not checked';
  readonly checks: readonly Check[];
  /** Said about the link without failing it (what cannot be seen from here, limits that do not apply). */
  readonly notes: readonly string[];
  readonly broken?: Broken;
}

export interface DoctorReport {
  readonly database: string;
  readonly user: string;
  /** A person (users.ts) or a service (services.ts), once the lists said which. */
  readonly kind?: 'person' | 'service';
  /** True only when every link holds, a real login included. */
  readonly ok: boolean;
  readonly links: readonly LinkResult[];
  readonly broken?: Broken;
}

/** Thrown by `Link.fail`: ends the link and the chain. */
export class BrokenLink extends Error {
  constructor(readonly broken: Broken) {
    super(`${broken.link}: ${broken.check}: ${broken.wrong}`);
    this.name = 'BrokenLink';
  }
}

/** What a link records as it checks. */
export class Link {
  readonly checks: Check[] = [];
  readonly notes: string[] = [];

  constructor(readonly name: LinkName) {}

  pass(check: string, detail: string): void {
    this.checks.push({ name: check, ok: true, detail });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Breaks the link: `wrong` says what is wrong, `fix` what to do about it. */
  fail(check: string, wrong: string, fix: string): never {
    throw new BrokenLink({ link: this.name, check, wrong, fix });
  }
}

/** A link's checks: they record on `link` and throw BrokenLink (through `link.fail`) at the first failure. */
export type LinkCheck = (link: Link) => Promise<void>;

/**
 * Runs the links in order and stops at the first broken one. Anything else a check throws is
 * a bug and propagates.
 */
export async function runChain(
  who: { readonly database: string; readonly user: string },
  checks: Readonly<Record<LinkName, LinkCheck>>,
  kind: () => 'person' | 'service' | undefined = () => undefined,
): Promise<DoctorReport> {
  const links: LinkResult[] = [];
  let broken: Broken | undefined;
  for (const name of LINKS) {
    if (broken) {
      links.push({ link: name, status: 'not checked', checks: [], notes: [] });
      continue;
    }
    const link = new Link(name);
    try {
      await checks[name](link);
      links.push({ link: name, status: 'ok', checks: link.checks, notes: link.notes });
    } catch (error) {
      if (!(error instanceof BrokenLink)) throw error;
      broken = error.broken;
      links.push({ link: name, status: 'broken', checks: link.checks, notes: link.notes, broken });
    }
  }
  const found = kind();
  return { database: who.database, user: who.user, ...(found ? { kind: found } : {}), ok: broken === undefined, links, ...(broken ? { broken } : {}) };
}

/** The report for people: each link, its checks, and for the broken one what is wrong and the fix. */
export function formatReport(report: DoctorReport): string {
  const out: string[] = [`doctor: ${report.database} as ${report.user}${report.kind ? ` (${report.kind})` : ''}`, ''];
  const width = Math.max(0, ...report.links.flatMap((l) => [...l.checks.map((c) => c.name.length), l.broken ? l.broken.check.length : 0]));
  LINKS.forEach((name, i) => {
    const link = report.links.find((l) => l.link === name);
    const status = link?.status ?? 'not checked';
    out.push(`${i + 1}. ${LINK_TITLES[name]}: ${status === 'ok' ? 'ok' : status === 'broken' ? 'BROKEN' : 'not checked'}`);
    for (const check of link?.checks ?? []) out.push(`   ok    ${check.name.padEnd(width)}  ${indent(check.detail, 13 + width)}`);
    if (link?.broken) {
      out.push(`   FAIL  ${link.broken.check.padEnd(width)}  ${indent(link.broken.wrong, 13 + width)}`);
      out.push(`         ${'fix:'.padEnd(width)}  ${indent(link.broken.fix, 13 + width)}`);
    }
    for (const note of link?.notes ?? []) out.push(`   note: ${indent(note, 9)}`);
  });
  out.push('');
  out.push(report.ok
    ? 'Every link holds: a fresh token logs in.'
    : `The login does not work: ${report.broken!.link}, ${report.broken!.check}. Fix that, then run doctor again.`);
  return `${out.join('\n')}\n`;
}

function indent(text: string, by: number): string {
  return text.split('\n').join(`\n${' '.repeat(by)}`);
}
