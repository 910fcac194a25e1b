import { diffLines } from 'diff';
import { AccessDiff, hasChanges, LinesChange, MassRemoval, PersonChange, PersonNotes, RevisionAccess, TextChange } from '../../lib/access/access-diff';
import { CodeChange, codeAcknowledgement } from '../../lib/access/code-changes';
import { ConfigurationChange } from '../../lib/access/configuration-diff';
import { hasExpired } from '../../lib/model/clock';
import { byCodeUnit } from '../../lib/model/order';

/** A table cell: an unescaped `|` or a newline would end it. Free text is already inert. */
function cell(text: string): string {
  return text.replace(/(?<!\\)\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/**
 * Free text from users.ts (display names, reasons) as inert Markdown: HTML can open no tag or
 * comment (`<!--` would hide every following line), and the inline Markdown marks are literal, so
 * no code span, link, image, emphasis or strike-through can dress up the text (free text never
 * starts a line, so block marks such as `#` or `-` cannot act). Validation refuses control characters too.
 */
export function inertText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A run of backticks longer than any in `text`, and at least `min` long. */
function backtickFence(text: string, min: number): string {
  return '`'.repeat(Math.max(min - 1, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
}

/** `text` as a code span: nothing in it is Markdown or HTML, whatever backticks it holds. */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const fence = backtickFence(flat, 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** `text` as a fenced block, the fence longer than any backtick run inside. */
function fenced(info: string, text: string): string {
  const fence = backtickFence(text, 3);
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}

function who(person: string, notes: PersonNotes | undefined): string {
  if (notes?.service) return `${code(person)} (service${notes.owner !== undefined ? `, owner ${inertText(notes.owner)}` : ''})`;
  return notes?.displayName ? `${code(person)} (${inertText(notes.displayName)})` : code(person);
}

/** People and services × databases as deployed, with expiry and reason from users.ts and services.ts, then what each tier can do. */
export function accessMatrix(revision: RevisionAccess, now: Date): string {
  const { access, notes } = revision;
  const databases = Object.keys(access.databases).sort(byCodeUnit);
  const people = [...new Set([...databases.flatMap((d) => Object.keys(access.databases[d].people)), ...notes.keys()])].sort(byCodeUnit);
  const header = ['Person or service', ...databases.map(code), 'Expires', 'Reason'];
  const rows = people.map((person) => {
    const note = notes.get(person);
    const expires = note?.expires ? (hasExpired(note.expires, now) ? `${note.expires} (expired)` : note.expires) : '';
    return [who(person, note), ...databases.map((d) => access.databases[d].people[person] ?? '—'), inertText(expires), inertText(note?.reason ?? '')];
  });
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
  const tiers = databases.map((d) => {
    const byTier = access.databases[d].tiers;
    const items = Object.keys(byTier).map((tier) => `- ${code(tier)}: ${byTier[tier].map(code).join(', ') || 'nothing'}`);
    return `**${code(d)}**\n${items.join('\n')}`;
  });
  return `${table}\n\n### What each tier can do\n\n${tiers.join('\n\n')}\n`;
}

export interface ChangesOptions {
  /** The base revision as the user named it. */
  readonly baseName: string;
  /** The head revision as the user named it. @default - the working tree */
  readonly headName?: string;
  /** Notes the report could not read, one sentence each. @default - none */
  readonly caveats?: readonly string[];
  /** @default - no mass removal */
  readonly massRemoval?: MassRemoval;
  /** Files changed besides the data files: named at the top, never vouched for. @default - none */
  readonly codeChanges?: readonly CodeChange[];
  /** What else the stacks declare differently, path by path. @default - none */
  readonly configuration?: readonly ConfigurationChange[];
}

/**
 * What changes between two revisions' deployed access, for a pull-request comment: each kind
 * of change in its own section. Says "No access changes." only when nothing differs.
 */
export function accessChanges(diff: AccessDiff, base: RevisionAccess, head: RevisionAccess, options: ChangesOptions): string {
  const sections: [string, string[]][] = [];
  const add = (title: string, items: string[]) => {
    if (items.length > 0) sections.push([title, items]);
  };

  add('Gains access', byPerson(diff.gains, (c) => `${code(c.database)} ${c.to}`).map(([person, parts]) => {
    const note = head.notes.get(person);
    const detail = [note?.expires ? `expires ${inertText(note.expires)}` : '', note?.reason ? `reason: ${inertText(note.reason)}` : ''].filter(Boolean).join(', ');
    return `${who(person, note)}: ${parts.join(', ')}${detail ? ` — ${detail}` : ''}`;
  }));
  add('Loses access', byPerson(diff.losses, (c) => `${code(c.database)} (was ${c.from})`).map(([person, parts]) =>
    `${code(person)}: ${parts.join(', ')}${head.notes.has(person) || !base.notes.has(person) ? '' : ' — removed from users.ts'}`));
  add('Tier changes', diff.tierChanges.map((c) => `${code(c.person)}: ${code(c.database)} ${c.from} → ${c.to}`));
  add('Expiry changes', diff.expiryChanges.map((c) => `${code(c.person)}: ${inertText(c.from ?? 'no expiry')} → ${inertText(c.to ?? 'no expiry')}`));
  add('Databases added', diff.databasesAdded.map(code));
  add('Databases removed', diff.databasesRemoved.map((d) => `${code(d)} — everyone's access to it ends`));
  add('What tiers can do', diff.abilities.map(linesItem));
  add('Schemas and databases the tiers reach', diff.scopes.map(linesItem));
  add("Every person's database user", diff.perPerson.map(linesItem));
  add('Network access to the engine port', diff.network.map(linesItem));
  add('Identity Center group members', hasChanges(diff.identityCenterMembers) ? [linesBody(diff.identityCenterMembers)] : []);
  add('Identity Center account assignments', hasChanges(diff.identityCenterAssignments) ? [linesBody(diff.identityCenterAssignments)] : []);
  add('Service roles', hasChanges(diff.serviceRoles) ? [linesBody(diff.serviceRoles)] : []);
  add('Policies', diff.policies.map(textItem));
  add('Other resources', diff.other.map(textItem));
  add('Everything else that deploys (Terraform JSON paths)', (options.configuration ?? []).map(configurationItem));

  const codeChanges = options.codeChanges ?? [];
  const warning = [
    ...(codeChanges.length > 0 ? [codeChangesWarning(codeChanges)] : []),
    ...(options.massRemoval ? [massRemovalWarning(options.massRemoval)] : []),
  ];
  const caveats = (options.caveats ?? []).map((c) => `_${inertText(c)}_`);
  const body = sections.map(([title, items]) => `**${title}**\n${items.map((i) => `- ${i}`).join('\n')}`);
  const parts = [...warning, ...caveats, ...(body.length > 0 ? body : ['No access changes.'])];
  const against = options.headName !== undefined ? `${code(options.headName)} against ${code(options.baseName)}` : `against ${code(options.baseName)}`;
  return `## Database access changes ${against}\n\n${parts.join('\n\n')}\n`;
}

function codeChangesWarning(changes: readonly CodeChange[]): string {
  const status: Readonly<Record<string, string>> = { A: 'added', D: 'deleted', M: 'changed', T: 'type changed' };
  return [
    '> [!CAUTION]',
    `> **Code changes: ${changes.length} file${changes.length === 1 ? '' : 's'} besides the data files.** This report was computed from`,
    '> config.ts, users.ts and services.ts by the code that ran it, so it cannot say what these do; a code owner must review each:',
    ...changes.map((c) => `> - ${code(c.path)} ${status[c.status] ?? c.status}`),
    '>',
    `> \`npm run validate -- --base …\` fails until a code owner acknowledges them with ${code(`Acknowledge-code: ${codeAcknowledgement(changes)}`)}`,
    '> in an approving review (or `--acknowledge-code`).',
  ].join('\n');
}

function configurationItem(c: ConfigurationChange): string {
  const side = (json: string | undefined) => (json === undefined ? '(none)' : code(json));
  return `${code(c.path)}: ${side(c.before)} → ${side(c.after)}`;
}

function massRemovalWarning(removal: MassRemoval): string {
  return [
    '> [!WARNING]',
    '> **Mass removal.** This change removes more access than a review should take on trust:',
    ...removal.reasons.map((r) => `> - ${inertText(r)}`),
    '>',
    `> \`npm run validate -- --base …\` fails until it is acknowledged with ${code(`RDS_IAM_ACKNOWLEDGE_REMOVAL=${removal.acknowledgement}`)}`,
    `> (or ${code(`--acknowledge-removal ${removal.acknowledgement}`)}; in a pull request, a line ${code(`Acknowledge-removal: ${removal.acknowledgement}`)} in an approving review by someone other than the author).`,
  ].join('\n');
}

function byPerson(changes: readonly PersonChange[], part: (c: PersonChange) => string): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const c of changes) {
    if (!out.has(c.person)) out.set(c.person, []);
    out.get(c.person)!.push(part(c));
  }
  return [...out].sort(([a], [b]) => byCodeUnit(a, b));
}

function linesBody(c: LinesChange): string {
  return [...c.added.map((l) => `+ ${code(l)}`), ...c.removed.map((l) => `− ${code(l)}`)].join('; ');
}

function linesItem(c: LinesChange): string {
  const [database, ...rest] = c.where.split(' ');
  return `${code(database)}${rest.length > 0 ? ` ${rest.join(' ')}` : ''}: ${linesBody(c)}`;
}

function textItem(c: TextChange): string {
  const state = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed';
  const lines = diffLines(c.before ?? '', c.after ?? '').flatMap((part) => {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    return part.value.replace(/\n$/, '').split('\n').map((line) => `${mark} ${line}`);
  });
  return `${code(c.where)} ${state}\n\n${fenced('diff', lines.join('\n')).replace(/^/gm, '  ')}`;
}
