/**
 * The seeded generator of tests and benchmarks, so every run draws the same data and failures reproduce:
 * a linear congruential generator (Numerical Recipes constants) giving numbers in (0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
}

/** Standard normal numbers (Box–Muller) from a uniform generator. */
export function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
