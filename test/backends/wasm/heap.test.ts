import { afterAll, describe, expect, it } from "vitest";
import { Heap, outOfMemoryMessage } from "../../../src/backends/wasm/heap.js";
import { WasmBackend } from "../../../src/backends/wasm/index.js";
import { getBackend, registerBackend, setBackend } from "../../../src/backends/registry.js";
import { OutOfMemoryError, StrataError } from "../../../src/base/errors.js";
import { ones, zeros } from "../../../src/ops/creation.js";

const KiB = 1024;
const MiB = 1 << 20;
const PAGE = 65536;

/** A heap over a fresh memory of `pages` 64 KiB pages (at most `maximum`), starting at `base`. */
function heap(pages = 4, base = 0, maximum = 1024, maxBytes?: number): Heap {
  return new Heap(new WebAssembly.Memory({ initial: pages, maximum }), base, { maxBytes });
}

/** A seeded linear congruential generator: uniform in [0, 1). */
function lcg(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
}

describe("Heap: blocks", () => {
  it("rounds each request up to a multiple of 64 bytes, at least 64", () => {
    const cases: [number, number][] = [
      [0, 64],
      [1, 64],
      [64, 64],
      [65, 128],
      [1000, 1024],
      [MiB + 1, MiB + 64],
      [600 * MiB, 600 * MiB],
    ];
    for (const [bytes, size] of cases) expect(Heap.blockSize(bytes), `${bytes} bytes`).toBe(size);
    const h = heap();
    h.alloc(1);
    h.alloc(65);
    h.alloc(1000);
    expect(h.used).toBe(64 + 128 + 1024);
  });

  it("hands out 64-byte-aligned, non-overlapping blocks from the base, even an unaligned base", () => {
    const h = heap(4, 1000);
    const blocks: [number, number][] = [];
    const random = lcg(3);
    for (let i = 0; i < 300; i++) {
      const bytes = Math.floor(random() * 5000);
      const p = h.alloc(bytes);
      expect(p % 64, `${bytes} bytes at ${p}`).toBe(0);
      expect(p).toBeGreaterThanOrEqual(1024);
      blocks.push([p, p + Heap.blockSize(bytes)]);
      // free some, so later blocks come from split and merged free blocks too
      if (random() < 0.4) {
        const [q] = blocks.splice(Math.floor(random() * blocks.length), 1);
        h.release(q[0]);
      }
    }
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i][0]).toBeGreaterThanOrEqual(blocks[i - 1][1]);
    expect(h.memory.buffer.byteLength).toBeGreaterThanOrEqual(blocks[blocks.length - 1][1]);
  });

  it("a double release, or the release of an address that is no block, changes nothing", () => {
    const h = heap();
    const a = h.alloc(100);
    const b = h.alloc(1);
    expect(h.used).toBe(128 + 64);
    h.release(a);
    expect(h.used).toBe(64);
    const stats = h.stats();
    h.release(a);
    h.release(b + 1);
    h.release(12345 * 64);
    h.release(-64);
    h.release(2 ** 40);
    expect(h.stats()).toEqual(stats);
    // the block was freed once: two new requests get two different blocks
    const c = h.alloc(100);
    const d = h.alloc(100);
    expect(c).not.toBe(d);
    expect(new Set([a, b, c, d]).size).toBe(3);
    expect(h.used).toBe(64 + 256);
  });

  it("reports used, peak, capacity and largest free block", () => {
    const h = heap(4, 1024);
    expect(h.stats()).toEqual({
      used: 0,
      peak: 0,
      capacity: 4 * PAGE - 1024,
      largestFree: 4 * PAGE - 1024,
      maxBytes: 4 * 2 ** 30 - 1024,
      growthRefused: false,
    });
    const a = h.alloc(10 * KiB);
    h.alloc(5 * KiB);
    h.release(a);
    expect(h.used).toBe(5 * KiB);
    expect(h.peak).toBe(15 * KiB);
    // the free end (4 pages less base and the two blocks) is larger than the 10 KiB hole
    expect(h.largestFree).toBe(4 * PAGE - 1024 - 15 * KiB);
  });
});

describe("Heap: reuse", () => {
  it("a run of growing requests, each released before the next, reuses the same memory", () => {
    const h = heap(1, 0, 4096);
    let largest = 0;
    for (let i = 1; i <= 100; i++) {
      const bytes = (20 + i) * 16 * KiB;
      largest = bytes;
      // everything was released, so the whole heap is one free block and the request starts at the base
      const p = h.alloc(bytes);
      expect(p).toBe(0);
      h.release(p);
    }
    expect(h.used).toBe(0);
    expect(h.memory.buffer.byteLength).toBeLessThanOrEqual(2 * largest);
  });

  it("splits a freed large block to serve two smaller requests inside it", () => {
    const h = heap(1, 0, 4096);
    const big = h.alloc(1 * MiB);
    const guard = h.alloc(64); // keeps the freed block apart from the free end
    const capacity = h.capacity;
    h.release(big);
    const a = h.alloc(600 * KiB);
    const b = h.alloc(400 * KiB);
    expect(a).toBe(big);
    expect(b).toBeGreaterThanOrEqual(big + 600 * KiB);
    expect(b + 400 * KiB).toBeLessThanOrEqual(big + MiB);
    expect(h.capacity).toBe(capacity);
    expect(guard).toBe(big + MiB);
  });

  it("merges adjacent freed blocks, in either order, into one block of their combined size", () => {
    // three 256 KiB blocks fill a 768 KiB heap exactly, so only a merged block can serve 512 KiB
    for (const order of [
      [0, 1],
      [1, 0],
      [0, 2, 1],
      [2, 0, 1],
    ]) {
      const h = heap(12, 0, 12, 768 * KiB);
      const blocks = [h.alloc(256 * KiB), h.alloc(256 * KiB), h.alloc(256 * KiB)];
      expect(h.largestFree).toBe(0);
      for (const i of order) h.release(blocks[i]);
      const merged = 256 * KiB * order.length;
      expect(h.largestFree, `release order ${order}`).toBe(merged);
      expect(h.alloc(merged)).toBe(blocks[Math.min(...order)]);
      expect(h.largestFree).toBe(0);
    }
  });

  it("a freed block at the end of the heap is part of the next growth", () => {
    // 5 MiB then 7 MiB fit under an 8 MiB cap only if the second reuses the first's memory
    const h = heap(1, 0, 4096, 8 * MiB);
    const a = h.alloc(5 * MiB);
    h.release(a);
    const b = h.alloc(7 * MiB);
    expect(b).toBe(a);
    expect(h.capacity).toBeLessThanOrEqual(8 * MiB);
  });

  it("fragments when every other block is freed, and is one free block again when all are", () => {
    const random = lcg(11);
    const sizes = Array.from({ length: 2000 }, () => 64 + Math.floor(random() * 4 * KiB));
    const total = sizes.reduce((sum, bytes) => sum + Heap.blockSize(bytes), 0);
    // a heap capped at exactly what the blocks take, so it cannot grow around the holes
    const h = heap(256, 0, 4096, total);
    const blocks = sizes.map((bytes) => h.alloc(bytes));
    expect(h.largestFree).toBe(0);
    for (let i = 1; i < blocks.length; i += 2) h.release(blocks[i]);
    // half the heap is free, but in holes of at most one block each
    expect(h.capacity - h.used).toBeGreaterThan(total / 3);
    expect(h.largestFree).toBeLessThanOrEqual(4 * KiB + 64);
    expect(h.tryAlloc(8 * KiB)).toBe(-1);
    for (let i = 0; i < blocks.length; i += 2) h.release(blocks[i]);
    expect(h.used).toBe(0);
    expect(h.largestFree).toBe(total);
    expect(h.alloc(total)).toBe(0);
  });

  it("random sizes and random frees (seeded) run flat after warm-up, in memory near the peak in use", () => {
    const h = heap(1, 0, 8192);
    const random = lcg(2024);
    const live: number[] = [];
    let warm = 0;
    for (let step = 0; step < 40_000; step++) {
      if (step === 5000) warm = h.capacity;
      // 1000 live blocks; sizes log-uniform from 64 B to 1 MiB, each replacing a random live one
      if (live.length === 1000) h.release(live.splice(Math.floor(random() * live.length), 1)[0]);
      live.push(h.alloc(Math.floor(64 * 2 ** (random() * 14))));
    }
    expect(h.capacity).toBe(warm);
    // (the size-class heap this replaced kept growing after step 5000, to 1.96 times the peak)
    expect(h.capacity).toBeLessThan(1.3 * h.peak);
  });
});

describe("Heap: growth and exhaustion", () => {
  it("grows the memory by at least a quarter of its size", () => {
    const h = heap(40, 0, 4096);
    h.alloc(40 * PAGE);
    expect(h.memory.buffer.byteLength).toBe(40 * PAGE);
    h.alloc(1);
    expect(h.memory.buffer.byteLength).toBe(50 * PAGE);
  });

  it("grows by exactly what is missing when the engine refuses a quarter", () => {
    const h = heap(40, 0, 41);
    h.alloc(40 * PAGE - 64);
    // 64 bytes are left at the end; a request of 1 page + 64 needs exactly one more page
    const p = h.alloc(PAGE + 64);
    expect(p).toBe(40 * PAGE - 64);
    expect(h.memory.buffer.byteLength).toBe(41 * PAGE);
    expect(h.stats().growthRefused).toBe(false);
  });

  it("grows a shared memory too, and the grown memory is usable to its end", () => {
    const h = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true }), 0);
    const p = h.alloc(2 * MiB);
    expect(h.memory.buffer.byteLength).toBeGreaterThanOrEqual(p + 2 * MiB);
    const view = new Uint8Array(h.memory.buffer, p, 2 * MiB);
    view[view.length - 1] = 7;
    expect(view[view.length - 1]).toBe(7);
  });

  it("at the cap: tryAlloc gives -1, alloc an OutOfMemoryError saying what is live and what to do", () => {
    const h = heap(64, 0, 4096, 4 * MiB);
    const a = h.alloc(3 * MiB);
    const before = h.stats();
    expect(h.tryAlloc(2 * MiB)).toBe(-1);
    let error: unknown;
    try {
      h.alloc(2 * MiB);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error).toBeInstanceOf(StrataError);
    const message = (error as Error).message;
    expect(message).toContain("2,097,152 bytes (2.00 MiB)");
    expect(message).toContain("3.00 MiB is live");
    expect(message).toContain("the heap spans 4.00 MiB (at most 4.00 MiB)");
    expect(message).toContain("largest free block is 1,048,576 bytes (1.00 MiB)");
    expect(message).toMatch(/dispose\(\).*tidy\(\).*using.*smaller batch/);
    // a request beyond the cap fails at once, without growing anything
    expect(h.tryAlloc(5 * MiB)).toBe(-1);
    expect(h.tryAlloc(2 ** 40)).toBe(-1);
    // nothing changed, and what fits still works
    expect(h.stats()).toEqual(before);
    expect(h.alloc(MiB)).toBe(a + 3 * MiB);
    expect(h.tryAlloc(1)).toBe(-1);
    h.release(a);
    expect(h.alloc(2 * MiB)).toBe(a);
  });

  it("when the engine refuses to grow the memory, the error says so", () => {
    const h = heap(1, 0, 16); // the memory's maximum (1 MiB) is far below the heap's cap
    h.alloc(512 * KiB);
    expect(() => h.alloc(MiB)).toThrow(OutOfMemoryError);
    expect(h.stats().growthRefused).toBe(true);
    expect(() => h.alloc(MiB)).toThrow(/engine refused to grow the memory/);
    expect(h.alloc(256 * KiB) % 64).toBe(0);
  });

  it("outOfMemoryMessage puts the caller's extra text before the advice", () => {
    const stats = { used: 0, peak: 0, capacity: MiB, largestFree: MiB, maxBytes: MiB, growthRefused: false };
    const message = outOfMemoryMessage(3 * MiB, stats, "Tensors no longer referenced hold 2.00 MiB.");
    expect(message).toMatch(/3\.00 MiB.*no longer referenced hold 2\.00 MiB\. To free memory/);
  });
});

describe("wasm backend memory", () => {
  it("zeros of growing size, each disposed, runs in little memory", () => {
    const wasm = setBackend("wasm") as WasmBackend;
    const before = wasm.heapStats().capacity;
    for (let i = 1; i <= 100; i++) zeros([(20 + i) * 2 ** 18]).dispose();
    const { capacity, used } = wasm.heapStats();
    expect(used).toBe(0);
    // the largest tensor is 120 MiB; the old size-class heap needed 4 GiB and then failed at i = 73
    expect(capacity).toBeLessThanOrEqual(Math.max(before, 2 * 120 * MiB));
  });

  describe("with a capped heap", () => {
    const previous = getBackend().name;
    const small = new WasmBackend({ maxBytes: 8 * MiB, threads: 1 });
    registerBackend("wasm-8mib", () => small);
    afterAll(async () => {
      setBackend(previous);
      await small.dispose();
    });

    it("a tensor that does not fit throws an OutOfMemoryError; after dispose() it fits", () => {
      setBackend("wasm-8mib");
      const a = ones([MiB]); // 4 MiB of the 8
      expect(() => zeros([MiB + 1])).toThrow(OutOfMemoryError);
      expect(() => zeros([MiB + 1])).toThrow(
        /cannot allocate 4,194,308 bytes \(4\.00 MiB\); 4\.00 MiB is live/,
      );
      // the failed request left the backend usable
      const total = a.sum();
      expect(total.item()).toBe(MiB);
      total.dispose();
      a.dispose();
      const b = zeros([MiB + 1]);
      expect(b.shape).toEqual([MiB + 1]);
      b.dispose();
    });

    it("a shape larger than the whole heap is refused before anything is allocated", () => {
      setBackend("wasm-8mib");
      const live = small.memory();
      expect(() => zeros([3, MiB])).toThrow(OutOfMemoryError);
      expect(() => zeros([3, MiB])).toThrow(/zeros: shape \(3, 1048576\) holds 3,145,728 float32 elements/);
      expect(small.memory()).toEqual(live);
    });
  });
});
