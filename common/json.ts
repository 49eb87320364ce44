// Small JSON helpers shared by clients that print or inspect what a server answered.

/** `text` parsed as JSON, or the text itself when it is not JSON (an error page, a plain-text reply). */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
