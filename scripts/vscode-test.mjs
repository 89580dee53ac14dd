#!/usr/bin/env node
// Runs the extension-host tests (test/vscode) in a real VS Code.
//
// Default: code-server (VS Code 1.100.3, installed by scripts/provision.sh) on a free loopback
// port, driven by Chromium through playwright-core, offline. The tests load through the same
// `payload` contract as @vscode/test-electron (extensionDevelopmentPath + extensionTestsPath)
// and write their verdict to the file named by BERTH_TEST_VERDICT, which this script waits for.
//
// The tests can also act as a user in the page: BERTH_UI_DRIVER names a loopback endpoint (with a
// random token) through which test/vscode/ui.ts asks this script to wait for, read, click and type
// in the workbench (see UiBridge below).
//
//   node scripts/vscode-test.mjs [--screenshot FILE] [--grep TEXT] [--timeout SECONDS] [--keep]
//   node scripts/vscode-test.mjs --electron   # the same suite under @vscode/test-electron
//                                             # (downloads VS Code; headless Linux needs xvfb-run)
//
// Exit codes: 0 all passed, 1 failures or timeout, 77 a prerequisite is missing (scripts/test.sh
// reports that as a skip locally and as a failure in CI).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXIT_MISSING = 77;
const CODE_SERVER_ENTRY =
  process.env.BERTH_CODE_SERVER ?? path.join(ROOT, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';
// What the notes found keeps Chromium quiet and working as root in a container.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const TEST_BUNDLE = path.join(ROOT, 'out/test/vscode/index.js');

// --- arguments --------------------------------------------------------------------------------
const options = { electron: false, screenshot: undefined, grep: undefined, timeoutS: 300, keep: false };
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  const value = () => {
    const next = process.argv[++i];
    if (next === undefined) usage(`${arg} needs a value`);
    return next;
  };
  if (arg === '--electron') options.electron = true;
  else if (arg === '--screenshot') options.screenshot = path.resolve(value());
  else if (arg === '--grep') options.grep = value();
  else if (arg === '--timeout') options.timeoutS = Number(value());
  else if (arg === '--keep') options.keep = true;
  else usage(`unknown option ${arg}`);
}
if (!(options.timeoutS > 0)) usage('--timeout needs a positive number of seconds');

function usage(message) {
  console.error(
    `vscode-test: ${message}\nusage: node scripts/vscode-test.mjs [--electron] [--screenshot FILE] [--grep TEXT] [--timeout SECONDS] [--keep]`,
  );
  process.exit(2);
}

function log(message) {
  console.log(`vscode-test: ${message}`);
}

function missing(message) {
  console.error(`vscode-test: missing prerequisite: ${message}`);
  process.exit(EXIT_MISSING);
}

// --- small utilities --------------------------------------------------------------------------
/** Polls `probe` until it returns a truthy value or the deadline passes. */
async function poll(what, timeoutMs, probe, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(0));
    request.setTimeout(2000, () => request.destroy());
  });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// --- the test bundle --------------------------------------------------------------------------
/** Bundles test/vscode/index.ts and every *.test.ts beside it into out/test/vscode/index.js. */
async function buildTests() {
  const dir = path.join(ROOT, 'test/vscode');
  const files = fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.test.ts'))
    .sort();
  if (!files.length) throw new Error('no test/vscode/**/*.test.ts files');
  const contents = ["export { run } from './index';", ...files.map((file) => `import './${file.split(path.sep).join('/')}';`)].join('\n');
  await esbuild.build({
    stdin: { contents, resolveDir: dir, sourcefile: 'suite.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: TEST_BUNDLE,
    // As scripts/build.mjs: ssh2's optional native helpers stay out, for tests that import the engine.
    external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
    // As scripts/build.mjs: jsonc-parser's ESM build (its UMD entry defeats the bundler).
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return files;
}

// --- reporting --------------------------------------------------------------------------------
const totals = { passed: 0, failed: 0 };

/** Prints one pass's results; an empty pass is fine only when --grep chose no test of it. */
function report(verdict, pass) {
  for (const result of verdict.results) {
    console.log(`  ${result.ok ? 'PASS' : 'FAIL'} ${result.name} (${result.ms} ms)`);
    if (!result.ok && result.error) console.log(result.error.replace(/^/gm, '       '));
  }
  totals.passed += verdict.passed;
  totals.failed += verdict.failed;
  log(`${pass} workspace: ${verdict.passed} passed, ${verdict.failed} failed`);
  return verdict.failed === 0 && (verdict.passed > 0 || options.grep !== undefined);
}

function readVerdict(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// --- @vscode/test-electron --------------------------------------------------------------------
async function runElectron(tmp, verdictFile) {
  const { runTests } = await import('@vscode/test-electron');
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    log('no DISPLAY: VS Code desktop needs one; on a headless machine run this under xvfb-run -a');
  }
  try {
    await runTests({
      version: process.env.BERTH_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: TEST_BUNDLE,
      extensionTestsEnv: { BERTH_TEST_VERDICT: verdictFile, ...(options.grep ? { BERTH_TEST_GREP: options.grep } : {}) },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--user-data-dir',
        path.join(tmp, 'user-data'),
        '--extensions-dir',
        path.join(tmp, 'extensions'),
      ],
    });
  } catch (error) {
    // runTests rejects on a non-zero exit too; the verdict, when there is one, says which tests failed.
    if (!readVerdict(verdictFile)) throw error;
  }
  const verdict = readVerdict(verdictFile);
  if (!verdict) throw new Error('VS Code exited without writing a test verdict');
  return report(verdict, 'trusted');
}

// --- code-server + Chromium -------------------------------------------------------------------
/** User settings that keep VS Code's first-run UI from covering the editor. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'editor.minimap.enabled': false,
  'window.zoomLevel': 0,
};

class CodeServer {
  constructor(tmp) {
    this.tmp = tmp;
    this.log = path.join(tmp, 'code-server.log');
  }

  /** `trusted: false` leaves Workspace Trust on, so the folder opens in Restricted Mode. */
  async start(env, trusted = true) {
    this.port = await freePort();
    const userData = path.join(this.tmp, 'user-data');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    const trust = trusted
      ? { 'security.workspace.trust.enabled': false }
      : // No modal asking to trust the folder: it would cover the workbench and nobody answers it.
        {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'never',
        };
    fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...USER_SETTINGS, ...trust }, null, 2));
    const logFd = fs.openSync(this.log, 'a');
    const args = [
      CODE_SERVER_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${this.port}`,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      path.join(this.tmp, 'extensions'),
      // Its own config file: code-server otherwise writes ~/.config/code-server/config.yaml.
      '--config',
      path.join(this.tmp, 'code-server.yaml'),
      '--disable-telemetry',
      '--disable-update-check',
      ...(trusted ? ['--disable-workspace-trust'] : []),
      '--disable-getting-started-override',
    ];
    // A process group of its own, so cleanup reaches the extension host and language server too.
    this.child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
    fs.closeSync(logFd);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exitInfo = undefined;
    void this.exited.then((info) => (this.exitInfo = info));
    await poll('code-server to answer /healthz', 60_000, async () => {
      if (this.exitInfo) throw new Error(`code-server exited early (${JSON.stringify(this.exitInfo)}):\n${tail(this.log, 30)}`);
      return (await httpStatus(`${this.origin}/healthz`)) === 200;
    });
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The workbench URL for `folder`, loading this repo as the development extension. */
  url(folder, extraPayload = []) {
    const remote = (file) => `vscode-remote://127.0.0.1:${this.port}${file}`;
    const payload = [['extensionDevelopmentPath', remote(ROOT)], ...extraPayload.map(([k, v]) => [k, remote(v)])];
    return `${this.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }

  async stop() {
    if (!this.child || this.exitInfo) return;
    const signalGroup = (signal) => {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    signalGroup('SIGTERM');
    const timedOut = Symbol('timeout');
    let timer;
    const result = await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(() => resolve(timedOut), 10_000)))]);
    clearTimeout(timer);
    if (result === timedOut) signalGroup('SIGKILL');
    // Children that outlived their leader (an extension host, the language server) go too.
    signalGroup('SIGKILL');
  }
}

// --- the UI bridge ----------------------------------------------------------------------------
/**
 * A loopback HTTP endpoint through which the extension-host tests drive the page as a user would:
 * POST /<token> with `{ verb, ...args }`, answered with `{ value }` or `{ error }`. The verbs take
 * CSS selectors; which selectors mean what in VS Code's DOM lives in test/vscode/ui.ts alone.
 * Text filters are substrings or `{ regex, flags }`.
 */
class UiBridge {
  constructor() {
    this.token = randomBytes(16).toString('hex');
    this.page = undefined;
    this.server = http.createServer((request, response) => void this.handle(request, response));
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${this.server.address().port}/${this.token}`;
  }

  stop() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async handle(request, response) {
    const answer = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== `/${this.token}`) return answer(404, { error: 'not found' });
    let text = '';
    for await (const chunk of request) text += chunk;
    try {
      if (!this.page) throw new Error('the page is not open yet');
      answer(200, { value: (await this.run(this.page, JSON.parse(text))) ?? null });
    } catch (error) {
      answer(200, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** One verb on the page. */
  async run(page, { verb, selector, text, index, timeoutMs = 10_000, key, value, path: file }) {
    const hasText = text === undefined ? undefined : typeof text === 'string' ? text : new RegExp(text.regex, text.flags);
    const target = () => {
      const all = page.locator(selector, hasText === undefined ? {} : { hasText });
      return index === undefined ? all.first() : all.nth(index);
    };
    switch (verb) {
      case 'waitFor':
        await target().waitFor({ state: 'visible', timeout: timeoutMs });
        return true;
      case 'waitForGone':
        await page
          .locator(selector, hasText === undefined ? {} : { hasText })
          .first()
          .waitFor({ state: 'hidden', timeout: timeoutMs });
        return true;
      case 'click':
        await moveOffHover(page);
        await target().click({ timeout: timeoutMs });
        return true;
      case 'hover':
        await target().hover({ timeout: timeoutMs });
        return true;
      case 'texts':
        // Visible ones only: VS Code keeps hidden widgets in the DOM.
        return page
          .locator(selector)
          .evaluateAll((nodes) => nodes.filter((n) => n.getClientRects().length > 0).map((n) => n.innerText ?? n.textContent ?? ''));
      case 'attributes':
        return page
          .locator(selector)
          .evaluateAll((nodes, name) => nodes.filter((n) => n.getClientRects().length > 0).map((n) => n.getAttribute(name)), String(value));
      case 'frameTexts': {
        // Webviews (the Stats view) render in nested iframes: every frame's matches, in frame order.
        const found = [];
        for (const frame of page.frames()) {
          const inFrame = await frame
            .locator(selector)
            .evaluateAll((nodes) => nodes.map((n) => n.textContent ?? ''))
            .catch(() => []);
          found.push(...inFrame);
        }
        return found;
      }
      case 'type':
        await page.keyboard.type(String(value));
        return true;
      case 'press':
        await page.keyboard.press(String(key));
        return true;
      case 'html':
        return page.locator(selector).evaluateAll((nodes) => nodes.map((n) => n.outerHTML));
      case 'screenshot':
        await page.screenshot({ path: String(file) });
        return true;
      default:
        throw new Error(`unknown verb ${verb}`);
    }
  }
}

/**
 * A workbench hover left by where the mouse last was (a quick input's placeholder, say) can lie
 * over the next thing to click, and it stays while the mouse is on it, so the click never lands.
 * With one showing, the mouse leaves for the page's corner until it is gone.
 */
async function moveOffHover(page) {
  const hover = page.locator('.context-view .hover-contents').first();
  if (!(await hover.isVisible().catch(() => false))) return;
  await page.mouse.move(0, 0);
  await hover.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => {});
}

async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/** Opens the demo's Dockerfile with Berth's findings and the Problems panel showing, and saves a screenshot. */
async function screenshot(browser, server, file) {
  const demo = path.join(server.tmp, 'screenshot', 'demo');
  fs.cpSync(path.join(ROOT, 'demo'), demo, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(server.url(demo));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer lists the demo once the workbench has a folder; then open the Dockerfile.
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^Dockerfile$/ });
    await row.first().waitFor({ timeout: 60_000 });
    await row.first().click();
    await page
      .locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info')
      .first()
      .waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+Shift+M'); // Problems panel
    await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 30_000 });
    // Show the quick fixes for the layer-cache finding, Berth's own rule: go to the `COPY . .`
    // and open the Quick Fix menu, as a user would with Ctrl+.
    const copyLine =
      fs
        .readFileSync(path.join(demo, 'Dockerfile'), 'utf8')
        .split('\n')
        .findIndex((l) => /^COPY \. /.test(l)) + 1;
    if (copyLine > 0) {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await page.keyboard.type(`${copyLine}:6`);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+.');
      await page
        .locator('.action-widget')
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(() => undefined);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    log(`screenshot saved to ${path.relative(process.cwd(), file)}`);
  } finally {
    await page.close();
  }
}

/**
 * The `ui` pass loads the test bundle from an installed extension of its own instead of the
 * payload's extensionTestsPath: with that set, VS Code refuses to show any dialog ("refused to
 * show dialog in tests"), and the ui tests are there to see and answer the real ones.
 */
function installUiRunner(extensionsDir) {
  const id = 'berth-test.ui-runner';
  const version = '0.0.1';
  const folder = path.join(extensionsDir, `${id}-${version}`);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'package.json'),
    JSON.stringify({
      name: 'ui-runner',
      publisher: 'berth-test',
      version,
      engines: { vscode: '^1.90.0' },
      activationEvents: ['onStartupFinished'],
      main: './runner.js',
    }),
  );
  // Not awaited: activation returns at once, and the bundle's run() writes the verdict file.
  fs.writeFileSync(
    path.join(folder, 'runner.js'),
    `exports.activate = () => { void require(${JSON.stringify(TEST_BUNDLE)}).run().catch((error) => console.error(error)); };\n`,
  );
  fs.writeFileSync(
    path.join(extensionsDir, 'extensions.json'),
    JSON.stringify([
      {
        identifier: { id },
        version,
        location: { $mid: 1, fsPath: folder, external: `file://${folder}`, path: folder, scheme: 'file' },
        relativeLocation: path.basename(folder),
        metadata: { installedTimestamp: Date.now(), source: 'vsix' },
      },
    ]),
  );
}

/**
 * One pass: code-server on a fresh workspace folder, the test bundle in its extension host.
 * `untrusted` is the Restricted Mode pass, `ui` the one whose tests drive the page (UiBridge);
 * the tests choose their pass (harness.ts).
 */
async function runCodeServer(tmp, verdictFile, pass) {
  const trusted = pass !== 'untrusted';
  const server = new CodeServer(tmp);
  const bridge = new UiBridge();
  let browser;
  const consoleLog = path.join(tmp, 'browser-console.log');
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    await bridge.stop();
  };
  const onSignal = (signal) => {
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const started = Date.now();
    await server.start(
      {
        BERTH_UI_DRIVER: await bridge.start(),
        BERTH_TEST_VERDICT: verdictFile,
        BERTH_TEST_PASS: pass,
        ...(options.grep ? { BERTH_TEST_GREP: options.grep } : {}),
      },
      trusted,
    );
    log(`code-server answered on ${server.origin} after ${Date.now() - started} ms`);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    bridge.page = page;
    page.on('console', (message) => fs.appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => fs.appendFileSync(consoleLog, `[pageerror] ${error.message}\n`));
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    // A workspace setting that would choose another engine: Restricted Mode must ignore it.
    if (!trusted)
      fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'berth.docker.host': 'tcp://127.0.0.1:9' }));
    if (pass === 'ui') installUiRunner(path.join(tmp, 'extensions'));
    await page.goto(server.url(workspace, pass === 'ui' ? [] : [['extensionTestsPath', TEST_BUNDLE]]));
    const verdict = await poll(
      `the test verdict (${verdictFile})`,
      options.timeoutS * 1000,
      () => {
        if (server.exitInfo) throw new Error(`code-server exited during the tests:\n${tail(server.log, 30)}`);
        return readVerdict(verdictFile);
      },
      250,
    );
    log(`page load to verdict: ${Date.now() - started} ms since code-server started`);
    const ok = report(verdict, pass);
    bridge.page = undefined;
    await page.close();
    if (options.screenshot && pass === 'trusted') {
      try {
        await screenshot(browser, server, options.screenshot);
      } catch (error) {
        console.error(`vscode-test: screenshot failed: ${error.message}`);
        return false;
      }
    }
    return ok;
  } catch (error) {
    console.error(`vscode-test: ${error.message}`);
    console.error(`--- browser console (last 40 lines) ---\n${tail(consoleLog, 40)}`);
    console.error(`--- code-server log (last 20 lines) ---\n${tail(server.log, 20)}`);
    totals.failed += 1;
    return false;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

// --- main -------------------------------------------------------------------------------------
if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) missing('dist/extension.js is not built; run: npm run build');
if (!options.electron) {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) missing(`code-server is not installed at ${CODE_SERVER_ENTRY}; run: bash scripts/provision.sh`);
  if (!fs.existsSync(CHROMIUM)) missing(`Chromium is not at ${CHROMIUM}; run: bash scripts/provision.sh`);
}
// The tests run busybox:local and busybox:local-alt: checked by what they hold, not trusted by
// their tags, so a stale or foreign image stops the run here with the reason, not tests far away.
if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0) {
  const images = spawnSync('bash', [path.join(ROOT, 'scripts/test-images.sh'), '--check'], { encoding: 'utf8', timeout: 120_000 });
  if (images.status !== 0) {
    console.error(`vscode-test: ${(images.stderr || images.error?.message || '').trim()}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const files = await buildTests();
log(`bundled ${files.length} test files into ${path.relative(ROOT, TEST_BUNDLE)}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vscode-'));
let ok = false;
try {
  if (options.electron) ok = await runElectron(tmp, path.join(tmp, 'verdict.json'));
  else {
    ok = true;
    for (const pass of ['trusted', 'untrusted', 'ui']) {
      const passOk = await runCodeServer(path.join(tmp, pass), path.join(tmp, pass, 'verdict.json'), pass);
      ok &&= passOk;
    }
  }
} catch (error) {
  console.error(`vscode-test: ${error.message}`);
  totals.failed += 1;
}
// The one line scripts/test.sh counts.
console.log(`${totals.passed} passed, ${totals.failed} failed`);
if (ok && !options.keep) fs.rmSync(tmp, { recursive: true, force: true });
else log(`logs and workspace kept in ${tmp}`);
process.exit(ok ? 0 : 1);
