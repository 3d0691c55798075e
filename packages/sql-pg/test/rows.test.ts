/**
 * The clock record cache of `Rows.stored` on texts the database never sends but a damaged row or driver could: a
 * text that extends the cached one into invalid JSON, or with an event out of place, is Corrupt exactly as a full
 * decode says; the cache keeps no more text than its bound.
 */
import { assert, describe, it } from "@effect/vitest"
import { type CaseEvent, Randomness } from "@support-policy/core"
import { Fixtures } from "@support-policy/core/testing"
import { Effect, Result } from "effect"
import * as Rows from "../src/internal/rows.ts"

const clockText = (events: ReadonlyArray<CaseEvent.CaseEvent>) =>
  JSON.stringify(events.map((e) => ({ sequence: e.sequence, data: e })))

const setup = Effect.gen(function* () {
  const input = yield* Fixtures.newCase()
  const more = yield* Fixtures.append(input, { events: 3 })
  const c = { ...input.case, sequence: input.case.sequence + 3 }
  const facts = { ...input.facts, sequence: c.sequence }
  const row = (clock: string): Rows.StoredRow => ({ id: c.id, sequence: c.sequence, data: c, facts, clock })
  return { before: input.clockRecord, after: [...input.clockRecord, ...more.events], row }
}).pipe(Effect.provide(Randomness.layer))

describe("Rows.stored with a clock cache", () => {
  it.effect("decodes an extended text as a full decode does, and a bad extension as Corrupt", () =>
    Effect.gen(function* () {
      const { before, after, row } = yield* setup
      const whole = Rows.stored(row(clockText(after)))
      assert.isTrue(Result.isSuccess(whole))
      const cache = Rows.clockCache()
      const first = Result.getOrThrow(Rows.stored(row(clockText(before)), cache))
      const extended = Rows.stored(row(clockText(after)), cache)
      assert.deepStrictEqual(extended, whole)
      // the cached events were kept, not decoded again
      assert.strictEqual(Result.getOrThrow(extended).clockRecord[0], first.clockRecord[0])
      // the same text again
      assert.deepStrictEqual(Rows.stored(row(clockText(after)), cache), whole)

      const bad = [
        // an empty extension: `[…,]` is not JSON
        `${clockText(before).slice(0, -1)},]`,
        // an extension that is not JSON
        `${clockText(before).slice(0, -1)},{"sequence":`,
        // an extension out of place (an event before the cached ones)
        `${clockText(before).slice(0, -1)},${clockText([{ ...after[after.length - 1], sequence: 1 }]).slice(1)}`
      ]
      for (const text of bad) {
        const primed = Rows.clockCache()
        assert.isTrue(Result.isSuccess(Rows.stored(row(clockText(before)), primed)))
        const cachedResult = Rows.stored(row(text), primed)
        assert.isTrue(Result.isFailure(cachedResult), text)
        assert.deepStrictEqual(cachedResult, Rows.stored(row(text)))
      }
    })
  )

  it.effect("keeps no more text than its bound", () =>
    Effect.gen(function* () {
      const { after, row } = yield* setup
      const text = clockText(after)
      const cache = Rows.clockCache(text.length - 1)
      assert.isTrue(Result.isSuccess(Rows.stored(row(text), cache)))
      assert.strictEqual(cache.entries.size, 0)
      assert.strictEqual(cache.chars, 0)
      const roomy = Rows.clockCache(text.length)
      assert.isTrue(Result.isSuccess(Rows.stored(row(text), roomy)))
      assert.strictEqual(roomy.chars, text.length)
    })
  )
})
