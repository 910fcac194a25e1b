// The README's "Layout" rule, checked by `npm run check:layout` (in CI): which folder may
// import which, and no import cycles anywhere. Lower rooms never import higher ones.
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    { name: 'no-cycles', comment: 'Import cycles make load order matter; split the shared part out.', severity: 'error', from: {}, to: { circular: true } },
    forbid('model-is-the-floor', 'lib/model holds plain types and constants; it imports nothing of the project.',
      '^lib/model/', '^(lib/(validation|iam)|modules|stacks|cli|tools|__tests__|config\\.ts|users\\.ts|services\\.ts|main\\.ts)'),
    forbid('lib-has-no-constructs', 'lib/ is the domain: no constructs, stacks, commands or tooling.',
      '^lib/', '^(modules|stacks|cli|tools|__tests__|main\\.ts)'),
    forbid('lib-is-not-the-fleet', 'lib/ works on any config; config.ts, users.ts and services.ts are passed in, not imported.',
      '^lib/', '^(config|users|services)\\.ts$'),
    forbid('modules-are-constructs', 'Constructs use lib/ and the provider bindings, never stacks, commands or tooling.',
      '^modules/', '^(stacks|cli|tools|__tests__|main\\.ts|config\\.ts|users\\.ts|services\\.ts)'),
    forbid('stacks-compose-modules', 'Stacks compose modules; they never reach into commands, tooling or the fleet files.',
      '^stacks/', '^(cli|tools|__tests__|main\\.ts|config\\.ts|users\\.ts|services\\.ts)'),
    {
      ...forbid('commands-do-not-synthesize', 'User-facing commands use lib/ and the fleet files; they never load cdktf stacks or tooling.',
        '^cli/', '^(stacks|modules|tools|__tests__|main\\.ts)'),
      from: { path: '^cli/', pathNot: '^cli/shared/revision\\.ts$' },
    },
    forbid('reviews-synthesize-through-compose', 'The review commands synthesize a revision\'s data with their own code, through stacks/compose.ts alone.',
      '^cli/shared/revision\\.ts$', '^(stacks/(?!compose\\.ts$)|modules|tools|__tests__|main\\.ts)'),
    forbid('examples-are-data', 'An example is data like config.ts: it imports only types of lib/model and its own files.',
      '^examples/', '^(lib/(?!model/)|modules|stacks|cli|tools|__tests__|main\\.ts|config\\.ts|users\\.ts|services\\.ts)'),
    {
      ...forbid('data-files-are-read-not-run', 'config.ts, users.ts and services.ts are read as data (lib/validation/data-file.ts), never imported to run: code in them could answer each reader differently.',
        '^(main\\.ts|stacks|modules|cli|tools)', '^(config|users|services)\\.ts$'),
      to: { path: '^(config|users|services)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    forbid('tooling-is-not-tested-code', 'Tooling may use everything the product has, never test fixtures.',
      '^tools/', '^(__tests__|main\\.ts)'),
  ],
  options: {
    doNotFollow: { path: ['node_modules', '^\\.gen/'] },
    exclude: { path: ['^node_modules', '^cdktf\\.out', '^coverage'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
