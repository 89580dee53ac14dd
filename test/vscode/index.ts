/**
 * The extension-host test entry, with @vscode/test-electron's contract: `run()` resolves when
 * every test passed and rejects otherwise. Under code-server nothing observes that promise, so
 * the results also go to the JSON file named by BERTH_TEST_VERDICT, which the driver
 * (scripts/vscode-test.mjs) waits for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registeredTests, runTest, type TestResult } from './harness';

export interface Verdict {
  passed: number;
  failed: number;
  results: TestResult[];
}

export async function run(): Promise<void> {
  const results: TestResult[] = [];
  // Optional filter, as BERTH_TEST_GREP=<substring of a test name>.
  const grep = process.env.BERTH_TEST_GREP;
  // The driver opens a trusted, an untrusted and a ui workspace in turn; each runs its own tests.
  const named = process.env.BERTH_TEST_PASS;
  const pass = named === 'untrusted' || named === 'ui' ? named : 'trusted';
  for (const testCase of registeredTests()) {
    if (testCase.pass !== pass) continue;
    if (grep && !testCase.name.includes(grep)) continue;
    const result = await runTest(testCase);
    results.push(result);
    console.log(`${result.ok ? 'PASS' : 'FAIL'} ${result.name} (${result.ms} ms)${result.error ? `\n${result.error}` : ''}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  const verdict: Verdict = { passed: results.length - failed, failed, results };
  const verdictFile = process.env.BERTH_TEST_VERDICT;
  if (verdictFile) {
    // Written to a temporary name and renamed, so the driver never reads half a file.
    fs.mkdirSync(path.dirname(verdictFile), { recursive: true });
    fs.writeFileSync(`${verdictFile}.tmp`, JSON.stringify(verdict, null, 2));
    fs.renameSync(`${verdictFile}.tmp`, verdictFile);
  }
  if (results.length === 0 && !grep) throw new Error('no extension-host tests ran');
  if (failed) throw new Error(`${failed} of ${results.length} extension-host tests failed`);
}
