/** An IDX file's bytes: magic (0, 0, type code, rank), the dims big-endian, then the payload. */
export function idxBytes(code: number, dims: number[], payload: number[] | Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = code;
  header[3] = dims.length;
  const view = new DataView(header.buffer);
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i], false);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}
