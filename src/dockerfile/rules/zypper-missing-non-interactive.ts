/** zypper install (and the other commands that ask) without --non-interactive or -y. */
import { fixFromData } from './fixer';
import { defineRule } from './rule';
import { reportMissingYes } from './shared/rpmChecks';

export const zypperMissingNonInteractive = defineRule({
  code: 'zypper-missing-non-interactive',
  severity: 'warning',
  summary: 'zypper install without --non-interactive (or -y) aborts at its confirmation prompt.',
  hadolint: 'DL3034',
  check: (ctx, report) => reportMissingYes(ctx, report, ['zypper']),
  fix: (f) => fixFromData(f, 'Add --non-interactive'),
});
