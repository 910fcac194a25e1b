import * as fs from 'fs';

/** `cdktf deploy --outputs-file` content: stack id → output name → value. */
export type StackOutputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * The outputs `npm run deploy` wrote: `file`, else `cdktf-outputs.json` if it exists
 * (undefined if not). A named file that is missing or not JSON is an error made by `fail`.
 */
export function readOutputs(file: string | undefined, fail: (message: string) => Error): StackOutputs | undefined {
  const chosen = file ?? 'cdktf-outputs.json';
  if (!fs.existsSync(chosen)) {
    if (file !== undefined) throw fail(`Outputs file ${file} does not exist.`);
    return undefined;
  }
  try {
    return JSON.parse(fs.readFileSync(chosen, 'utf8')) as StackOutputs;
  } catch (error) {
    throw fail(`Outputs file ${chosen} is not JSON: ${(error as Error).message}`);
  }
}
