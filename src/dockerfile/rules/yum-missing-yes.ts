/** yum install (and the other actions that ask) without -y: the build cannot answer the prompt. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { reportMissingYes } from './shared/rpmChecks';

export const yumMissingYes = defineRule({
  code: 'yum-missing-yes',
  severity: 'warning',
  summary: 'yum install without -y fails at its confirmation prompt.',
  hadolint: 'DL3030',
  check: (ctx, report) => reportMissingYes(ctx, report, ['yum']),
  fix: (f) => fixFromData(f, 'Add -y'),
});
