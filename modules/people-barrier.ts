import { DataResource, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/**
 * One `terraform_data` that depends on `dependencies`, for a `for_each` resource of people to
 * depend on instead of them. Terraform links each instance of a resource to every instance of
 * each `for_each` resource it depends on, in the apply graph that every plan also builds:
 * people × people edges (2 million for 1,000 PostgreSQL people), which took Terraform minutes
 * and gigabytes before an apply started. Through this one node the order is the same, and the
 * edges are people + people. Measured in `npm run bench`.
 */
export function peopleBarrier(scope: Construct, id: string, dependencies: readonly ITerraformDependable[]): DataResource {
  return new DataResource(scope, id, { dependsOn: [...dependencies] });
}
