/**
 * Whether two objects hold the same values, one level deep, dates compared by their time: a message refetched
 * arrives as a new object with new Date instances (the query cache keeps unchanged plain objects and arrays, never
 * dates), and is still the same message to render.
 */
export function sameShallow(a: object, b: object): boolean {
  if (a === b) return true;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  const av = a as Record<string, unknown>;
  const bv = b as Record<string, unknown>;
  return ak.every((k) => {
    const x = av[k];
    const y = bv[k];
    if (x === y) return true;
    return x instanceof Date && y instanceof Date && x.getTime() === y.getTime() && Object.hasOwn(bv, k);
  });
}
