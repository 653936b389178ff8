// The size of the memory a wasm module imports, read from its bytes: the page must create the
// shared WebAssembly.Memory itself (one for every thread) before any instance exists, and the
// JavaScript API cannot tell a module's memory limits. The build (linker, then wasm-bindgen)
// decides them, so they are read rather than written down twice.

/** { initial, maximum, shared } of the first memory `bytes` imports, or null if it imports none. */
export function importedMemory(bytes) {
  const b = new Uint8Array(bytes);
  let i = 8; // magic and version
  const leb = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      if (i >= b.length) throw new Error('truncated wasm');
      const byte = b[i++];
      n += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return n;
    }
  };
  const skipName = () => { const len = leb(); i += len; };
  const limits = () => {
    const flags = b[i++];
    const initial = leb();
    const maximum = flags & 1 ? leb() : undefined;
    return { initial, maximum, shared: Boolean(flags & 2) };
  };
  if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error('not a wasm module');
  while (i < b.length) {
    const id = b[i++];
    const size = leb();
    if (id !== 2) { i += size; continue; }
    for (let count = leb(); count > 0; count--) {
      skipName();
      skipName();
      const kind = b[i++];
      if (kind === 0) leb(); // function: type index
      else if (kind === 1) { i++; limits(); } // table: element type, limits
      else if (kind === 2) return limits();
      else if (kind === 3) i += 2; // global: value type, mutability
      else if (kind === 4) { i++; leb(); } // tag: attribute, type index
      else throw new Error(`unknown import kind ${kind}`);
    }
    return null;
  }
  return null;
}
