/**
 * The fingerprint of a submission, for idempotency: a retried request has the same one, a different request under
 * the same key another.
 */

/** Deterministic JSON: object keys sorted, `undefined` members dropped. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null"
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`
}

/**
 * A 128-bit fingerprint (32 hex characters) of a value's canonical JSON: four independent 32-bit FNV-1a lanes. Not a
 * cryptographic hash: it tells a retried request from a different one under the same idempotency key.
 */
export const fingerprint = (value: unknown): string => {
  const text = canonicalJson(value)
  const seeds = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b]
  let out = ""
  for (const seed of seeds) {
    let h = seed >>> 0
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193) >>> 0
      h ^= h >>> 13
    }
    out += h.toString(16).padStart(8, "0")
  }
  return out
}
