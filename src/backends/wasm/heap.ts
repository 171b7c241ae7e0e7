import { OutOfMemoryError, ValueError, fmtBytes } from "../../base/errors.js";

/** Bytes per allocation unit: every block starts and ends on a multiple of it. */
const UNIT = 64;
const PAGE = 65536;
const SL_BITS = 5;
const SL_COUNT = 1 << SL_BITS;
/** Sizes in units stay below 2^30 (64 GiB) so that rounding a request up stays a 32-bit integer. */
const MAX_UNITS = 2 ** 30;
/** First levels: sizes (rounded up when searching) stay below 2^31 units. */
const FL_COUNT = 31 - SL_BITS + 1;
/** What wasm32 can address: 65536 pages of 64 KiB. */
const WASM32_BYTES = 65536 * PAGE;
const NIL = -1;

// a block record is 8 int32 slots in one typed array (one growth, neighbouring fields share a cache line)
const STRIDE = 8;
const START = 0; // address in units
const SIZE = 1; // size in units
const PHYS_PREV = 2;
const PHYS_NEXT = 3;
const FREE_PREV = 4;
const FREE_NEXT = 5; // for a dead record: the next dead record
const IS_FREE = 6;

/** The class (first level × 32 + second level) whose blocks have sizes around `units`. */
function classOf(units: number): number {
  if (units < SL_COUNT) return units;
  const f = 31 - Math.clz32(units);
  return ((f - SL_BITS + 1) << SL_BITS) | ((units >>> (f - SL_BITS)) ^ SL_COUNT);
}

/** Index of the lowest set bit (x ≠ 0). */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Options of a {@link Heap}.
 * @example
 * const heap = new Heap(new WebAssembly.Memory({ initial: 1 }), 1024, { maxBytes: 2 ** 20 });
 * heap.maxBytes; // 1048576
 */
export interface HeapOptions {
  /**
   * The most bytes the heap may span from its base (the memory is never grown past base + maxBytes).
   * Default: all wasm32 can address (4 GiB) minus the base.
   */
  maxBytes?: number;
}

/**
 * A heap's state, for error messages and monitoring.
 * @example
 * const heap = new Heap(new WebAssembly.Memory({ initial: 1 }), 0);
 * heap.alloc(100);
 * const stats: HeapStats = heap.stats();
 * stats.used; // 128
 * stats.capacity; // 65536
 */
export interface HeapStats {
  /** Bytes in live blocks (requests rounded up to 64). */
  used: number;
  /** The highest `used` so far. */
  peak: number;
  /** Bytes the heap spans now: memory size minus base. */
  capacity: number;
  /** The largest block that can be allocated without growing the memory. */
  largestFree: number;
  /** The cap on `capacity`. */
  maxBytes: number;
  /**
   * Whether the engine refused the last attempt to grow the memory before the cap was reached (the
   * memory's own maximum, or the host out of memory).
   */
  growthRefused: boolean;
}

/**
 * A TLSF allocator (two-level segregated fit) over WebAssembly linear memory.
 *
 * Memory from `base` to the end of the heap is tiled by blocks, each either live or free, linked to
 * their physical neighbours. Free blocks sit in lists by size class: the first level is the power of
 * two of the size, the second splits each power of two into 32 equal steps, and one bit per non-empty
 * list lets a fitting list be found with a few bit scans, so allocation and release take
 * constant time. A block is split when it is larger than the request and merged with free neighbours
 * when released, so memory freed by large tensors serves small ones and the other way round. The free
 * block at the end of the heap grows with the memory, so growth adds only what is missing.
 *
 * All sizes and addresses are multiples of 64 bytes (SIMD loads never straddle cache lines). The
 * bookkeeping lives on the JavaScript side: a kernel that writes past its output cannot corrupt the
 * allocator, and the wasm memory holds nothing but tensor data.
 * @example
 * const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 16 }), 0);
 * const a = heap.alloc(100); // 0: rounded up to 128 bytes
 * const b = heap.alloc(64); // 128
 * heap.release(a);
 * heap.alloc(64); // 0: the freed block is reused
 * heap.used; // 128
 */
export class Heap {
  /** Where the heap starts (the address given, rounded up to 64). */
  readonly base: number;
  /** The cap on the heap's span (see {@link HeapOptions.maxBytes}). */
  readonly maxBytes: number;
  private readonly baseUnit: number;
  private readonly limitUnit: number;
  /** The heap ends here (in units); the blocks tile [baseUnit, endUnit). */
  private endUnit: number;
  /** The block that ends at endUnit, or NIL while the heap is empty. */
  private last = NIL;
  private rec = new Int32Array(64 * STRIDE);
  private records = 0;
  private dead = NIL;
  private readonly heads = new Int32Array(FL_COUNT * SL_COUNT).fill(NIL);
  private flBits = 0;
  private readonly slBits = new Int32Array(FL_COUNT);
  /** Live blocks by address in units. */
  private readonly live = new AddressTable();
  private usedUnits = 0;
  private peakUnits = 0;
  private growthRefused = false;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    options: HeapOptions = {},
  ) {
    this.baseUnit = Math.ceil(base / UNIT);
    this.base = this.baseUnit * UNIT;
    const maxBytes = options.maxBytes ?? WASM32_BYTES - this.base;
    if (!(maxBytes >= 0)) throw new ValueError(`Heap: maxBytes must be non-negative, got ${maxBytes}`);
    this.limitUnit = this.baseUnit + Math.min(Math.floor(maxBytes / UNIT), MAX_UNITS);
    this.maxBytes = (this.limitUnit - this.baseUnit) * UNIT;
    this.endUnit = this.baseUnit;
    this.absorbMemory();
  }

  /** Bytes in live blocks (each request rounded up to a multiple of 64). */
  get used(): number {
    return this.usedUnits * UNIT;
  }

  /** The highest `used` since the heap was made. */
  get peak(): number {
    return this.peakUnits * UNIT;
  }

  /** Bytes the heap spans now: the memory size minus the base (at most `maxBytes`). */
  get capacity(): number {
    return (this.endUnit - this.baseUnit) * UNIT;
  }

  /** The largest block that can be allocated without growing the memory (the free end counts). */
  get largestFree(): number {
    if (this.flBits === 0) return 0;
    const fl = 31 - Math.clz32(this.flBits);
    const sl = 31 - Math.clz32(this.slBits[fl]);
    const rec = this.rec;
    let best = 0;
    for (let id = this.heads[fl * SL_COUNT + sl]; id !== NIL; id = rec[id * STRIDE + FREE_NEXT]) {
      best = Math.max(best, rec[id * STRIDE + SIZE]);
    }
    return best * UNIT;
  }

  stats(): HeapStats {
    return {
      used: this.used,
      peak: this.peak,
      capacity: this.capacity,
      largestFree: this.largestFree,
      maxBytes: this.maxBytes,
      growthRefused: this.growthRefused,
    };
  }

  /** Bytes a request of `bytes` takes in the heap. */
  static blockSize(bytes: number): number {
    return bytes <= UNIT ? UNIT : Math.ceil(bytes / UNIT) * UNIT;
  }

  /** Returns the byte address of a block of at least `bytes` bytes, or throws {@link OutOfMemoryError}. */
  alloc(bytes: number): number {
    const ptr = this.tryAlloc(bytes);
    if (ptr < 0) throw new OutOfMemoryError(outOfMemoryMessage(bytes, this.stats()));
    return ptr;
  }

  /**
   * Returns the byte address of a 64-byte-aligned block of at least `bytes` bytes, growing the memory
   * if no free block fits; -1 when the memory cannot grow enough (the caller may free memory and retry).
   */
  tryAlloc(bytes: number): number {
    if (!(bytes >= 0)) throw new ValueError(`Heap.alloc: invalid size ${bytes}`);
    const units = bytes <= UNIT ? 1 : Math.ceil(bytes / UNIT);
    if (units > this.limitUnit - this.baseUnit) return -1;
    // the head of the request's own class first: training repeats the same shapes every step, so the
    // block a tensor of this size freed last usually fits exactly, and no larger block gets split
    let id = this.heads[classOf(units)];
    if (id === NIL || this.rec[id * STRIDE + SIZE] < units) id = this.findFit(units);
    if (id === NIL) id = this.findExact(units);
    if (id === NIL && this.grow(units)) id = this.last;
    if (id === NIL) return -1;
    this.unlinkFree(id);
    this.split(id, units);
    const rec = this.rec;
    const start = rec[id * STRIDE + START];
    this.live.set(start, id);
    this.usedUnits += units;
    if (this.usedUnits > this.peakUnits) this.peakUnits = this.usedUnits;
    return start * UNIT;
  }

  /** Frees the block at `ptr`; a pointer that is not a live block (already released) is ignored. */
  release(ptr: number): void {
    const key = ptr / UNIT;
    // blocks start at non-negative multiples of 64; anything else is no block (and no int32 key)
    if ((key | 0) !== key || key < 0) return;
    let id = this.live.take(key);
    if (id === NIL) return;
    const rec = this.rec;
    const r = id * STRIDE;
    this.usedUnits -= rec[r + SIZE];
    const next = rec[r + PHYS_NEXT];
    if (next !== NIL && rec[next * STRIDE + IS_FREE] === 1) {
      this.unlinkFree(next);
      this.absorbNext(id, next);
    }
    const prev = rec[r + PHYS_PREV];
    if (prev !== NIL && rec[prev * STRIDE + IS_FREE] === 1) {
      this.unlinkFree(prev);
      this.absorbNext(prev, id);
      id = prev;
    }
    this.linkFree(id);
  }

  /** The head of the first non-empty list whose blocks all hold `units` (TLSF's good fit), or NIL. */
  private findFit(units: number): number {
    let wanted = units;
    if (units >= SL_COUNT) wanted += (1 << (31 - Math.clz32(units) - SL_BITS)) - 1;
    const cls = classOf(wanted);
    let fl = cls >>> SL_BITS;
    let bits = this.slBits[fl] & (-1 << (cls & (SL_COUNT - 1)));
    if (bits === 0) {
      const higher = this.flBits & (-1 << (fl + 1));
      if (higher === 0) return NIL;
      fl = lowestBit(higher);
      bits = this.slBits[fl];
    }
    return this.heads[fl * SL_COUNT + lowestBit(bits)];
  }

  /**
   * A block of `units`' own class that holds it. The good-fit search skips that class (not all of its
   * blocks fit), so without this a free block of exactly the requested size would go unused.
   */
  private findExact(units: number): number {
    const rec = this.rec;
    for (let id = this.heads[classOf(units)]; id !== NIL; id = rec[id * STRIDE + FREE_NEXT]) {
      if (rec[id * STRIDE + SIZE] >= units) return id;
    }
    return NIL;
  }

  /** Cuts block `id` to `units`, the rest becoming a free block after it. */
  private split(id: number, units: number): void {
    const r = id * STRIDE;
    const rest = this.rec[r + SIZE] - units;
    if (rest === 0) return;
    const nid = this.newRecord();
    const rec = this.rec; // newRecord may have replaced the array
    const n = nid * STRIDE;
    const after = rec[r + PHYS_NEXT];
    rec[n + START] = rec[r + START] + units;
    rec[n + SIZE] = rest;
    rec[n + PHYS_PREV] = id;
    rec[n + PHYS_NEXT] = after;
    if (after !== NIL) rec[after * STRIDE + PHYS_PREV] = nid;
    else this.last = nid;
    rec[r + PHYS_NEXT] = nid;
    rec[r + SIZE] = units;
    this.linkFree(nid);
  }

  /** Merges block `next` (physically right after `id`, out of every list) into `id`. */
  private absorbNext(id: number, next: number): void {
    const rec = this.rec;
    const r = id * STRIDE;
    const n = next * STRIDE;
    rec[r + SIZE] += rec[n + SIZE];
    const after = rec[n + PHYS_NEXT];
    rec[r + PHYS_NEXT] = after;
    if (after !== NIL) rec[after * STRIDE + PHYS_PREV] = id;
    else this.last = id;
    rec[n + FREE_NEXT] = this.dead;
    this.dead = next;
  }

  private linkFree(id: number): void {
    const rec = this.rec;
    const r = id * STRIDE;
    const cls = classOf(rec[r + SIZE]);
    const head = this.heads[cls];
    rec[r + FREE_PREV] = NIL;
    rec[r + FREE_NEXT] = head;
    rec[r + IS_FREE] = 1;
    if (head !== NIL) rec[head * STRIDE + FREE_PREV] = id;
    this.heads[cls] = id;
    const fl = cls >>> SL_BITS;
    this.flBits |= 1 << fl;
    this.slBits[fl] |= 1 << (cls & (SL_COUNT - 1));
  }

  private unlinkFree(id: number): void {
    const rec = this.rec;
    const r = id * STRIDE;
    const prev = rec[r + FREE_PREV];
    const next = rec[r + FREE_NEXT];
    rec[r + IS_FREE] = 0;
    if (next !== NIL) rec[next * STRIDE + FREE_PREV] = prev;
    if (prev !== NIL) {
      rec[prev * STRIDE + FREE_NEXT] = next;
      return;
    }
    const cls = classOf(rec[r + SIZE]);
    this.heads[cls] = next;
    if (next !== NIL) return;
    const fl = cls >>> SL_BITS;
    this.slBits[fl] &= ~(1 << (cls & (SL_COUNT - 1)));
    if (this.slBits[fl] === 0) this.flBits &= ~(1 << fl);
  }

  private newRecord(): number {
    if (this.dead !== NIL) {
      const id = this.dead;
      this.dead = this.rec[id * STRIDE + FREE_NEXT];
      return id;
    }
    if ((this.records + 1) * STRIDE > this.rec.length) {
      const bigger = new Int32Array(this.rec.length * 2);
      bigger.set(this.rec);
      this.rec = bigger;
    }
    return this.records++;
  }

  /**
   * Grows the memory so that the free block at the end holds `units`: by at least a quarter of its
   * size, so that a growing workload grows the memory rarely, or by exactly what is missing when the
   * quarter cannot be had. False when even that fails.
   */
  private grow(units: number): boolean {
    const rec = this.rec;
    const tail =
      this.last !== NIL && rec[this.last * STRIDE + IS_FREE] === 1 ? rec[this.last * STRIDE + SIZE] : 0;
    const needUnit = this.endUnit + units - tail;
    if (needUnit > this.limitUnit) return false;
    const have = this.memory.buffer.byteLength;
    if (have < needUnit * UNIT) {
      const pages = Math.ceil((needUnit * UNIT - have) / PAGE);
      const room = Math.ceil((this.limitUnit * UNIT) / PAGE) - have / PAGE;
      const generous = Math.min(Math.max(pages, Math.ceil(have / PAGE / 4)), room);
      if (!this.tryGrow(generous) && (generous === pages || !this.tryGrow(pages))) {
        this.growthRefused = true;
        return false;
      }
      this.growthRefused = false;
    }
    this.absorbMemory();
    return true;
  }

  private tryGrow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      // the engine refuses (memory maximum, or the host is out of memory): the caller tries less
      return false;
    }
  }

  /** Adds memory past the heap's end (up to the cap) to the free block at the end. */
  private absorbMemory(): void {
    const end = Math.min(Math.floor(this.memory.buffer.byteLength / UNIT), this.limitUnit);
    if (end <= this.endUnit) return;
    const rec = this.rec;
    const last = this.last;
    if (last !== NIL && rec[last * STRIDE + IS_FREE] === 1) {
      this.unlinkFree(last);
      rec[last * STRIDE + SIZE] += end - this.endUnit;
      this.linkFree(last);
    } else {
      const id = this.newRecord();
      const r = id * STRIDE;
      const rec2 = this.rec;
      rec2[r + START] = this.endUnit;
      rec2[r + SIZE] = end - this.endUnit;
      rec2[r + PHYS_PREV] = last;
      rec2[r + PHYS_NEXT] = NIL;
      if (last !== NIL) rec2[last * STRIDE + PHYS_NEXT] = id;
      this.last = id;
      this.linkFree(id);
    }
    this.endUnit = end;
  }
}

/**
 * Block addresses → record ids: an open-addressing hash table (linear probing, deletion by backward
 * shift, so no tombstones) over two typed arrays. A JavaScript Map costs about 90 ns per set and delete
 * pair; this costs a fraction of it, and the lookup is on every tensor's allocation and release.
 */
class AddressTable {
  private keys = new Int32Array(256).fill(NIL);
  private values = new Int32Array(256);
  private mask = 255;
  /** 32 − log2(size): the hash is the top bits of a multiplicative (Fibonacci) hash. */
  private shift = 24;
  private count = 0;

  set(key: number, value: number): void {
    if (2 * (this.count + 1) > this.keys.length) this.resize(this.keys.length * 2);
    const keys = this.keys;
    const mask = this.mask;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (keys[i] !== NIL) i = (i + 1) & mask;
    keys[i] = key;
    this.values[i] = value;
    this.count++;
  }

  /** Removes `key` and returns its value, or NIL when absent. */
  take(key: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    const shift = this.shift;
    let i = Math.imul(key, 0x9e3779b1) >>> shift;
    for (;;) {
      const k = keys[i];
      if (k === key) break;
      if (k === NIL) return NIL;
      i = (i + 1) & mask;
    }
    const value = values[i];
    // backward shift: move later entries of the probe run into the hole unless that would put them
    // before their home slot
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const k = keys[j];
      if (k === NIL) break;
      const home = Math.imul(k, 0x9e3779b1) >>> shift;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = k;
        values[hole] = values[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = NIL;
    this.count--;
    return value;
  }

  private resize(size: number): void {
    const { keys, values } = this;
    this.keys = new Int32Array(size).fill(NIL);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    this.shift = Math.clz32(size) + 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== NIL) this.set(keys[i], values[i]);
  }
}

/**
 * The message of an {@link OutOfMemoryError}: the request, what is live, how big the heap is and its
 * largest free block, then what to do. `extra` (e.g. what unreferenced tensors still hold) goes before
 * the advice.
 * @example
 * const heap = new Heap(new WebAssembly.Memory({ initial: 1 }), 0, { maxBytes: 65536 });
 * outOfMemoryMessage(2 ** 20, heap.stats()); // "wasm backend: out of memory: cannot allocate 1,048,576 bytes (1.00 MiB); ..."
 */
export function outOfMemoryMessage(request: number, stats: HeapStats, extra?: string): string {
  // exact bytes where a request and the block it missed can differ by less than the rounding shows
  const exact = (bytes: number) =>
    `${bytes.toLocaleString("en-US")} bytes (${(bytes / 2 ** 20).toFixed(2)} MiB)`;
  return (
    `wasm backend: out of memory: cannot allocate ${exact(request)}; ` +
    `${fmtBytes(stats.used)} is live, the heap spans ${fmtBytes(stats.capacity)} ` +
    (stats.growthRefused
      ? "(the engine refused to grow the memory further)"
      : `(at most ${fmtBytes(stats.maxBytes)})`) +
    ` and its largest free block is ${exact(stats.largestFree)}. ` +
    (extra ? `${extra} ` : "") +
    "To free memory: dispose() tensors you no longer need, run each step inside tidy() or declare " +
    "temporaries with `using`, or use a smaller batch size."
  );
}
