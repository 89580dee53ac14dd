#!/usr/bin/env node
// Makes the npm package of the `berth` command, berth-cli, from the extension's own dist/cli.js
// bundle: a folder with its own package.json (version, license and repository from the
// extension's), the bundle, README and LICENSE. The bundle carries every dependency, so the
// package has none. `berth` on the npm registry is someone else's package: ours is berth-cli.
//
//   node scripts/package-cli.mjs [--out DIR]    # default out/berth-cli; needs `npm run build` first
//   npm run package:cli                         # a production build, then this
//   npm publish out/berth-cli                   # publishing is this one command
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The package's name on npm (free when chosen: `npm view berth-cli` answered 404). */
const CLI_PACKAGE_NAME = 'berth-cli';

function fail(message) {
  console.error(`package-cli: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
let out = path.join(ROOT, 'out', CLI_PACKAGE_NAME);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out' && args[i + 1]) out = path.resolve(args[++i]);
  else fail(`unknown argument ${args[i]}\nusage: node scripts/package-cli.mjs [--out DIR]`);
}

const extension = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// dist/cli.js, and the bundles it reads on first use: `berth run`'s, Compose linting's, the Compose
// schema's validators, and yaml (a .hadolint.yaml, a Compose file).
const BUNDLES = ['cli.js', 'cli-run.js', 'cli-compose.js', 'composeValidators.js', 'yaml.js'];
for (const name of BUNDLES)
  if (!fs.existsSync(path.join(ROOT, 'dist', name)))
    fail(`dist/${name} is missing; run \`npm run build\` (or \`npm run package:cli\`, which builds for production)`);

const pkg = {
  name: CLI_PACKAGE_NAME,
  version: extension.version,
  description:
    'berth lint: a fast Dockerfile and Containerfile linter with safe fixes, for the terminal and CI (text, JSON, SARIF, GitHub, GitLab, Checkstyle); berth run: a folder in a toolchain container.',
  keywords: ['dockerfile', 'containerfile', 'lint', 'linter', 'hadolint', 'sarif', 'docker', 'ci'],
  license: extension.license,
  repository: extension.repository,
  homepage: `${extension.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}#readme`,
  bugs: `${extension.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/issues`,
  bin: { berth: 'cli.js' },
  files: [...BUNDLES, 'README.md', 'LICENSE'],
  engines: { node: extension.engines.node },
};

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
// The bundles as built; a development build's source-map comment would point at a file not shipped.
for (const name of BUNDLES) {
  const code = fs.readFileSync(path.join(ROOT, 'dist', name), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\.map\s*$/, '\n');
  fs.writeFileSync(path.join(out, name), code, { mode: name === 'cli.js' ? 0o755 : 0o644 });
}
fs.copyFileSync(path.join(ROOT, 'cli-package', 'README.md'), path.join(out, 'README.md'));
fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(out, 'LICENSE'));
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
const shown = path.relative(process.cwd(), out).startsWith('..') ? out : path.relative(process.cwd(), out) || '.';
console.log(`package-cli: ${CLI_PACKAGE_NAME}@${pkg.version} in ${shown}; publish with: npm publish ${shown}`);
