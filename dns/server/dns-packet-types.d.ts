// dns-packet's table of record type numbers and names (types.js ships without declarations).
declare module 'dns-packet/types.js' {
  /** `1` → `A`; an unknown number → `UNKNOWN_<n>`. */
  export function toString(type: number): string;
  /** `A` → 1; `UNKNOWN_<n>` → n; an unknown name → 0. */
  export function toType(name: string): number;
  const types: { toString: typeof toString; toType: typeof toType };
  export default types;
}
