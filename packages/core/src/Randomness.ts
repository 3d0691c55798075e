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

/**
 * Cryptographically strong randomness from `globalThis.crypto.getRandomValues`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Randomness> = Layer.succeed(Randomness)({
  bytes: (n) => Effect.sync(() => globalThis.crypto.getRandomValues(new Uint8Array(n)))
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
