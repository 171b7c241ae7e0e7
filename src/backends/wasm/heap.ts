/**
 * A size-class allocator over WebAssembly linear memory. Small blocks come in powers of two (≥ 64 bytes,
 * 64-byte aligned, so SIMD loads never straddle cache lines); blocks over 1 MiB are rounded to whole
 * MiB. Freed blocks go to a free list per size and are reused; the memory grows when none fits.
 */
const MIN_BLOCK = 64;
const LARGE = 1 << 20;
const PAGE = 65536;

export class Heap {
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();
  /** Bytes handed out and not yet freed (block sizes, so including rounding). */
  used = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = base;
  }

  static blockSize(bytes: number): number {
    if (bytes <= MIN_BLOCK) return MIN_BLOCK;
    if (bytes > LARGE) return Math.ceil(bytes / LARGE) * LARGE;
    return 2 ** Math.ceil(Math.log2(bytes));
  }

  /** Returns the byte address of a block of at least `bytes` bytes. */
  alloc(bytes: number): number {
    const size = Heap.blockSize(bytes);
    const list = this.free.get(size);
    let ptr = list?.pop();
    if (ptr === undefined) {
      ptr = this.top;
      const end = ptr + size;
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        const pages = Math.ceil((end - have) / PAGE);
        try {
          // grow by at least a quarter of the current size so repeated growth stays rare
          this.memory.grow(Math.max(pages, Math.ceil(have / PAGE / 4)));
        } catch {
          try {
            this.memory.grow(pages);
          } catch {
            throw new RangeError(
              `wasm backend: out of memory allocating ${bytes} bytes (memory is ${(have / 2 ** 20).toFixed(0)} MiB, ` +
                `${(this.used / 2 ** 20).toFixed(0)} MiB of it in live blocks)`,
            );
          }
        }
      }
      this.top = end;
    }
    this.sizes.set(ptr, size);
    this.used += size;
    return ptr;
  }

  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    this.used -= size;
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(ptr);
  }
}
