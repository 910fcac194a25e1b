/**
 * Attacks on PostgreSQL offboarding (issue 31), on the real-engine servers. Run alone (it
 * shares the orders server with postgres.e2e.ts):
 *   npm run test:e2e -- --roots '<rootDir>/__tests__/attacks' __tests__/attacks/postgres-offboarding.e2e.ts
 * Each test is an attack and asserts what must hold; a failing test is a finding.
 * Tests run in order and build on one another.
 */
import { users as exampleUsers } from '../../users';
import * as fs from 'fs';
import { Client } from 'pg';
import { loadContext, Workspace } from '../../tools/e2e/workspace';
import { pgAdmin, pgAs } from '../fixtures/engines';

const context = loadContext();
const orders = context.servers.orders;
const ca = context.certs.ca;
const ws = new Workspace(context);
const as = (user: string, sql: string) => pgAs(orders, ca, user, 'orders', sql);
const admin = (...sql: string[]) => pgAdmin(orders, 'orders', ...sql);
const mia = { username: 'mia.leaver', displayName: 'Mia Leaver', access: { orders: 'admin' } };
const DOOR = 'door-password-attack';

async function applied(): Promise<void> {
  const result = await ws.stack('orders').apply();
  if (result.status !== 0) throw new Error(`apply of users-orders failed:\n${result.stderr}${result.stdout}`);
}

/** Logs in with a password over TLS: rows of the last statement, or the error message. */
async function withPassword(user: string, password: string, sql: string): Promise<unknown> {
  const client = new Client({ host: orders.host, port: orders.port, user, password, database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
  try {
    await client.connect();
    return (await client.query(sql)).rows;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Who ran a planted function as a role with CREATEROLE (the master), and where. */
const masterRuns = async () => (await admin('SELECT who, via FROM public.attack_log ORDER BY via')) as { who: string; via: string }[];

beforeAll(async () => {
  ws.writeUsers([...exampleUsers, mia]);
  ws.synth();
  await applied();
  // A log anyone may write to, so a planted function can show whom it ran as.
  await admin('CREATE TABLE public.attack_log (who text, via text)', 'GRANT INSERT ON public.attack_log TO PUBLIC');
});

afterAll(async () => {
  await admin(
    'DROP FUNCTION IF EXISTS public.unnest(text[])', 'DROP FUNCTION IF EXISTS public.array_remove(text[], text)',
    'DROP TABLE IF EXISTS public.attack_log', 'DROP ROLE IF EXISTS "mia.door"',
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mia.leaver') THEN REASSIGN OWNED BY \"mia.leaver\" TO dbmaster; DROP OWNED BY \"mia.leaver\"; DROP ROLE \"mia.leaver\"; END IF; END $$",
  );
  ws.remove();
});

describe('what held (passing): doors a person cannot open on her own', () => {
  test('an admin acting as herself cannot create a role, lift her VALID UNTIL, or join rds_iam; a read person cannot create in public', async () => {
    expect(await as('mia.leaver', 'SET ROLE NONE; CREATE ROLE "mia.spare" LOGIN')).toMatch(/permission denied to create role/);
    expect(await as('mia.leaver', `SET ROLE NONE; ALTER ROLE "mia.leaver" VALID UNTIL 'infinity'`)).toMatch(/permission denied/);
    expect(await as('mia.leaver', `SET ROLE NONE; ALTER ROLE "mia.leaver" PASSWORD '${DOOR}' VALID UNTIL 'infinity'`)).toMatch(/permission denied/);
    expect(await as('mia.leaver', 'SET ROLE NONE; GRANT rds_iam TO "mia.leaver"')).toMatch(/must have admin option/);
    expect(await as('dev.patel', 'SET ROLE NONE; CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE sql AS $f$ SELECT 1::text $f$')).toMatch(/permission denied for schema public/);
  });
});

describe('a name in public shadows a built-in the master calls unqualified (search_path: "$user", public)', () => {
  test('an admin person (as herself) plants public.unnest(text[]) that opens a password door when run by the master; it survives her removal', async () => {
    // pg_catalog.unnest(anyarray) is polymorphic; public.unnest(text[]) is an exact match for the
    // audit's unnest(rolconfig), so it wins although pg_catalog is searched first (CVE-2018-1058's pattern).
    expect(await as('mia.leaver', `SET ROLE NONE;
      CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE plpgsql AS $f$
      BEGIN
        IF (SELECT rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
          BEGIN
            INSERT INTO public.attack_log VALUES (current_user, 'audit unnest');
            EXECUTE 'CREATE ROLE "mia.door" LOGIN PASSWORD ''${DOOR}''';
          EXCEPTION WHEN others THEN NULL;
          END;
        END IF;
        RETURN QUERY SELECT pg_catalog.unnest(a);
      END $f$`)).toEqual([]);
    ws.writeUsers(exampleUsers);
    ws.synth();
    await applied();
    expect(await withPassword('mia.leaver', DOOR, 'SELECT 1')).toMatch(/password authentication failed/);
  });

  test('the hourly audit (--terminate --drop-departed, as the master) never runs her code as the master, and leaves no door', async () => {
    const audit = ws.audit('orders', '--terminate', '--drop-departed');
    expect(audit.report.databases.orders.status).not.toBe('unreachable');
    // Her door: a password LOGIN role the master made for her while the audit read pg_roles.
    expect(await withPassword('mia.door', DOOR, 'SELECT session_user AS who')).toMatch(/password authentication failed|does not exist/);
    expect(await masterRuns()).toEqual([]);
  });

  test('a function the admin tier makes (no EXECUTE for PUBLIC) named unnest cannot make the audit fail for the whole database', async () => {
    await admin('DROP FUNCTION IF EXISTS public.unnest(text[])', 'DELETE FROM public.attack_log');
    // As the tier (the default at login): default privileges give PUBLIC no EXECUTE, so the master cannot call it.
    expect(await as('alice.ng', 'CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE sql AS $f$ SELECT pg_catalog.unnest(a) $f$')).toEqual([]);
    const audit = ws.audit('orders');
    expect(audit.report.databases.orders).not.toMatchObject({ status: 'unreachable' });
    await admin('DROP FUNCTION public.unnest(text[])');
  });

  test('an admin tier function named array_remove(text[], text) cannot break every Terraform plan of the users stack (the provider reads grants with array_remove(array_agg(…), NULL))', async () => {
    expect(await as('alice.ng', 'CREATE FUNCTION public.array_remove(a text[], e text) RETURNS text[] LANGUAGE sql AS $f$ SELECT pg_catalog.array_remove(a, e) $f$')).toEqual([]);
    try {
      const run = await ws.stack('orders').planExitCode();
      expect(`${run.stderr}`).not.toMatch(/permission denied for function array_remove/);
      expect(run.status).toBe(0);
    } finally {
      await admin('DROP FUNCTION public.array_remove(text[], text)');
    }
  });

  test('a shadowing array_remove the master can run executes as the master during every plan (the provider rolls the read back, but the code ran)', async () => {
    await admin('DELETE FROM public.attack_log');
    expect(await as('alice.ng', `SET ROLE NONE;
      CREATE FUNCTION public.array_remove(a text[], e text) RETURNS text[] LANGUAGE plpgsql AS $f$
      BEGIN
        IF (SELECT rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
          RAISE EXCEPTION 'running as %', current_user;
        END IF;
        RETURN pg_catalog.array_remove(a, e);
      END $f$`)).toEqual([]);
    try {
      const run = await ws.stack('orders').planExitCode();
      expect(`${run.stderr}${run.stdout}`).not.toMatch(/running as dbmaster/);
      expect(run.status).toBe(0);
    } finally {
      await admin('DROP FUNCTION public.array_remove(text[], text)');
    }
  });
});
