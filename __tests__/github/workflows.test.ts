import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PRIVILEGED_PG_OPTIONS, USERS_STACK_TERRAFORM } from '../../lib/model/defaults';

/**
 * The example workflows. The access review's step that collects acknowledgements from approving
 * reviews is run as written, with a stand-in `gh` that answers from fixed JSON (jq does the
 * filtering, as gh --jq would): who can give an acknowledgement, and that none hides another.
 */
const WORKFLOWS = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
const HEAD_SHA = 'a'.repeat(40);

/** The `run: |` block of the step with `id: acks`, unindented. */
function acksScript(): string {
  const lines = read('access-review.yml').split('\n');
  const id = lines.findIndex((l) => /^\s+id: acks\s*$/.test(l));
  expect(id).toBeGreaterThan(0);
  const run = lines.findIndex((l, i) => i > id && /^\s+run: \|\s*$/.test(l));
  const indent = /^\s*/.exec(lines[run + 1])![0].length;
  const body: string[] = [];
  for (const line of lines.slice(run + 1)) {
    if (line.trim() !== '' && /^\s*/.exec(line)![0].length < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}

interface Review { user: { login: string }; state: string; commit_id: string; body: string }
interface Commit { author: { login: string } | null; committer: { login: string } | null }

/** Runs the step; returns what it wrote to $GITHUB_OUTPUT. */
function collect(pr: { author: string; reviews: Review[]; commits: Commit[]; permissions: Record<string, string> }): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acks-'));
  try {
    fs.writeFileSync(path.join(dir, 'reviews.json'), JSON.stringify(pr.reviews));
    fs.writeFileSync(path.join(dir, 'commits.json'), JSON.stringify(pr.commits));
    fs.writeFileSync(path.join(dir, 'permissions.json'), JSON.stringify(pr.permissions));
    fs.mkdirSync(path.join(dir, 'bin'));
    // gh api [--paginate] <endpoint> --jq <filter>
    fs.writeFileSync(path.join(dir, 'bin', 'gh'), `#!/bin/bash
set -euo pipefail
shift # api
[ "$1" = --paginate ] && shift
endpoint=$1; shift
[ "$1" = --jq ] || { echo "unexpected gh call: $*" >&2; exit 2; }
filter=$2
case "$endpoint" in
  */pulls/*/reviews) jq -r "$filter" "${dir}/reviews.json" ;;
  */pulls/*/commits) jq -r "$filter" "${dir}/commits.json" ;;
  */collaborators/*/permission) login=\${endpoint#*/collaborators/}; login=\${login%/permission}; jq -r --arg l "$login" '{permission: (.[$l] // "none")}' "${dir}/permissions.json" | jq -r "$filter" ;;
  *) echo "unexpected endpoint $endpoint" >&2; exit 2 ;;
esac
`, { mode: 0o755 });
    const output = path.join(dir, 'output');
    fs.writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', acksScript()], {
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, HOME: dir, GITHUB_OUTPUT: output, GH_REPO: 'acme/rds-iam-access', PR: '7', AUTHOR: pr.author, HEAD_SHA },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return Object.fromEntries(fs.readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const approve = (login: string, body: string): Review => ({ user: { login }, state: 'APPROVED', commit_id: HEAD_SHA, body });

describe('the access review\'s acknowledgements', () => {
  const dana = { author: { login: 'dana' }, committer: { login: 'dana' } };

  test('an approval of the head commit by another writer counts, every line of it', () => {
    const out = collect({
      author: 'dana', commits: [dana], permissions: { rita: 'write' },
      reviews: [approve('rita', 'Looks right.\r\nAcknowledge-removal: remove-5-0-1f2e\r\nAcknowledge-code: code-1-ab\r\n')],
    });
    expect(out).toEqual({ removal: 'remove-5-0-1f2e', code: 'code-1-ab' });
  });

  test.each([
    ['an approval of another commit', { reviews: [{ ...approve('rita', 'Acknowledge-removal: remove-5-0-1f2e'), commit_id: 'b'.repeat(40) }] }],
    ['a comment, not an approval', { reviews: [{ ...approve('rita', 'Acknowledge-removal: remove-5-0-1f2e'), state: 'COMMENTED' }] }],
    ['a reader', { permissions: { rita: 'read' } }],
    ['the author', { reviews: [approve('dana', 'Acknowledge-removal: remove-5-0-1f2e')], permissions: { dana: 'admin' } }],
  ])('ignores %s', (_, change) => {
    const out = collect({ author: 'dana', commits: [dana], permissions: { rita: 'write' }, reviews: [approve('rita', 'Acknowledge-removal: remove-5-0-1f2e')], ...change });
    expect(out.removal).toBe('');
  });

  test('ignores whoever pushed a commit to someone else\'s pull request', () => {
    // dana opened the pull request; mallory (write access) pushed the commit that removes five
    // people onto dana's branch, then approved with the acknowledgement.
    const out = collect({
      author: 'dana',
      commits: [dana, { author: { login: 'mallory' }, committer: { login: 'web-flow' } }],
      permissions: { mallory: 'write' },
      reviews: [approve('mallory', 'Acknowledge-removal: remove-5-0-1f2e')],
    });
    expect(out.removal).toBe('');
  });

  test('passes every reviewer\'s acknowledgements, so a stale or bogus one hides nothing', () => {
    const out = collect({
      author: 'dana', commits: [dana], permissions: { aaron: 'write', rita: 'write' },
      reviews: [approve('aaron', 'Acknowledge-removal: remove-0-0-0000'), approve('rita', 'Acknowledge-removal: remove-5-0-1f2e')],
    });
    expect(out.removal.split(' ')).toEqual(['remove-0-0-0000', 'remove-5-0-1f2e']);
  });
});

describe('the example workflows', () => {
  test('the hourly audit skips invalid entries like the deploy, so one bad entry never keeps a removed person\'s session open', () => {
    expect(read('scheduled-deploy.yml')).toMatch(/\n  deploy:\n(?:    .*\n)*?    env:\n(?:      .*\n)*?      RDS_IAM_INVALID_ENTRIES: skip\n/);
  });

  test('no job of the pull request\'s code runs on reviews, where a skipped job would report success', () => {
    // The newest check run of a name is what a required check reads: a review's run must never record a skipped `test`.
    const code = read('pull-request.yml');
    expect(code).toMatch(/\non: pull_request\n/);
    expect(code).not.toMatch(/pull_request_review|pull_request_target/);
    const review = read('access-review.yml');
    expect(review).toMatch(/\n  pull_request_review:\n/);
    expect(review).not.toMatch(/\n  test:\n/);
  });

  test('the review job installs and runs only the base revision\'s code', () => {
    const review = read('access-review.yml');
    expect(review).toMatch(/ref: \$\{\{ github\.event\.pull_request\.base\.sha \}\}\n\s+path: trusted/);
    const steps = review.split(/\n      - /).filter((step) => /\bnpm\b/.test(step.replace(/#.*$/gm, '')));
    expect(steps).toHaveLength(3); // npm ci, access-report, validate
    for (const step of steps) expect(step).toMatch(/\n\s+working-directory: trusted\n/);
  });

  test.each(['pull-request.yml', 'access-review.yml', 'scheduled-deploy.yml'])('%s pins every action to a full commit SHA', (file) => {
    const uses = [...read(file).matchAll(/uses: (\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  test('every deploy gives the PostgreSQL provider the session options of a privileged connection', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['deploy', 'diff']) expect(scripts[name]).toMatch(new RegExp(`^PGOPTIONS='${PRIVILEGED_PG_OPTIONS}' cdktf `));
    expect(read('scheduled-deploy.yml')).toContain(`      PGOPTIONS: "${PRIVILEGED_PG_OPTIONS}"\n`);
  });

  /** The deploy job's steps, in order: the text of each. */
  const steps = () => read('scheduled-deploy.yml').split(/\n      - /).slice(1);
  const step = (needle: string) => {
    const index = steps().findIndex((text) => text.includes(needle));
    expect(index).toBeGreaterThanOrEqual(0);
    return { index, text: steps()[index] };
  };
  const WHATEVER_FAILED = /\n        if: \$\{\{ !cancelled\(\)( && [^}]+)? \}\}\n/;

  test('IAM deploys first, so a removal ends IAM access whatever happens in the databases', () => {
    const iam = step("npx cdktf deploy '{identity-center,connect-policy-*,services-*}'");
    expect(iam.index).toBeLessThan(step('npm run migrate-state').index);
    expect(iam.index).toBeLessThan(step('npx cdktf deploy $stacks').index);
  });

  test('the users stacks deploy as the bench measures them, only those migrate-state left ready, bounded in time, whatever failed before', () => {
    const migrate = step('npm run migrate-state -- --ready "$RUNNER_TEMP/ready-users-stacks.txt"');
    // Outside the checkout and removed first: no file a commit brought, nor a link, is ever the list.
    expect(migrate.text.indexOf('rm -f "$RUNNER_TEMP/ready-users-stacks.txt"')).toBeLessThan(migrate.text.indexOf('npx cdktf synth'));
    expect(migrate.text).toMatch(/\n        continue-on-error: true\n/);
    expect(migrate.text.indexOf('npx cdktf synth')).toBeLessThan(migrate.text.indexOf('npm run migrate-state'));
    const users = step('npx cdktf deploy $stacks');
    expect(users.index).toBeGreaterThan(migrate.index);
    expect(users.text).toMatch(WHATEVER_FAILED);
    expect(users.text).toMatch(/\n        timeout-minutes: \d+\n/);
    expect(users.text).toContain(`        env:\n          GOGC: "${USERS_STACK_TERRAFORM.gogc}"\n`);
    expect(users.text).toContain('stacks=$(cat "$RUNNER_TEMP/ready-users-stacks.txt"');
    expect(users.text).toMatch(new RegExp(`npx cdktf deploy \\$stacks --auto-approve --ignore-missing-stack-dependencies --terraform-parallelism ${USERS_STACK_TERRAFORM.parallelism}$`));
    expect(step("steps.migrate.outcome == 'failure'").text).toMatch(/exit 1/);
  });

  test('the audit, which ends the sessions of people without access, runs whatever failed before it, on endpoints just read', () => {
    for (const needle of ["npx cdktf output 'database-*'", 'npm run -s audit -- --terminate', 'gh issue create']) expect(step(needle).text).toMatch(WHATEVER_FAILED);
    expect(step("npx cdktf output 'database-*'").text).toMatch(/\n        id: outputs\n/);
    expect(step('npm run -s audit -- --terminate').text).toContain("if: ${{ !cancelled() && steps.outputs.outcome == 'success' }}");
  });

  test('a stuck run never holds the deploys after it for the default six hours', () => {
    expect(read('scheduled-deploy.yml')).toMatch(/\n  deploy:\n(?:    .*\n)*?    timeout-minutes: \d+\n/);
  });

  test('no lock a database session holds keeps the provider or the audit waiting', () => {
    // statement_timeout would not do: the provider sets it to 0 in its own session.
    expect(PRIVILEGED_PG_OPTIONS).toMatch(/(^| )-c lock_timeout=\d+s( |$)/);
  });
});
