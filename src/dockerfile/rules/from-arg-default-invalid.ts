/**
 * A FROM whose global ARG defaults make no valid image reference (`ARG IMAGE` / `FROM $IMAGE`,
 * `FROM busybox:$VERSION` with no default): BuildKit's InvalidDefaultArgInFrom.
 */
import { expandVariables } from '../variables';
import { defineRule } from './rule';

/** A reference the builder can pull: optional registry, path components, an optional tag and digest. */
export const IMAGE_REFERENCE =
  /^(?:[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z0-9]+:[A-Fa-f0-9]{32,})?$/;

export const fromArgDefaultInvalid = defineRule({
  code: 'from-arg-default-invalid',
  severity: 'warning',
  summary: 'FROM names no valid image with the global ARGs at their defaults.',
  buildkit: 'InvalidDefaultArgInFrom',
  check(ctx, report) {
    const globals = ctx.globalArgs();
    for (const stage of ctx.doc.stages) {
      const word = stage.base;
      if (!word || !word.value.includes('$')) continue;
      // An ARG declared without a default expands to nothing unless --build-arg gives one.
      const expanded = expandVariables(word.value, (name) => (globals.has(name) ? (globals.get(name) ?? '') : undefined), ctx.doc.escape);
      if (expanded.unresolved || IMAGE_REFERENCE.test(expanded.value)) continue;
      report({
        span: word.span,
        message: `With its ARG defaults, '${word.value}' becomes '${expanded.value}', which is no image: the build fails unless every build passes --build-arg. Give the ARG a default that makes a valid image.`,
      });
    }
  },
});
