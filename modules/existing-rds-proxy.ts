import { DataAwsDbProxy } from '@cdktf/provider-aws/lib/data-aws-db-proxy';
import { Construct } from 'constructs';
import { EngineFamily } from '../lib/model/types';
import { EntryPoint, RdsLocation } from './rds-database';
import { proxyResourceId } from './rds-proxy';

export interface ExistingRdsProxyProps extends RdsLocation {
  /** The proxy's name. */
  readonly name: string;
  /** The database's engine family: the plan fails if the proxy serves another. */
  readonly family: EngineFamily;
  readonly port: number;
}

/**
 * An RDS Proxy this project does not create, looked up by name, with plan-time checks that it
 * takes IAM logins end to end and requires TLS. Its targets and network are its owner's.
 */
export class ExistingRdsProxy extends Construct implements EntryPoint {
  readonly kind = 'proxy' as const;
  readonly endpoint: string;
  readonly port: number;
  readonly resourceId: string;
  readonly location: RdsLocation;

  constructor(scope: Construct, id: string, props: ExistingRdsProxyProps) {
    super(scope, id);
    this.port = props.port;
    this.location = { partition: props.partition, region: props.region, account: props.account };
    const engineFamily = props.family === 'postgres' ? 'POSTGRESQL' : 'MYSQL';
    const proxy = new DataAwsDbProxy(this, 'proxy', {
      name: props.name,
      lifecycle: {
        postcondition: [
          {
            condition: '${self.default_auth_scheme == "IAM_AUTH"}',
            errorMessage:
              `RDS Proxy ${props.name} does not use end-to-end IAM, so tokens signed for it log nobody in as their own user. ` +
              `Turn it on (aws rds modify-db-proxy --db-proxy-name ${props.name} --default-auth-scheme IAM_AUTH) and plan again.`,
          },
          {
            condition: '${self.require_tls == true}',
            errorMessage: `RDS Proxy ${props.name} does not require TLS. Turn it on (aws rds modify-db-proxy --db-proxy-name ${props.name} --require-tls) and plan again.`,
          },
          {
            condition: `\${self.engine_family == "${engineFamily}"}`,
            errorMessage: `RDS Proxy ${props.name} serves \${self.engine_family}, but its database in config.ts is ${engineFamily}. Name the proxy in front of this database.`,
          },
        ],
      },
    });
    this.endpoint = proxy.endpoint;
    this.resourceId = proxyResourceId(this, proxy.arn);
  }
}
