/// <reference types="@webgpu/types" />
import { IndexError, fmtShape } from "../../base/errors.js";
import type { IndexCheck } from "../backend.js";

/**
 * Out-of-range indices on the GPU, where a kernel cannot throw and reads are asynchronous: each
 * dispatch that takes an index tensor checks every index, reads or adds nothing for a bad one (memory
 * safety) and records the violation in a small device buffer; the next read copies that buffer back in
 * its own submission and throws an IndexError naming the op, which a host-side table of the recent
 * checking dispatches describes.
 */

/**
 * i32 slots of the error buffer: the id of the first dispatch that found a bad index, then, for that
 * dispatch, the first bad position, how many bad indices, the smallest and the largest bad value.
 */
/**
 * Length of the error buffer, in i32 slots (five used, padded to 32 bytes).
 * @example
 * INDEX_ERROR_SLOTS * 4; // 32
 */
export const INDEX_ERROR_SLOTS = 8;
const SLOTS = INDEX_ERROR_SLOTS;
const I32_MAX = 2 ** 31 - 1;
const EMPTY = Int32Array.of(I32_MAX, I32_MAX, 0, I32_MAX, -(2 ** 31), 0, 0, 0);
/** Checking dispatches remembered between two reads; older ones lose their description, not their check. */
const MAX_REMEMBERED = 4096;

/**
 * WGSL of the error buffer at `binding` and `indexError(id, position, value)`, which a kernel calls
 * for each out-of-range index it meets. Dispatches run in queue order, so the first one to record
 * keeps the slots: a later dispatch sees a smaller id there and leaves them alone.
 * @example
 * indexErrorWgsl(7).includes("fn indexError(id: i32, pos: i32, v: i32)"); // true
 */
export function indexErrorWgsl(binding: number): string {
  return `
@group(0) @binding(${binding}) var<storage, read_write> err: array<atomic<i32>, ${SLOTS}>;
fn indexError(id: i32, pos: i32, v: i32) {
  if (atomicMin(&err[0], id) < id) { return; }
  atomicMin(&err[1], pos);
  atomicAdd(&err[2], 1);
  atomicMin(&err[3], v);
  atomicMax(&err[4], v);
}`;
}

interface Described extends IndexCheck {
  readonly indexShape: readonly number[];
}

/**
 * The device's error buffer and the table describing the dispatches that check indices into it.
 * @example
 * typeof DeviceIndexErrors; // "function": one per webgpu backend, used by its kernels and reads
 */
export class DeviceIndexErrors {
  /** The buffer the kernels record into (bound read_write). */
  readonly buffer: GPUBuffer;
  /** The empty state, copied over the buffer after each read that collects it. */
  private readonly empty: GPUBuffer;
  private described = new Map<number, Described>();
  private nextId = 1;

  constructor(private readonly device: GPUDevice) {
    this.buffer = this.initialised(
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    );
    this.empty = this.initialised(GPUBufferUsage.COPY_SRC);
  }

  private initialised(usage: number): GPUBuffer {
    const b = this.device.createBuffer({ size: SLOTS * 4, usage, mappedAtCreation: true });
    new Int32Array(b.getMappedRange()).set(EMPTY);
    b.unmap();
    return b;
  }

  /** Registers a dispatch that checks `indexShape` indices; its id goes into the kernel's parameters. */
  register(check: IndexCheck, indexShape: readonly number[]): number {
    const id = this.nextId;
    this.nextId = Math.min(id + 1, I32_MAX - 1);
    if (this.described.size >= MAX_REMEMBERED) {
      this.described.delete(this.described.keys().next().value as number);
    }
    this.described.set(id, { ...check, indexShape: [...indexShape] });
    return id;
  }

  /**
   * Appends to a read's encoder the copy of the error slots to a staging buffer and their reset, so
   * the read reports exactly the dispatches submitted before it. Null when none checked indices since
   * the last read.
   */
  collect(encoder: GPUCommandEncoder): PendingIndexReport | null {
    if (this.nextId === 1) return null;
    const staging = this.device.createBuffer({
      size: SLOTS * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(this.buffer, 0, staging, 0, SLOTS * 4);
    encoder.copyBufferToBuffer(this.empty, 0, this.buffer, 0, SLOTS * 4);
    const report = new PendingIndexReport(staging, this.described);
    this.described = new Map();
    this.nextId = 1;
    return report;
  }
}

/**
 * The error slots of one read, with the descriptions of the dispatches they may name.
 * @example
 * typeof PendingIndexReport; // "function": made by DeviceIndexErrors.collect for each read
 */
export class PendingIndexReport {
  constructor(
    private readonly staging: GPUBuffer,
    private readonly described: ReadonlyMap<number, Described>,
  ) {}

  /** Waits for the copied slots; throws the IndexError they describe, if any. */
  async throwIfSet(): Promise<void> {
    await this.staging.mapAsync(GPUMapMode.READ);
    const [id, pos, count, lo, hi] = new Int32Array(this.staging.getMappedRange().slice(0));
    this.staging.unmap();
    this.staging.destroy();
    if (id === I32_MAX) return;
    throw new IndexError(describeViolation(this.described.get(id), pos, count, lo, hi));
  }
}

/**
 * The message of an out-of-range index found on the device.
 * @example
 * const d = { op: "gather", label: "index", detail: () => "for axis 0 of size 3", indexShape: [2] };
 * describeViolation(d, 1, 1, 5, 5); // "gather: index 5 is out of range for axis 0 of size 3, at position (1,)..."
 */
export function describeViolation(
  d: Described | undefined,
  pos: number,
  count: number,
  lo: number,
  hi: number,
): string {
  const where =
    "found on the webgpu device and reported at this read (await data(), array(), itemAsync(), fit's " +
    "periodic read), not at the call, since a GPU kernel cannot throw";
  if (d === undefined) {
    return (
      `an index op: ${count} index value(s) from ${lo} to ${hi} are out of range (the op's description ` +
      `was dropped: more than ${MAX_REMEMBERED} index checks ran between two reads); ${where}`
    );
  }
  const at = `at position ${fmtShape(coordsOf(pos, d.indexShape))}`;
  const head =
    count === 1
      ? `${d.op}: ${d.label} ${lo} is out of range ${d.detail()}, ${at}`
      : `${d.op}: ${count} ${d.label} values are out of range ${d.detail()}: from ${lo} to ${hi}, the first ${at}`;
  return `${head}; ${where}`;
}

function coordsOf(pos: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  let rest = pos;
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return c;
}
