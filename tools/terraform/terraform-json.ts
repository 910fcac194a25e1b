/** What Terraform makes of a synthesized stack's JSON, for checks outside Terraform. */
import { forEachValue } from '../../lib/terraform/synthesized';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Every resource instance Terraform would plan, as address → configuration text: a
 * `for_each` resource counts once per key (`type.name["jane"]`, with that key's value where
 * the configuration uses it).
 */
export function resourceInstances(json: { resource?: Resources; locals?: Record<string, unknown> }): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { for_each: raw, ...rest } = body;
      const forEach = forEachValue(raw, json.locals ?? {});
      if (forEach && typeof forEach === 'object') {
        const usesValue = JSON.stringify(rest).includes('${each.value');
        for (const [key, value] of Object.entries(forEach)) out.set(`${type}.${name}["${key}"]`, JSON.stringify({ ...rest, each: usesValue ? value : key }));
      } else {
        out.set(`${type}.${name}`, JSON.stringify(body));
      }
    }
  }
  return out;
}
