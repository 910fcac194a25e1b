import { runSimulation } from '@cloud-copilot/iam-simulate';

/** An identity policy in force, with every Terraform reference resolved. */
export interface IdentityPolicy {
  readonly name: string;
  readonly document: unknown;
}

/** One `rds-db:connect` request as IAM evaluates it: who asks, on what, holding which policies. */
export interface ConnectRequest {
  readonly principalArn: string;
  readonly account: string;
  /** `arn:aws:rds-db:<region>:<account>:dbuser:<resource-id>/<user>` */
  readonly resource: string;
  /** Session tags: `aws:PrincipalTag/<key>` in policies. */
  readonly tags: Readonly<Record<string, string>>;
  readonly policies: readonly IdentityPolicy[];
}

/**
 * The IAM policy simulator's verdict on `rds-db:connect`: `Allowed`, `ImplicitlyDenied`,
 * `ExplicitlyDenied`, or `simulation failed: …` when it could not evaluate the request.
 * The tests' policy proofs and the sandbox's checker ask it the same way.
 */
export async function simulateConnect(request: ConnectRequest): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principalArn,
        action: 'rds-db:connect',
        resource: { resource: request.resource, accountId: request.account },
        contextVariables: Object.fromEntries(Object.entries(request.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
      },
      identityPolicies: request.policies.map((p) => ({ name: p.name, policy: p.document as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return result.resultType === 'single' ? result.overallResult : `simulation failed: ${JSON.stringify(result).slice(0, 500)}`;
}
