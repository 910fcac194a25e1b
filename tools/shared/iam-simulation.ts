/** The tests' and the sandbox's names for the one IAM simulation (lib/iam/simulate.ts). */
export { simulateConnect } from '../../lib/iam/simulate';
export type { ConnectQuestion as ConnectRequest, PolicyInForce as IdentityPolicy } from '../../lib/iam/simulate';
