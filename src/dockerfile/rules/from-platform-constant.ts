/**
 * `FROM --platform=linux/amd64 alpine`: a fixed platform, so the Dockerfile cannot build for
 * another (BuildKit's FromPlatformFlagConstDisallowed).
 */
import { defineRule } from './rule';

/** The names BuildKit's platform parser folds to the Go names the stage name is compared with. */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
};

export const fromPlatformConstant = defineRule({
  code: 'from-platform-constant',
  severity: 'info',
  summary: 'FROM --platform with a fixed value, so the stage builds for that platform only.',
  buildkit: 'FromPlatformFlagConstDisallowed',
  check(ctx, report) {
    for (const { from, name } of ctx.doc.stages) {
      for (const flag of from.flags) {
        if (flag.name !== 'platform' || !flag.value || flag.value.includes('$')) continue;
        const value = flag.value.replace(/^(["'])(.*)\1$/, '$2');
        const [os = '', arch = ''] = value.toLowerCase().split('/');
        // A stage named for its platform (`AS build_arm64`) is one of a set chosen by a variable.
        const stage = name?.value.toLowerCase() ?? '';
        if (stage && ((os && stage.includes(os)) || (arch && stage.includes(ARCH_ALIASES[arch] ?? arch)))) continue;
        report({
          span: flag.valueSpan ?? flag.span,
          message: `'--platform=${value}' fixes this stage to one platform, so the image cannot be built for another. Leave it to 'docker build --platform', use $BUILDPLATFORM for build tools, or name the stage for its platform.`,
        });
      }
    }
  },
});
