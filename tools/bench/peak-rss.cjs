// Preloaded by `npm run bench` (NODE_OPTIONS=--require) into the app it runs exactly as cdktf.json
// says: on exit, writes the process's peak RSS in KiB to the file BENCH_PEAK_RSS_FILE names.
// Plain CommonJS: it loads before tsx does.
const fs = require('fs');
const { isMainThread } = require('worker_threads');

if (isMainThread && process.env.BENCH_PEAK_RSS_FILE) {
  process.on('exit', () => fs.writeFileSync(process.env.BENCH_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));
}
