/**
 * Text from files, engines and users placed into Markdown (hovers, tooltips) so that it shows as
 * written and does nothing else: no links, no emphasis, no breaking out of a code span. One
 * helper per Markdown context; everything that renders Markdown from untrusted text uses these.
 */

/** Longest text shown in one code span; a value longer than a screen is cut with an ellipsis. */
export const MAX_CODE_SPAN = 1000;

/**
 * `text` as an inline code span, exactly as written: the fence is one backtick longer than the
 * longest run of backticks inside (CommonMark's rule), padded with a space when the text starts
 * or ends with a backtick. Line breaks become spaces, since a line starting with `#` or `---`
 * would otherwise be read as a heading before the span is. Cut at `max` characters.
 */
export function inlineCode(text: string, max = MAX_CODE_SPAN): string {
  let body = oneLine(text.length > max ? `${text.slice(0, max)}…` : text);
  if (body === '') return '` `';
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  // A span of only spaces keeps them; one with a backtick or space at an end needs the padding stripped back.
  if (body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '')) body = ` ${body} `;
  return `${fence}${body}${fence}`;
}

/**
 * `text` as plain Markdown text: every ASCII punctuation character CommonMark lets a backslash
 * escape is escaped (so no emphasis, link, heading, list, table or HTML), and `:` and `.` too,
 * which also stops GitHub-style autolinks of `https://…` and `www.…`. Line breaks become spaces.
 */
export function escapeMarkdown(text: string, max = MAX_CODE_SPAN): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return oneLine(cut).replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, (c) => `\\${c}`);
}

/** Longest text shown in one code block. */
export const MAX_CODE_BLOCK = 10_000;

/**
 * `text` as a fenced code block, its lines kept: the fence is longer than the longest run of
 * backticks inside (at least three), so no line of the text can close it early. Control
 * characters other than line breaks and tabs become spaces; cut at `max` characters.
 */
export function codeBlock(text: string, max = MAX_CODE_BLOCK): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  const body = cut.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  let longest = 2;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${body}\n${fence}`;
}

/** Line breaks and other control characters as spaces: Markdown structure is line-based. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}
