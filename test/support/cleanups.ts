/** Per-test teardown: `const cleanup = useCleanups();` then `cleanup(() => x.stop())`; runs in reverse after each test. */
import { afterEach } from "bun:test";

export function useCleanups(): (fn: () => unknown) => void {
  const fns: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of fns.splice(0).reverse()) await fn();
  });
  return (fn) => void fns.push(fn);
}
