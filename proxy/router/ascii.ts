// ASCII case folding, as Envoy's matchers do it (absl::AsciiStrToLower, absl::StartsWithIgnoreCase): `ignore_case`
// and `case_sensitive: false` fold A–Z only, never other letters. The needle is folded once at compile time;
// the request side is folded character by character, so a comparison allocates nothing.

const A = 0x41;
const Z = 0x5a;

/** `s` with A–Z lowered; compile time only. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Whether `s` holds `lowerNeedle` at `start`, folding `s` to lower case (the needle is already lower case). */
export function equalsAtIgnoreCase(s: string, start: number, lowerNeedle: string): boolean {
  if (start < 0 || start + lowerNeedle.length > s.length) return false;
  for (let i = 0; i < lowerNeedle.length; i++) {
    let c = s.charCodeAt(start + i);
    if (c >= A && c <= Z) c += 0x20;
    if (c !== lowerNeedle.charCodeAt(i)) return false;
  }
  return true;
}

export function containsIgnoreCase(s: string, lowerNeedle: string): boolean {
  for (let start = 0; start + lowerNeedle.length <= s.length; start++) {
    if (equalsAtIgnoreCase(s, start, lowerNeedle)) return true;
  }
  return false;
}

/**
 * A RegExp that must match the whole input, as Envoy's RE2 matchers do (RE2::FullMatch), whatever anchoring
 * the decoder applied: wrapping an already anchored pattern again changes nothing. The `g` and `y` flags are
 * dropped because they make `test` stateful (lastIndex), and `m` because it lets `^`/`$` match at line breaks.
 */
export function fullMatch(regex: RegExp): RegExp {
  return new RegExp(`^(?:${regex.source})$`, regex.flags.replace(/[gym]/g, ''));
}
