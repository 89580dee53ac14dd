/**
 * How a Compose project's logs look in its terminal: each line prefixed with its service, padded
 * to the project's longest name, in the service's own colour. Pure, so it is unit-tested in Node.
 */
import { DIM, RESET } from '../terminals/text';

/** Colours for service prefixes: the ANSI ones every terminal theme draws distinctly, red left for errors. */
const COLOURS = ['\x1b[36m', '\x1b[33m', '\x1b[32m', '\x1b[35m', '\x1b[34m', '\x1b[96m', '\x1b[93m', '\x1b[92m', '\x1b[95m', '\x1b[94m'];

/** A service's colour: by its place among the project's services, so one project's colours stay put. */
export function serviceColour(service: string, services: readonly string[]): string {
  const index = services.indexOf(service);
  if (index >= 0) return COLOURS[index % COLOURS.length];
  let hash = 0;
  for (const c of service) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

/** One log line for the terminal: `service | text`, the prefix padded to `width` and coloured. */
export function logLine(service: string, text: string, services: readonly string[], width: number): string {
  if (!service) return `${DIM}${text}${RESET}\r\n`;
  return `${serviceColour(service, services)}${service.padEnd(width)} |${RESET} ${text}\r\n`;
}
