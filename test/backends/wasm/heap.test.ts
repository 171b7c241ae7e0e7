import { describe, expect, it } from "vitest";
import { Heap } from "../../../src/backends/wasm/heap.js";

const KiB = 1024;
const MiB = 1 << 20;
const PAGE = 65536;

/** A heap over a fresh memory of `pages` 64 KiB pages, starting at `base`. */
function heap(pages = 4, base = 0, maximum = 1024): Heap {
  return new Heap(new WebAssembly.Memory({ initial: pages, maximum }), base);
}

describe("Heap.blockSize", () => {
  it("rounds up to powers of two from 64 bytes to 1 MiB", () => {
    const cases: [number, number][] = [
      [0, 64],
      [1, 64],
      [63, 64],
      [64, 64],
      [65, 128],
      [100, 128],
      [128, 128],
      [129, 256],
      [1000, 1024],
      [1024, 1024],
      [1025, 2048],
      [300 * KiB, 512 * KiB],
      [MiB - 1, MiB],
      [MiB, MiB],
    ];
    for (const [bytes, size] of cases) expect(Heap.blockSize(bytes), `${bytes} bytes`).toBe(size);
  });

  it("rounds blocks over 1 MiB up to whole MiB", () => {
    expect(Heap.blockSize(MiB + 1)).toBe(2 * MiB);
    expect(Heap.blockSize(2 * MiB)).toBe(2 * MiB);
    expect(Heap.blockSize(3.5 * MiB)).toBe(4 * MiB);
    expect(Heap.blockSize(5 * MiB + 7)).toBe(6 * MiB);
    expect(Heap.blockSize(64 * MiB)).toBe(64 * MiB);
  });

  it("is never smaller than the request and always a multiple of 64", () => {
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const bytes = seed % (8 * MiB);
      const size = Heap.blockSize(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % 64).toBe(0);
      // no more than twice the request (above the 64-byte minimum)
      expect(size).toBeLessThanOrEqual(Math.max(64, 2 * bytes));
    }
  });
});

describe("Heap.alloc / release", () => {
  it("hands out 64-byte-aligned, non-overlapping blocks from the base", () => {
    const h = heap(4, 1024);
    const blocks: [number, number][] = [];
    for (const bytes of [1, 64, 65, 100, 3, 1000, 4096, 5, 70_000, 17]) {
      const p = h.alloc(bytes);
      expect(p % 64, `${bytes} bytes at ${p}`).toBe(0);
      expect(p).toBeGreaterThanOrEqual(1024);
      blocks.push([p, p + Heap.blockSize(bytes)]);
    }
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i][0]).toBeGreaterThanOrEqual(blocks[i - 1][1]);
    const end = blocks[blocks.length - 1][1];
    expect(h.memory.buffer.byteLength).toBeGreaterThanOrEqual(end);
  });

  it("reuses a freed block for a request of the same size class", () => {
    const h = heap();
    const a = h.alloc(100);
    const b = h.alloc(100);
    expect(b).not.toBe(a);
    h.release(a);
    expect(h.alloc(120)).toBe(a); // same 128-byte class
    h.release(b);
    expect(h.alloc(65)).toBe(b);
    // a different class does not take the freed block
    const c = h.alloc(1000);
    h.release(c);
    const d = h.alloc(100);
    expect(d).not.toBe(c);
    expect(h.alloc(513)).toBe(c);
  });

  it("reuses large (whole-MiB) blocks", () => {
    const h = heap(1, 0, 256);
    const a = h.alloc(3 * MiB - 5);
    h.release(a);
    expect(h.alloc(2 * MiB + 1)).toBe(a);
  });

  it("counts bytes in use by block size; release of an unknown or freed pointer does nothing", () => {
    const h = heap();
    expect(h.used).toBe(0);
    const a = h.alloc(100);
    const b = h.alloc(1);
    expect(h.used).toBe(128 + 64);
    h.release(a);
    expect(h.used).toBe(64);
    h.release(a);
    h.release(12345);
    expect(h.used).toBe(64);
    h.release(b);
    expect(h.used).toBe(0);
    // a double release must not put the block on the free list twice
    const c = h.alloc(100);
    const d = h.alloc(100);
    expect(new Set([a, c, d]).size).toBe(2);
    expect(c).not.toBe(d);
  });

  it("grows the memory when no block fits, and fails cleanly at the maximum", () => {
    const h = heap(1, 0, 256); // at most 16 MiB
    expect(h.memory.buffer.byteLength).toBe(PAGE);
    const p = h.alloc(5 * MiB);
    expect(h.memory.buffer.byteLength).toBeGreaterThanOrEqual(p + 5 * MiB);
    // the grown memory is usable to its end
    const view = new Uint8Array(h.memory.buffer, p, 5 * MiB);
    view[view.length - 1] = 7;
    expect(view[view.length - 1]).toBe(7);
    expect(() => h.alloc(16 * MiB)).toThrow(RangeError);
    // the failed request leaves the heap usable
    const q = h.alloc(100);
    expect(q % 64).toBe(0);
    expect(q).toBeGreaterThanOrEqual(p + 5 * MiB);
  });

  it("grows a shared memory too", () => {
    const h = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true }), 0);
    const p = h.alloc(2 * MiB);
    expect(h.memory.buffer.byteLength).toBeGreaterThanOrEqual(p + 2 * MiB);
  });
});
