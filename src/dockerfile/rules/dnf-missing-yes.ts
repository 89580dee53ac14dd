/** dnf install (and the other actions that ask) without -y: the build cannot answer the prompt. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { reportMissingYes } from './shared/rpmChecks';

export const dnfMissingYes = defineRule({
  code: 'dnf-missing-yes',
  severity: 'warning',
  summary: 'dnf install without -y fails at its confirmation prompt.',
  hadolint: 'DL3038',
  // microdnf never asks, so only dnf is read.
  check: (ctx, report) => reportMissingYes(ctx, report, ['dnf']),
  fix: (f) => fixFromData(f, 'Add -y'),
});
