/** How ids and sizes read to people, the way the docker CLI shows them; one definition for every view, message and hover. */

/**
 * An engine id as `docker ps` and `docker images` show it: `sha256:` dropped, 12 characters. Always
 * cut, whatever the id holds: an id from a misbehaving engine cannot grow into a long string.
 */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Bytes in the units the docker CLI uses (decimal: kB, MB, GB), three significant digits at most. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1')} ${units[unit]}`;
}
