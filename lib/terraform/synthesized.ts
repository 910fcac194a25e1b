import * as fs from 'fs';
import * as path from 'path';
import { byCodeUnit } from '../model/order';
import { readMapExpression } from './literal';

/** A synthesized stack's Terraform JSON (`cdk.tf.json`). */
export interface StackJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly locals?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** Every stack cdktf wrote into `outdir` (`<outdir>/stacks/<name>/cdk.tf.json`), parsed, by name in code-unit order. */
export function readSynthesizedStacks(outdir: string): Record<string, StackJson> {
  const stacksDir = path.join(outdir, 'stacks');
  return Object.fromEntries(
    fs.readdirSync(stacksDir).sort(byCodeUnit).map((name) => [
      name,
      JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as StackJson,
    ]),
  );
}

/**
 * A `for_each` as Terraform sees it: a literal map, or the map of the local it names
 * (`${local.x}`), which holds the map itself or a mapExpression of it.
 */
export function forEachValue(forEach: unknown, locals: Readonly<Record<string, unknown>>): unknown {
  const ref = typeof forEach === 'string' ? /^\$\{local\.([\w-]+)\}$/.exec(forEach) : null;
  if (!ref) return forEach;
  const local = locals[ref[1]];
  return typeof local === 'string' ? (readMapExpression(local) ?? local) : local;
}
