/** Whether two lists hold the same items, by identity and in order: how kept answers are checked against what they were worked out from. */
export function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether two lists of pairs name the same things in order. A pair an edit left alone is the same object, and its name is not read. */
export function sameNames(a: readonly { readonly name: string }[], b: readonly { readonly name: string }[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i].name !== b[i].name) return false;
  return true;
}
