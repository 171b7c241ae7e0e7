/**
 * What JavaScript engine the library runs in, for the few places that load Node's modules themselves
 * (worker threads, Dawn, zlib) and take the web platform's way elsewhere.
 */

/**
 * Whether this runs in Node.
 * @example
 * isNode(); // true under Node, false in a browser
 */
export function isNode(): boolean {
  return (
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string"
  );
}
