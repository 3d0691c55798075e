/**
 * The clock record cache of `Rows.stored` on rows the database never sends but a damaged row or driver could: rows
 * after the cached ones that are invalid JSON or out of place are Corrupt exactly as a full decode says; a row whose
 * checks (the first clock row's `xmin`, the last row up to the cached one) no longer match the cache is stale; the
 * cache keeps no more events than its bound.
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
  const before = input.clockRecord
  const last = before[before.length - 1].sequence
  /** The row as the store's read sends it: whole, or the rows after the cached ones with its checks. */
  const row = (clock: string, checks?: { after: number; origin?: string; last?: number }): Rows.StoredRow => ({
    id: c.id,
    sequence: c.sequence,
    data: c,
    facts,
    clock,
    clock_after: checks?.after ?? 0,
    clock_origin: checks?.origin ?? "100",
    clock_last: checks === undefined ? null : (checks.last ?? checks.after)
  })
  return { before, after: [...before, ...more.events], more: more.events, last, row, trackingNumber: c.trackingNumber }
}).pipe(Effect.provide(Randomness.layer))

describe("Rows.stored with a clock cache", () => {
  it.effect("decodes the rows after the cached ones onto them, as a full decode does; bad rows are Corrupt", () =>
    Effect.gen(function* () {
      const { before, after, more, last, row, trackingNumber } = yield* setup
      const whole = Rows.stored(row(clockText(after)))
      assert.isTrue(Result.isSuccess(whole))
      const cache = Rows.clockCache()
      const first = Result.getOrThrow(Rows.stored(row(clockText(before)), cache))
      const known = Rows.clockKnown(cache, { trackingNumber })
      assert.deepStrictEqual(known, { caseId: first.case.id, after: last })
      const extended = Rows.stored(row(clockText(more), { after: last }), cache)
      assert.deepStrictEqual(extended, whole)
      // the cached events were kept, not decoded again
      assert.strictEqual(Result.getOrThrow(extended).clockRecord[0], first.clockRecord[0])
      // nothing new
      const end = after[after.length - 1].sequence
      assert.deepStrictEqual(Rows.stored(row("[]", { after: end }), cache), whole)

      const bad = [
        // not JSON
        `[{"sequence":`,
        // an event out of place (before the cached ones)
        clockText([{ ...more[0], sequence: 1 }])
      ]
      for (const text of bad) {
        const primed = Rows.clockCache()
        assert.isTrue(Result.isSuccess(Rows.stored(row(clockText(before)), primed)))
        const cachedResult = Rows.stored(row(text, { after: last }), primed)
        assert.isTrue(Result.isFailure(cachedResult), text)
        assert.notStrictEqual(Result.isFailure(cachedResult) && cachedResult.failure, Rows.STALE)
      }
    })
  )

  it.effect("is stale when the record was rewritten or shortened, or when it has no such record", () =>
    Effect.gen(function* () {
      const { before, more, last, row } = yield* setup
      const primed = () => {
        const cache = Rows.clockCache()
        assert.isTrue(Result.isSuccess(Rows.stored(row(clockText(before)), cache)))
        return cache
      }
      const stale = (cache: Rows.ClockCache, r: Rows.StoredRow) => {
        const result = Rows.stored(r, cache)
        assert.isTrue(Result.isFailure(result) && result.failure === Rows.STALE)
        // and the case is forgotten: the next read asks for the whole record
        assert.strictEqual(Rows.clockKnown(cache, { id: r.id }), undefined)
      }
      stale(primed(), row(clockText(more), { after: last, origin: "101" })) // rewritten (erasure)
      stale(primed(), row(clockText(more), { after: last, last: last - 1 })) // rows removed at the end
      stale(primed(), row(clockText(more), { after: last + 1 })) // not what this cache holds
      stale(Rows.clockCache(), row(clockText(more), { after: last })) // nothing cached
    })
  )

  it.effect("keeps no more events than its bound", () =>
    Effect.gen(function* () {
      const { after, row } = yield* setup
      const cache = Rows.clockCache(after.length - 1)
      assert.isTrue(Result.isSuccess(Rows.stored(row(clockText(after)), cache)))
      assert.strictEqual(cache.entries.size, 0)
      assert.strictEqual(cache.events, 0)
      const roomy = Rows.clockCache(after.length)
      assert.isTrue(Result.isSuccess(Rows.stored(row(clockText(after)), roomy)))
      assert.strictEqual(roomy.events, after.length)
    })
  )
})
