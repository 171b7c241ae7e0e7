let enabled = true;

/**
 * Whether ops record the graph that `backward()` walks.
 * @example
 * isGradEnabled(); // true
 * noGrad(() => isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording gradients: for evaluation, inference and parameter updates.
 * @example
 * const layer = new nn.Linear(4, 2);
 * const pred = noGrad(() => layer.forward(randn([8, 4])));
 * pred.requiresGrad; // false
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs `fn` with gradient recording on, even inside `noGrad` (used for higher-order gradients).
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * noGrad(() => enableGrad(() => w.mul(2))).requiresGrad; // true
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
