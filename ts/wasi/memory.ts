/// <reference lib="dom" />
/* memory.ts — bounds-checked access to the guest's linear memory.
 *
 * Owns: the views (Uint8Array, DataView) over the guest memory, re-made only when memory.buffer
 * changed (after memory.grow), and the range checks every guest pointer goes through.
 * Must not: allocate on the data path, decode bytes, or know about the core.
 * Errors: a range outside the memory is reported as `false` from `ok()`; callers return
 * WASI_EFAULT (21). With no memory bound yet, every range is outside.
 */

export class GuestMemory {
  private memory: WebAssembly.Memory | null = null;
  private buf: ArrayBuffer | null = null;
  /** Views over the current buffer; valid after `sync()` until the guest runs again. */
  u8: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  /** Byte length of the current buffer (0 when unbound). */
  size = 0;

  /** True for a shared memory (threads), whose buffer is re-read on every sync(). */
  private shared = false;

  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.buf = null;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.u8 = new Uint8Array(0);
    this.sync();
  }

  get bound(): WebAssembly.Memory | null {
    return this.memory;
  }

  /** Re-makes the views if the memory grew (or was bound). Cheap when nothing changed: growing a
   * non-shared memory detaches its old buffer, so a non-empty view means the views are current
   * and the (costly) memory.buffer getter is skipped. A shared memory never detaches: its buffer
   * is compared every time. */
  sync(): void {
    if (this.u8.length !== 0 && !this.shared) return;
    const m = this.memory;
    if (m !== null && m.buffer !== this.buf) {
      const b = m.buffer as ArrayBuffer;
      this.buf = b;
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
      this.size = b.byteLength;
    }
  }

  /** True when [ptr, ptr+len) lies inside the memory. ptr and len are u32 (negative i32 from
   * wasm are reinterpreted). Call after sync(). */
  ok(ptr: number, len: number): boolean {
    return (ptr >>> 0) + (len >>> 0) <= this.size;
  }

  /** ok() for an array of `n` elements of `elem` bytes (n*elem may exceed 2^32). */
  okArray(ptr: number, n: number, elem: number): boolean {
    return (ptr >>> 0) + (n >>> 0) * elem <= this.size;
  }

  u32(ptr: number): number {
    return this.dv.getUint32(ptr, true);
  }

  setU32(ptr: number, v: number): void {
    this.dv.setUint32(ptr, v, true);
  }

  setU64(ptr: number, v: bigint): void {
    this.dv.setBigUint64(ptr, v, true);
  }

  /** Writes a u64 given as two u32 halves (no bigint allocation). */
  setU64Parts(ptr: number, lo: number, hi: number): void {
    this.dv.setUint32(ptr, lo, true);
    this.dv.setUint32(ptr + 4, hi, true);
  }

  /** A copy of [ptr, ptr+len), for cold paths (after an ok() check). */
  copy(ptr: number, len: number): Uint8Array {
    return this.u8.slice(ptr, ptr + len);
  }
}
