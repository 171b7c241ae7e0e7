/**
 * The garbage-collector safety net, driven by Strata's own memory pressure.
 *
 * V8 does not count WebAssembly or GPU memory, so it would not collect because tensors fill them;
 * this module calls the collector itself when the bytes held by tensors have grown well past their
 * low-water mark. Finalization callbacks then run between tasks (an `await` on I/O or a timer), and,
 * on engines that offer `cleanupSome` (Node 20 and 22), synchronously, so even a loop that never
 * yields is reclaimed there. Where neither happens, the allocator's out-of-memory error says why.
 */

interface Releasable {
  release(reason: "collected"): void;
  /** Whether it holds a registration with the registry (set by the collector). */
  watched: boolean;
  /** Whether its memory has already gone back (a released one needs no registration). */
  readonly released: boolean;
}

interface Engine {
  /** A full garbage collection, where the engine lets us ask for one (Node). */
  gc: (() => void) | null;
  /** A FinalizationRegistry constructor; with `cleanupSome` where the engine has it. */
  Registry: typeof FinalizationRegistry;
  syncCleanup: boolean;
}

type NodeProcess = {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
};

function nodeEngine(proc: NodeProcess): Engine | null {
  const v8 = proc.getBuiltinModule?.("node:v8") as { setFlagsFromString(f: string): void } | undefined;
  const vm = proc.getBuiltinModule?.("node:vm") as
    | { runInContext(code: string, ctx: object): unknown; createContext(): object }
    | undefined;
  if (!v8 || !vm) return null;
  try {
    // `cleanupSome` was removed from V8 after Node 22; asking for it there prints an error
    const major = Number(proc.versions?.node?.split(".")[0]);
    if (major <= 22) v8.setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    v8.setFlagsFromString("--expose-gc");
    // the flags apply to contexts created from now on, so a fresh one hands out gc and the registry
    const context = vm.createContext();
    const gc = vm.runInContext("typeof gc === 'function' ? gc : null", context) as (() => void) | null;
    const Registry = vm.runInContext("FinalizationRegistry", context) as typeof FinalizationRegistry;
    const syncCleanup = typeof (Registry.prototype as { cleanupSome?: unknown }).cleanupSome === "function";
    return { gc, Registry, syncCleanup };
  } catch {
    return null;
  }
}

function detectEngine(): Engine {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const node = proc?.versions?.node ? nodeEngine(proc) : null;
  return node ?? { gc: null, Registry: FinalizationRegistry, syncCleanup: false };
}

const MiB = 2 ** 20;
/** Growth past the low-water mark that is always worth a collection while collections pay. */
const MIN_SLACK = 16 * MiB;
/**
 * The most the slack grows to while collections find nothing: a training step's working set can be
 * hundreds of MiB, and collecting in every step would cost a few percent of it.
 */
const MAX_SLACK = 4096 * MiB;
/** Likewise in tensors: many small ones cost the JS heap more than the backend. */
const COUNT_SLACK = 50_000;
/**
 * Tensors made since the last flush wait here before they are registered: most of a step's tensors
 * are released (by tidy, dispose or the step release) within a few hundred allocations, and those
 * never pay for a registration (a FinalizationRegistry cell, its unregistration, and the weak-cell
 * work of every garbage collection). Every collection flushes first, so nothing escapes the net.
 */
const NURSERY = 1024;

class Collector {
  private readonly engine = detectEngine();
  private readonly registry: FinalizationRegistry<Releasable>;
  /** Bytes held by live buffers. */
  liveBytes = 0;
  /** The least `liveBytes` has been since the last collection. */
  private lowWater = 0;
  /** Live buffers, and their least number since the last collection. */
  liveCount = 0;
  private lowCount = 0;
  /** Collections asked for (for tests and the memory benchmark). */
  collections = 0;
  /** Event-loop turns seen, and the bytes allocated and still held since the current one began. */
  private turn = 0;
  private turnScheduled = false;
  heldThisTurn = 0;

  /** Growth past the low-water mark that triggers a collection; adapts to what collections find. */
  private slack = MIN_SLACK;
  /** Bytes finalization gave back since the last collection. */
  private reclaimed = 0;

  constructor() {
    this.registry = new this.engine.Registry((ref: Releasable) => {
      const before = this.liveBytes;
      ref.release("collected");
      this.reclaimed += before - this.liveBytes;
    });
  }

  /** Whether a loop that never yields to the event loop can still be reclaimed here. */
  get reclaimsSynchronously(): boolean {
    return this.engine.gc !== null && this.engine.syncCleanup;
  }

  /** Owners and their refs not yet registered (strongly held until the next flush). */
  private nurseryOwners: object[] = [];
  private nurseryRefs: Releasable[] = [];

  watch(owner: object, ref: Releasable): void {
    const n = this.nurseryOwners.push(owner);
    this.nurseryRefs.push(ref);
    if (n >= NURSERY) this.flush();
    // a view allocates nothing, so make sure a turn's end flushes it too
    else if (n === 1 && !this.turnScheduled) this.scheduleTurn();
  }

  forget(ref: Releasable): void {
    if (!ref.watched) return;
    ref.watched = false;
    this.registry.unregister(ref);
  }

  /** Registers what the nursery holds and is still alive, and lets go of the rest. */
  flush(): void {
    const owners = this.nurseryOwners;
    const refs = this.nurseryRefs;
    this.nurseryOwners = [];
    this.nurseryRefs = [];
    for (let i = 0; i < owners.length; i++) {
      const ref = refs[i];
      if (ref.released || ref.watched) continue;
      ref.watched = true;
      this.registry.register(owners[i], ref, ref);
    }
  }

  /** The current turn, for buffers to remember when they were made. */
  allocated(bytes: number): number {
    this.liveBytes += bytes;
    this.liveCount++;
    this.heldThisTurn += bytes;
    if (!this.turnScheduled) this.scheduleTurn();
    if (this.liveBytes > this.lowWater + this.slack || this.liveCount > 2 * this.lowCount + COUNT_SLACK) {
      this.adapt();
      this.collect();
    }
    return this.turn;
  }

  freed(bytes: number, turn: number): void {
    this.liveBytes -= bytes;
    this.liveCount--;
    if (turn === this.turn) this.heldThisTurn -= bytes;
    if (this.liveBytes < this.lowWater) this.lowWater = this.liveBytes;
    if (this.liveCount < this.lowCount) this.lowCount = this.liveCount;
  }

  /**
   * Collections that give memory back keep the trigger tight (a loop dropping tensors stays within a
   * few MiB of flat); ones that find nothing (memory that is only a step's working set) loosen it, so
   * a training loop soon stops paying for them.
   */
  private adapt(): void {
    if (this.collections === 0) return;
    if (this.reclaimed < this.slack / 4) this.slack = Math.min(2 * this.slack, MAX_SLACK);
    else this.slack = Math.max(MIN_SLACK, this.slack / 2);
  }

  /**
   * Asks the engine to collect; where it can finalize synchronously, the memory of unreachable
   * tensors is back when this returns. Returns the bytes that came back synchronously.
   */
  collect(): number {
    const before = this.liveBytes;
    this.reclaimed = 0;
    this.flush();
    if (this.engine.gc) {
      this.collections++;
      this.engine.gc();
      if (this.engine.syncCleanup) {
        (this.registry as unknown as { cleanupSome(): void }).cleanupSome();
      }
    }
    this.lowWater = this.liveBytes;
    this.lowCount = this.liveCount;
    return before - this.liveBytes;
  }

  /**
   * What an out-of-memory error should add about memory that unreferenced tensors may hold, after
   * `collect()` has run.
   */
  explainHeld(): string {
    const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
    if (this.reclaimsSynchronously) {
      return (
        "Every tensor your code no longer references has been reclaimed, so the rest is still referenced: " +
        "dispose() tensors you are done with, or compute inside tidy()."
      );
    }
    return (
      `${mib(this.heldThisTurn)} are held by tensors created since the event loop last ran and not disposed. ` +
      "Tensors your code no longer references among them are freed by the garbage collector only between " +
      "tasks, and this loop has not yielded since: dispose() them, compute inside tidy(), use `using`, or " +
      "yield to the event loop (await a timer or I/O) now and then."
    );
  }

  private scheduleTurn(): void {
    this.turnScheduled = true;
    const timer = setTimeout(() => {
      // the engine finalizes between tasks only what is registered
      this.flush();
      this.turn++;
      this.heldThisTurn = 0;
      this.turnScheduled = false;
    }, 0) as unknown as { unref?: () => void };
    // a pending turn marker must not keep a Node process alive
    timer.unref?.();
  }
}

/**
 * The one collector for every backend.
 * @example
 * const before = collector.liveBytes;
 * const t = zeros([1024]);
 * collector.liveBytes - before; // 4096
 * collector.collect(); // asks the engine for the memory of unreachable tensors back
 */
export const collector = new Collector();
