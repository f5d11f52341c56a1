/* guard.ts — the try/catch around every import a wasm module calls (the guest's
 * wasi_snapshot_preview1, the core's hostfd over lisafs), so that no JS exception crosses into
 * wasm: what `onThrow` returns (an errno) is the import's result instead.
 *
 * Why per arity, not `(...a) => f(...a)`: rest arguments allocate an array per call, and imports
 * run thousands of times before V8 optimises them (the lisafs client allocated most of its
 * per-call garbage there). The wrapper passes exactly f.length arguments (at most 9): an import
 * must not use default or rest parameters, whose values f.length does not count.
 */

type Wrapped = (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown, i?: unknown) => number;

/** f wrapped: its result, or onThrow(exception) (which may rethrow, e.g. a guest's exit). */
export function guardArity<F extends (...a: never[]) => number>(f: F, onThrow: (e: unknown) => number): F {
  const g = f as unknown as Wrapped;
  let w: Wrapped;
  switch (f.length) {
    case 0: w = () => { try { return g(); } catch (x) { return onThrow(x); } }; break;
    case 1: w = (a) => { try { return g(a); } catch (x) { return onThrow(x); } }; break;
    case 2: w = (a, b) => { try { return g(a, b); } catch (x) { return onThrow(x); } }; break;
    case 3: w = (a, b, c) => { try { return g(a, b, c); } catch (x) { return onThrow(x); } }; break;
    case 4: w = (a, b, c, d) => { try { return g(a, b, c, d); } catch (x) { return onThrow(x); } }; break;
    case 5: w = (a, b, c, d, e) => { try { return g(a, b, c, d, e); } catch (x) { return onThrow(x); } }; break;
    case 6: w = (a, b, c, d, e, f6) => { try { return g(a, b, c, d, e, f6); } catch (x) { return onThrow(x); } }; break;
    case 7: w = (a, b, c, d, e, f6, g7) => { try { return g(a, b, c, d, e, f6, g7); } catch (x) { return onThrow(x); } }; break;
    default: w = (a, b, c, d, e, f6, g7, h8, i9) => { try { return g(a, b, c, d, e, f6, g7, h8, i9); } catch (x) { return onThrow(x); } };
  }
  return w as unknown as F;
}
