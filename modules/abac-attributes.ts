import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { Construct } from 'constructs';
import { DEFAULT_ATTRIBUTE_KEY, DEFAULT_ATTRIBUTE_SOURCE } from '../lib/iam/policy';
import { terraformLiteral } from '../lib/terraform/literal';

export interface AbacAttributesProps {
  readonly instanceArn: string;
  /** Principal tag key sessions get. @default "username" */
  readonly key?: string;
  /** Identity Center attribute path, unescaped. @default "${path:userName}" */
  readonly source?: string;
}

/**
 * Identity Center attribute-based access control: every permission-set session carries
 * the principal tag `username` = the person's Identity Center user name.
 */
export class AbacAttributes extends Construct {
  readonly key: string;

  constructor(scope: Construct, id: string, props: AbacAttributesProps) {
    super(scope, id);
    this.key = props.key ?? DEFAULT_ATTRIBUTE_KEY;
    new SsoadminInstanceAccessControlAttributes(this, 'attributes', {
      instanceArn: props.instanceArn,
      attribute: [{ key: terraformLiteral(this.key), value: [{ source: [terraformLiteral(props.source ?? DEFAULT_ATTRIBUTE_SOURCE)] }] }],
    });
  }
}
