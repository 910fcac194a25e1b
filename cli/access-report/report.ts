import { hasExpired } from '../../lib/model/clock';
import { byCodeUnit } from '../../lib/model/order';
import { AppConfig, Tier, UserEntry } from '../../lib/model/types';

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

function byUsername(users: readonly UserEntry[]): Map<string, UserEntry> {
  return new Map([...users].sort((a, b) => byCodeUnit(a.username, b.username)).map((u) => [u.username, u]));
}

function tierOf(user: UserEntry | undefined, database: string): Tier | undefined {
  return (user?.access as Record<string, Tier | undefined> | undefined)?.[database];
}

/** People × databases, with tiers, expiry and reason, as a Markdown table. */
export function accessMatrix(users: readonly UserEntry[], config: AppConfig, now: Date): string {
  const databases = Object.keys(config.databases).sort(byCodeUnit);
  const header = ['Person', ...databases.map((d) => `\`${d}\``), 'Expires', 'Reason'];
  const rows = [...byUsername(users).values()].map((user) => {
    const expires = user.expires ? (hasExpired(user.expires, now) ? `${user.expires} (expired)` : user.expires) : '';
    const who = user.displayName ? `\`${user.username}\` (${inertText(user.displayName)})` : `\`${user.username}\``;
    return [who, ...databases.map((d) => tierOf(user, d) ?? '—'), expires, inertText(user.reason ?? '')];
  });
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n') + '\n';
}

/**
 * What changes between two versions of users.ts, for a pull-request comment: who gains
 * access, who loses it, tier changes, expiry changes. Says so explicitly when nothing does.
 */
export function accessChanges(before: readonly UserEntry[], after: readonly UserEntry[], baseName: string): string {
  const old = byUsername(before);
  const now = byUsername(after);
  const gains: string[] = [];
  const losses: string[] = [];
  const tiers: string[] = [];
  const expiries: string[] = [];
  const names = [...new Set([...old.keys(), ...now.keys()])].sort(byCodeUnit);

  for (const name of names) {
    const a = old.get(name);
    const b = now.get(name);
    const databases = [...new Set([...Object.keys(a?.access ?? {}), ...Object.keys(b?.access ?? {})])].sort(byCodeUnit);
    const gained: string[] = [];
    const lost: string[] = [];
    for (const db of databases) {
      const was = tierOf(a, db);
      const is = tierOf(b, db);
      if (!was && is) gained.push(`\`${db}\` ${is}`);
      else if (was && !is) lost.push(`\`${db}\` (was ${was})`);
      else if (was && is && was !== is) tiers.push(`\`${name}\`: \`${db}\` ${was} → ${is}`);
    }
    const detail = [b?.expires ? `expires ${b.expires}` : '', b?.reason ? `reason: ${inertText(b.reason)}` : ''].filter(Boolean).join(', ');
    if (gained.length > 0) gains.push(`\`${name}\`${b?.displayName ? ` (${inertText(b.displayName)})` : ''}: ${gained.join(', ')}${detail ? ` — ${detail}` : ''}`);
    if (lost.length > 0) losses.push(`\`${name}\`: ${lost.join(', ')}${b ? '' : ' — removed from users.ts'}`);
    if (a && b && a.expires !== b.expires) expiries.push(`\`${name}\`: ${a.expires ?? 'no expiry'} → ${b.expires ?? 'no expiry'}`);
  }

  const sections: [string, string[]][] = [
    ['Gains access', gains], ['Loses access', losses], ['Tier changes', tiers], ['Expiry changes', expiries],
  ];
  const body = sections
    .filter(([, items]) => items.length > 0)
    .map(([title, items]) => `**${title}**\n${items.map((i) => `- ${i}`).join('\n')}`)
    .join('\n\n');
  return `## Database access changes against \`${baseName}\`\n\n${body || 'No access changes.'}\n`;
}
