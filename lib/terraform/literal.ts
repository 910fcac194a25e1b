/**
 * A free string (a tag, a description, a path, a user name) as Terraform must read it:
 * verbatim. Terraform evaluates `${…}` and `%{…}` in every JSON string at apply, so a value
 * like `${file("secret.txt")}` would run; doubling the opener (`$${`, `%%{`) is Terraform's
 * own escape. Every string from config.ts, users.ts or the environment that reaches a
 * synthesized stack goes through here.
 */
export function terraformLiteral(value: string): string;
/** An optional setting stays unset. */
export function terraformLiteral(value: string | undefined): string | undefined;
export function terraformLiteral(value: string | undefined): string | undefined {
  // split/join: in a replace() pattern `$$` would itself be an escape.
  return value?.split('${').join('$${').split('%{').join('%%{');
}

/** `terraformLiteral` on every key and value of a string map (tags). */
export function terraformLiteralMap(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [terraformLiteral(k), terraformLiteral(v)]));
}
