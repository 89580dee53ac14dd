/** An ARG or ENV whose name says it holds a secret, which the image keeps (BuildKit's SecretsUsedInArgOrEnv). */
import type { Instruction, Word } from '../model';
import { defineRule, type Finding } from './rule';
import { declaredName } from './shared/scope';
import { subSpan } from './shared/source';

/** The words of a name that make it a secret: `GITHUB_TOKEN`, `dbPassword`, `AWS_SECRET_ACCESS_KEY`. */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials']);
const SECRET_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'auth key',
  'client secret',
  'signing key',
  'encryption key',
]);
const SECRET_HINT = /pass|secret|token|key|credential/i;
/** A last word that makes the variable about a secret rather than the secret: `PASSWORD_FILE`, `TOKEN_URL`. */
const NOT_THE_SECRET = new Set([
  'file',
  'path',
  'dir',
  'name',
  'url',
  'uri',
  'id',
  'ttl',
  'length',
  'len',
  'type',
  'env',
  'header',
  'endpoint',
  'expiry',
  'lifetime',
]);

/** Whether a variable name says it holds a secret, word by word (so `TOKENIZERS_PARALLELISM` does not). */
export function isSecretName(name: string): boolean {
  // Every secret word or pair holds one of these; most names are passed over here.
  if (!SECRET_HINT.test(name)) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/)
    .filter(Boolean);
  if (words.length === 0 || NOT_THE_SECRET.has(words[words.length - 1])) return false;
  // A public key or token is meant to be seen (`NEXT_PUBLIC_…_KEY` ends up in the browser's bundle);
  // BuildKit passes over a `public` word too.
  if (words.includes('public')) return false;
  for (let i = 0; i < words.length; i++) {
    if (SECRET_WORDS.has(words[i])) return true;
    if (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${words[i]}`)) return true;
  }
  return false;
}

/** Checks the name `word` declares; most words have no hint of a secret anywhere, name or value. */
function checkSecret(report: (finding: Finding) => void, instruction: Instruction, word: Word): void {
  if (!SECRET_HINT.test(word.value)) return;
  const name = declaredName(word);
  if (!name || !isSecretName(name)) return;
  const keyword = instruction.keyword;
  report({
    span: subSpan(word, 0, Math.min(name.length, word.value.length)),
    message: `${keyword} ${name} looks like a secret: ${keyword === 'ENV' ? 'ENV values are stored in the image for anyone who pulls it' : 'build arguments are recorded in the image history and build cache'}. Pass it with RUN --mount=type=secret,id=${name.toLowerCase()} (docker build --secret id=${name.toLowerCase()},env=${name}) instead.`,
  });
}

export const secretInArgEnv = defineRule({
  code: 'secret-in-arg-env',
  severity: 'warning',
  summary: 'An ARG or ENV whose name says it holds a secret, which the image keeps.',
  buildkit: 'SecretsUsedInArgOrEnv',
  check(ctx, report) {
    const { doc } = ctx;
    for (const arg of doc.globalArgs) for (const word of arg.args) checkSecret(report, arg, word);
    for (const instruction of doc.instructions) {
      const k = instruction.keyword;
      if ((k !== 'ARG' && k !== 'ENV') || instruction.stage < 0) continue;
      // `ENV NAME value…` (no `=` in the first word) sets one name, as the builder reads it.
      const words = instruction.args;
      const count = k === 'ENV' && words.length > 1 && !words[0].value.includes('=') ? 1 : words.length;
      for (let n = 0; n < count; n++) checkSecret(report, instruction, words[n]);
    }
  },
});
