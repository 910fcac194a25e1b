/**
 * The stacks the checks outside jest look at: the example app (config.ts, users.ts, services.ts) and a
 * fleet with every engine × shape (tools/scan/scan-fleet.ts), synthesized in temporary folders.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { composeApp } from '../../stacks/compose';
import { validateInputs } from '../../lib/validation/inputs';
import { AppConfig, ServiceEntry, UserEntry } from '../../lib/model/types';
import { scanFleet, scanServices, scanUsers } from '../scan/scan-fleet';
import { readProjectData } from '../../lib/validation/data-file';
import { readSynthesizedStacks } from '../../lib/terraform/synthesized';

export interface SynthesizedStack {
  /** `<fleet>-<stack id>`, e.g. `example-database-orders`. */
  readonly name: string;
  /** The stack's Terraform JSON, parsed. */
  readonly json: Record<string, any>;
}

function synth(fleet: string, appConfig: AppConfig, people: readonly UserEntry[], services: readonly ServiceEntry[]): SynthesizedStack[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-fleet-'));
  try {
    const app = new App({ outdir });
    composeApp(app, validateInputs({ config: appConfig, users: people, services, now: new Date('2026-06-15T12:00:00Z') }));
    app.synth();
    return Object.entries(readSynthesizedStacks(outdir)).map(([stack, json]) => ({ name: `${fleet}-${stack}`, json }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function synthFleets(): SynthesizedStack[] {
  const example = readProjectData(path.resolve(__dirname, '../..'));
  return [
    ...synth('example', example.config as AppConfig, example.users as readonly UserEntry[], example.services as readonly ServiceEntry[]),
    ...synth('all-engines', scanFleet, scanUsers, scanServices),
  ];
}

/** A copy of `value` without cdktf's `//` metadata keys. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, withoutMetadata(v)]));
  }
  return value;
}
