import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Randomness from "../src/Randomness.ts"

describe("Randomness.layer", () => {
  it.effect("hands out fresh bytes of the length asked, across refills of its pool", () =>
    Effect.gen(function* () {
      const randomness = yield* Randomness.Randomness
      const seen = new Set<string>()
      // 16 bytes × 1,000 draws: the 4 KiB pool is refilled several times, and a draw never straddles two fills
      for (let i = 0; i < 1_000; i++) {
        const bytes = yield* randomness.bytes(16)
        assert.strictEqual(bytes.length, 16)
        seen.add(Buffer.from(bytes).toString("hex"))
      }
      assert.strictEqual(seen.size, 1_000)
      // odd sizes, and one larger than the pool
      for (const n of [1, 7, 33, 4096, 5000]) assert.strictEqual((yield* randomness.bytes(n)).length, n)
      const big = yield* randomness.bytes(5000)
      assert.isAbove(new Set(big).size, 200, "5,000 random bytes take most of the 256 values")
    }).pipe(Effect.provide(Randomness.layer))
  )

  it.effect("each draw is a copy: changing it does not change the next", () =>
    Effect.gen(function* () {
      const randomness = yield* Randomness.Randomness
      const a = yield* randomness.bytes(8)
      a.fill(0)
      const b = yield* randomness.bytes(8)
      assert.notDeepEqual(Array.from(b), [0, 0, 0, 0, 0, 0, 0, 0])
      assert.strictEqual((yield* Randomness.id).length, 32)
    }).pipe(Effect.provide(Randomness.layer))
  )
})
