/**
 * One `rds-db:connect` request evaluated by the IAM policy simulator
 * (`@cloud-copilot/iam-simulate`): the doctor's deploys link, the tests' policy proofs and the
 * sandbox's checker all ask it here. The simulator is loaded on first use, so a command that
 * never gets that far does not pay for it.
 */

/** An identity policy in force, with every Terraform reference resolved. */
export interface PolicyInForce {
  readonly name: string;
  readonly document: unknown;
}

export interface ConnectQuestion {
  readonly principalArn: string;
  readonly account: string;
  /** `arn:aws:rds-db:<region>:<account>:dbuser:<resource-id>/<user>` */
  readonly resource: string;
  /** Session tags: `aws:PrincipalTag/<key>` in policies. */
  readonly tags: Readonly<Record<string, string>>;
  readonly policies: readonly PolicyInForce[];
}

/** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `simulation failed: …`. */
export type Simulate = (question: ConnectQuestion) => Promise<string>;

export const simulateConnect: Simulate = async (question) => {
  const { runSimulation } = await import('@cloud-copilot/iam-simulate');
  const result = await runSimulation(
    {
      request: {
        principal: question.principalArn,
        action: 'rds-db:connect',
        resource: { resource: question.resource, accountId: question.account },
        contextVariables: Object.fromEntries(Object.entries(question.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
      },
      identityPolicies: question.policies.map((p) => ({ name: p.name, policy: p.document as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return result.resultType === 'single' ? result.overallResult : `simulation failed: ${JSON.stringify(result).slice(0, 500)}`;
};
