/** What the `CaseStore` contract's test groups share. */
import { assert } from "@effect/vitest"
import { Effect, Option } from "effect"
import type * as Outbox from "../../Outbox.ts"

export const day = 86_400_000
export const hour = 3_600_000

export const sequences = (record: ReadonlyArray<{ readonly sequence: number }>): ReadonlyArray<number> =>
  record.map((e) => e.sequence)

export const range = (from: number, to: number): ReadonlyArray<number> =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

export const absent = (outbox: Outbox.Outbox["Service"], ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) =>
    Effect.map(outbox.get(id), (found) => assert.isTrue(Option.isNone(found), `message ${id} should not exist`))
  )

export const ids = (messages: ReadonlyArray<Outbox.Message>): ReadonlyArray<string> => messages.map((m) => m.id)
