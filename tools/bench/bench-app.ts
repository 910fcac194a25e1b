/**
 * The in-memory app of `npm run bench`: BENCH_USERS generated people of the bench fleet
 * (bench-fleet.ts) handed to synthesizeProject (what main.ts runs, composeApp and all) as
 * values built in this process: no users.ts is read.
 * The bench's baseline for synth from users.ts (users-project.ts), and what the real-engine
 * part synthesizes. Prints one JSON line of measurements taken inside the process.
 */
import { App } from 'cdktf';
import { synthesizeProject } from '../../stacks/compose';
import { benchConfig, benchUsers } from './bench-fleet';

const count = Number(process.env.BENCH_USERS ?? '0');
// env: RDS_IAM_<KEY>_* point the users stacks at real servers (tools/bench/real-engines.ts).
synthesizeProject({
  projectDir: __dirname,
  data: { config: benchConfig, users: benchUsers(count), services: [] },
  env: process.env,
  newApp: () => new App(),
});
process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
