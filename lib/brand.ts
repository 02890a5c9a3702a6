// Errors recognised by a brand, not by their class. Next.js bundles a module into each route and
// into the start-up code apart, so a class exists once per bundle; objects made by one bundle and
// kept for the whole process (the store, the Redis connections) throw that bundle's classes, which
// another bundle's `instanceof` would not recognise. A class answers `instanceof` by its brand
// instead: a `Symbol.for` symbol, the same in every bundle.
//
//   const BRAND = brand("redis-error");
//   class RedisError extends Error {
//     readonly [BRAND] = true;
//     static override [Symbol.hasInstance](value: unknown) { return hasBrand(value, BRAND); }
//   }

/** The process-wide symbol for `name`. */
export function brand(name: string): symbol {
  return Symbol.for(`isl-console.${name}`);
}

/** Whether `value` carries `mark` (an instance of the branded class, from whichever bundle). */
export function hasBrand(value: unknown, mark: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[mark] === true;
}
