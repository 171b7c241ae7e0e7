/**
 * The baselines a character model has to beat: n-gram counts with add-k smoothing. A unigram model
 * knows which characters are common; a bigram or trigram model also knows which follow which.
 */

/** Bits per character of `test` under an order-`n` model counted on `train` (n = 1, 2, 3...). */
export function ngramBits(train: Int32Array, test: Int32Array, vocab: number, n: number, k = 0.1): number {
  const counts = new Map<string, Float64Array>();
  const key = (codes: Int32Array, end: number) => codes.subarray(end - (n - 1), end).join(",");
  for (let i = n - 1; i < train.length; i++) {
    const context = key(train, i);
    let row = counts.get(context);
    if (row === undefined) counts.set(context, (row = new Float64Array(vocab + 1)));
    row[train[i]]++;
    row[vocab]++; // the row's total
  }
  let bits = 0;
  for (let i = n - 1; i < test.length; i++) {
    const row = counts.get(key(test, i));
    const seen = row === undefined ? 0 : row[test[i]];
    const total = row === undefined ? 0 : row[vocab];
    bits -= Math.log2((seen + k) / (total + k * vocab));
  }
  return bits / (test.length - (n - 1));
}
