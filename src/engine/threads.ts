/** ORT runs this many WASM threads; more than the cores would only contend with the page. */
export function wasmThreadCount(isolated: boolean, cores: number): number {
  return isolated ? Math.max(1, Math.min(4, cores)) : 1;
}
