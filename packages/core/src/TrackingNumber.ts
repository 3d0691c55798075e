/**
 * Tracking numbers (clause 6.4: "tracking numbers and handling records provided for follow-up"): short, readable over
 * the phone, checked, and random.
 *
 * A tracking number is the policy's prefix and nine characters, displayed in groups: `GS-7KQ2-M9XD4`. The nine
 * characters are eight random data characters and one check character, from an alphabet of 31 characters that cannot
 * be confused with each other in print (Crockford's base 32 without `V`: no `I`, `L`, `O`, `U`, `V`). The check
 * character makes the weighted sum `Σ i × value(cᵢ)` (positions `i` = 1 … 9) a multiple of 31. As 31 is prime and
 * every weight is below it, the check catches every single mistyped character and every swap of two adjacent
 * different characters.
 *
 * The data characters come from the {@link Randomness} service (cryptographic in production), so numbers cannot be
 * enumerated: 31⁸ ≈ 8.5 × 10¹¹ numbers per prefix. Uniqueness is the store's business (`TrackingNumberTaken`: the
 * desk draws again).
 *
 * Reading is forgiving, as Crockford's: letters in any case, spaces and hyphens ignored, `O` read as `0`, `I` and `L`
 * read as `1`, and the prefix may be left out.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Randomness } from "./Randomness.ts"

/**
 * The 31 characters of tracking numbers, in value order (value 0 is `"0"`, value 30 is `"Z"`).
 *
 * @since 0.1.0
 * @category constants
 */
export const alphabet = "0123456789ABCDEFGHJKMNPQRSTWXYZ"

/**
 * How many random data characters a tracking number carries (before its check character).
 *
 * @since 0.1.0
 * @category constants
 */
export const dataLength = 8

const modulus = alphabet.length // 31, a prime
const length = dataLength + 1
// 9 × 7 = 63 ≡ 1 (mod 31): the inverse of the check character's weight
const inverseOfCheckWeight = 7

const values: ReadonlyMap<string, number> = new Map([
  ...Array.from(alphabet, (c, i) => [c, i] as const),
  ["O", 0],
  ["I", 1],
  ["L", 1]
])

const prefixPattern = /^[A-Z][A-Z0-9]*$/

const normalize = (input: string): string => {
  let out = ""
  for (const c of input.toUpperCase()) {
    if (c === "-" || c === " " || c === "\t" || c === "\u00a0") continue
    out += c === "O" ? "0" : c === "I" || c === "L" ? "1" : c
  }
  return out
}

const weightedSum = (chars: string, count: number): number => {
  let sum = 0
  for (let i = 0; i < count; i++) sum += (i + 1) * (values.get(chars[i]) ?? 0)
  return sum % modulus
}

const display = (prefix: string, body: string): string => `${prefix}-${body.slice(0, 4)}-${body.slice(4)}`

// the check character of eight data characters of the alphabet
const checkCharacter = (data: string): string => {
  const sum = weightedSum(data, dataLength)
  return alphabet[(((modulus - sum) % modulus) * inverseOfCheckWeight) % modulus]
}

/**
 * Draws a new tracking number with the given prefix (capital letters and digits, starting with a letter), e.g.
 * `GS-7KQ2-M9XD4`. Dies when the prefix is malformed (a policy defect).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (prefix: string): Effect.Effect<string, never, Randomness> => {
  if (!prefixPattern.test(prefix)) {
    return Effect.die(
      new Error(
        `TrackingNumber.make: prefix must be capital letters and digits starting with a letter, got "${prefix}"`
      )
    )
  }
  return Effect.gen(function* () {
    const randomness = yield* Randomness
    let data = ""
    while (data.length < dataLength) {
      const bytes = yield* randomness.bytes(dataLength + 4)
      for (const byte of bytes) {
        // 5 bits give 0 … 31; dropping 31 keeps the 31 values uniform
        const value = byte & 31
        if (value < modulus && data.length < dataLength) data += alphabet[value]
      }
    }
    return display(prefix, data + checkCharacter(data))
  })
}

/**
 * Reads a tracking number as a person may type or say it, and gives its canonical form (`GS-7KQ2-M9XD4`), or none when
 * it is not a tracking number of this prefix: wrong length, a character outside the alphabet, or a check character
 * that does not match (a mistyped character or swapped pair).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (prefix: string, input: string): Option.Option<string> => {
  const normalized = normalize(input)
  const normalizedPrefix = normalize(prefix)
  let body: string
  if (normalized.length === length) {
    body = normalized
  } else if (normalized.length === normalizedPrefix.length + length && normalized.startsWith(normalizedPrefix)) {
    body = normalized.slice(normalizedPrefix.length)
  } else {
    return Option.none()
  }
  for (const c of body) {
    if (!alphabet.includes(c)) return Option.none()
  }
  return weightedSum(body, length) === 0 ? Option.some(display(prefix.toUpperCase(), body)) : Option.none()
}

/**
 * Whether the input reads as a tracking number of this prefix (see {@link parse}).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isValid = (prefix: string, input: string): boolean => Option.isSome(parse(prefix, input))

/**
 * For input that reads as a tracking number of this prefix except for its check (one mistyped character): every
 * tracking number one character away whose check holds, in canonical form. As the check catches every single
 * substitution, the number meant is among them. Empty when the input is valid already, or is not of the right length
 * and alphabet.
 *
 * @since 0.1.0
 * @category parsing
 */
export const suggest = (prefix: string, input: string): ReadonlyArray<string> => {
  const normalized = normalize(input)
  const normalizedPrefix = normalize(prefix)
  let body: string
  if (normalized.length === length) body = normalized
  else if (normalized.length === normalizedPrefix.length + length && normalized.startsWith(normalizedPrefix)) {
    body = normalized.slice(normalizedPrefix.length)
  } else return []
  for (const c of body) if (!alphabet.includes(c)) return []
  if (weightedSum(body, length) === 0) return []
  const out: Array<string> = []
  for (let i = 0; i < length; i++) {
    for (const c of alphabet) {
      if (c === body[i]) continue
      const candidate = body.slice(0, i) + c + body.slice(i + 1)
      if (weightedSum(candidate, length) === 0) out.push(display(prefix.toUpperCase(), candidate))
    }
  }
  return out
}
