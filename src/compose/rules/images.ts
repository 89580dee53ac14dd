/**
 * image-untagged and image-latest on `image:`, the Dockerfile rules with the same codes and
 * settings. A service that also builds names its output with `image:`, so it is not checked.
 */
import { parseImageRef } from '../../shared/imageRef';
import { interpolate } from '../interpolation';
import type { PairNode } from '../document';
import { subSpan } from '../model';
import { asMap, asScalar, valueOf } from '../tree';
import type { ComposeRuleContext } from './context';
import { checkEachService } from './perService';

export function checkImages(ctx: ComposeRuleContext): void {
  checkEachService(ctx, serviceImage);
}

function serviceImage(ctx: ComposeRuleContext, service: PairNode): void {
  const { doc, project } = ctx;
  const map = asMap(doc, service.value);
  const image = asScalar(doc, valueOf(doc, map, 'image'));
  if (!image || typeof image.value !== 'string' || image.value === '') return;
  if (builds(ctx, service.name)) return;
  const written = image.value;
  const text = interpolate(written, (name) => project.variable(name));
  if (text === undefined || text === '') return;
  const ref = parseImageRef(text);
  if (ref.digest || !ref.repository) return;
  const literal = text === written;
  const shown = literal ? text : `${written} (${text})`;
  const whole = { start: image.start, end: image.end };
  const data = { image: ref.repository, registry: ref.registry, literal };
  if (ref.tag === undefined) {
    ctx.report({
      code: 'image-untagged',
      span: literal ? subSpan(doc, image, 0, ref.nameEnd) : whole,
      message: `Image '${shown}' has no tag, so each pull may get a different image. Pin a version, e.g. '${text}:<version>'.`,
      data,
    });
  } else if (ref.tag === 'latest') {
    ctx.report({
      code: 'image-latest',
      span: literal ? subSpan(doc, image, ref.tagStart, ref.tagStart + 6) : whole,
      message: `Image '${shown}' uses the tag 'latest', which moves. Pin a version instead.`,
      data,
    });
  }
}

/** Whether any file of the project gives the service a build. */
function builds(ctx: ComposeRuleContext, service: string): boolean {
  return ctx.project.files.some((f) =>
    f.model.declarations.service.some((p) => p.name === service && valueOf(f.doc, asMap(f.doc, p.value), 'build') !== null),
  );
}
