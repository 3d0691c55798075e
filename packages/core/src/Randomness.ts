/**
 * Randomness as a service: tracking numbers, case ids and message ids are drawn from it, so they cannot be
 * enumerated in production (`layer`: the platform's cryptographic generator, `crypto.getRandomValues`) and are
 * reproducible in tests (`layerSeeded`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

/**
 * @since 0.1.0
 * @category services
 */
export class Randomness extends Context.Service<
  Randomness,
  {
    /** `n` random bytes. */
    readonly bytes: (n: number) => Effect.Effect<Uint8Array>
  }
>()("@support-policy/core/Randomness") {}

/** Bytes drawn from the platform's generator at a time (its limit for one call is 65,536). */
const POOL_BYTES = 4096

/**
 * Cryptographically strong randomness from `globalThis.crypto.getRandomValues`, drawn 4 KiB at a time: each call
 * hands out the next unused bytes of the pool (never the same byte twice), so an id costs a copy rather than a call
 * into the generator. Requests larger than the pool go to the generator directly.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Randomness> = Layer.sync(Randomness)(() => {
  const pool = new Uint8Array(POOL_BYTES)
  let used = POOL_BYTES
  return {
    bytes: (n) =>
      Effect.sync(() => {
        if (n > POOL_BYTES) return globalThis.crypto.getRandomValues(new Uint8Array(n))
        if (used + n > POOL_BYTES) {
          globalThis.crypto.getRandomValues(pool)
          used = 0
        }
        const out = pool.slice(used, used + n)
        used += n
        return out
      })
  }
})

/**
 * Deterministic randomness for tests: the same seed gives the same sequence (xorshift32; not for production).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSeeded = (seed: number): Layer.Layer<Randomness> =>
  Layer.sync(Randomness)(() => {
    let state = seed >>> 0 || 0x9e3779b9
    const next = () => {
      state ^= state << 13
      state >>>= 0
      state ^= state >>> 17
      state ^= state << 5
      state >>>= 0
      return state
    }
    return {
      bytes: (n) =>
        Effect.sync(() => {
          const out = new Uint8Array(n)
          for (let i = 0; i < n; i++) out[i] = next() & 0xff
          return out
        })
    }
  })

/**
 * A random id: 16 random bytes as 32 lowercase hex characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const id: Effect.Effect<string, never, Randomness> = Effect.gen(function* () {
  const randomness = yield* Randomness
  const bytes = yield* randomness.bytes(16)
  let out = ""
  for (const b of bytes) out += b.toString(16).padStart(2, "0")
  return out
})
