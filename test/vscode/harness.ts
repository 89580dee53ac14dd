/**
 * A small test runner for the extension host: test files call `test()` when imported, and
 * index.ts runs them in order. Mocha is what @vscode/test-electron's samples use; this is the
 * few lines of it we need, with a per-test deadline and a machine-readable verdict.
 */

/**
 * Which workspace a test runs in: a trusted one, one in Restricted Mode (Workspace Trust), or a
 * trusted one where VS Code shows its dialogs, for the tests that drive the page (ui.ts).
 */
export type Pass = 'trusted' | 'untrusted' | 'ui';

export interface TestCase {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
  pass: Pass;
}

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const registry: TestCase[] = [];

/** Registers a test; the default deadline is generous for a cold language server on 2 cores. */
export function test(name: string, fn: TestCase['fn'], timeoutMs = 30_000, pass: Pass = 'trusted'): void {
  registry.push({ name, fn, timeoutMs, pass });
}

export function registeredTests(): readonly TestCase[] {
  return registry;
}

/** Runs one test against its deadline; the timer is cleared so nothing lingers. */
export async function runTest(testCase: TestCase): Promise<TestResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(testCase.fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${testCase.timeoutMs} ms`)), testCase.timeoutMs);
      }),
    ]);
    return { name: testCase.name, ok: true, ms: Date.now() - started };
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { name: testCase.name, ok: false, ms: Date.now() - started, error: text };
  } finally {
    clearTimeout(timer);
  }
}
