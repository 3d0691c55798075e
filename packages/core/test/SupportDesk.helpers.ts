/**
 * Shared set-up of the SupportDesk scenario tests: the Global Sources preset on the in-memory stores, seeded
 * randomness, people, and instants written as local times at +08:00 (the policy's zone, clause 2.1).
 */
import { assert } from "@effect/vitest"
import { Effect, Exit, type Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { Temporal } from "temporal-polyfill"
import * as Actor from "../src/Actor.ts"
import * as CaseEvent from "../src/CaseEvent.ts"
import * as CaseLifecycle from "../src/CaseLifecycle.ts"
import { CaseStore } from "../src/CaseStore.ts"
import { inClockRecord } from "../src/internal/desk/kernel.ts"
import { Outbox } from "../src/Outbox.ts"
import * as Presets from "../src/Presets.ts"
import * as Randomness from "../src/Randomness.ts"
import * as Sla from "../src/Sla.ts"
import * as SupportDesk from "../src/SupportDesk.ts"

export const policy = Presets.globalSources

/** The orders the desk's `Parties` knows: who may mediate with whom (clause 4.5). */
export const orders = [
  { reference: "PO-1001", buyerId: "buyer-ada", supplierId: "supplier-sun" },
  { reference: "PO-77", buyerId: "buyer-ada", supplierId: "supplier-sun" },
  { reference: "PO-2002", buyerId: "buyer-bob", supplierId: "supplier-lee" }
] as const

/** The desk on fresh memory stores (the preset takes live chat outside hours as an online form: `whenClosed`). */
export const deskLayer = (seed = 42) =>
  SupportDesk.layerMemory(policy, { randomness: Randomness.layerSeeded(seed), orders })

export type DeskServices = Layer.Success<ReturnType<typeof deskLayer>>

/** An instant given as local wall-clock time at +08:00, e.g. `"2025-06-09T10:00"`, in epoch milliseconds. */
export const hk = (local: string): number => Temporal.Instant.from(`${local}+08:00`).epochMilliseconds

/** An instant as local wall-clock time at +08:00, to the minute: `"2025-06-11T10:00"`. */
export const local = (ms: number): string =>
  Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO("+08:00")
    .toPlainDateTime()
    .toString({ smallestUnit: "minute" })

export const setNow = (localTime: string) => TestClock.setTime(hk(localTime))

export const HOUR = 3_600_000

export const buyer = Actor.requester({ id: "buyer-ada", audience: "buyer", email: "ada@example.com", name: "Ada" })
export const otherBuyer = Actor.requester({ id: "buyer-bob", audience: "buyer", email: "bob@example.com" })
export const supplier = Actor.requester({
  id: "supplier-sun",
  audience: "supplier",
  accountManagerId: "am-kim",
  flags: ["dedicatedAccountManager"],
  email: "sun@example.com"
})
export const supplierWithoutManager = Actor.requester({ id: "supplier-lee", audience: "supplier" })
export const agent = Actor.agent("agent-ann")
export const accountManager = Actor.accountManager("am-kim")
export const otherAccountManager = Actor.accountManager("am-joe")
export const administrator = Actor.administrator("admin-max")

const profile = ({ role: _role, ...rest }: Actor.Requester): Actor.RequesterProfile => rest

/** A valid submission by `requester`, with fields overridden. */
export const request = (
  requester: Actor.Requester,
  overrides: Partial<SupportDesk.SubmitInput> = {}
): SupportDesk.SubmitInput => ({
  requester: profile(requester),
  channel: "email",
  category: "consultation",
  subject: "How do I set up my account?",
  description: "I cannot find where to add a second user.",
  language: "en",
  ...overrides
})

/** Submits and returns the new case's tracking number. */
export const submit = (requester: Actor.Requester, overrides: Partial<SupportDesk.SubmitInput> = {}) =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const submission = yield* desk.submit(request(requester, overrides))
    return submission.view.case.trackingNumber
  })

/** The failure of an effect that must fail. */
export const failure = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.flatMap(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return Effect.die(new Error("expected a failure, got a success"))
    const error = Exit.findErrorOption(exit)
    if (error._tag === "None") return Effect.die(new Error(`expected a typed failure, got ${String(exit.cause)}`))
    return Effect.succeed(error.value)
  })

/**
 * The stored case with its whole record (staff view of the store, bypassing authorization). Checks on the way that
 * what the store keeps beside the record is what the record says: the facts are its fold, the clock record its
 * events that move clocks and its SLA alerts (without their texts), and the state's sequence its last.
 */
export const stored = (trackingNumber: string) =>
  Effect.gen(function* () {
    const store = yield* CaseStore
    const found = yield* store.getByTrackingNumber(trackingNumber)
    if (found._tag === "None") return yield* Effect.die(new Error(`no case ${trackingNumber}`))
    const events = yield* store.events(found.value.case.id, { limit: 1_000_000 })
    assert.deepStrictEqual(found.value.facts, CaseLifecycle.factsUnsafe(events), "facts kept beside the record")
    assert.deepStrictEqual(
      found.value.clockRecord,
      // the events that move clocks, SLA alerts, and every move to another version of the policy
      events.filter((e) => inClockRecord(policy, e)).map(CaseEvent.withoutText),
      "clock record kept beside the record"
    )
    assert.strictEqual(found.value.case.sequence, events.length)
    return { ...found.value, events }
  })

/** The outbox messages of a case, oldest first. */
export const messages = (caseId: string) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    return (yield* outbox.listByCase(caseId)).map((d) => d.message)
  })

export const types = (record: CaseEvent.Record): Array<string> => record.map((e) => e.type)

/** The latest clock of a metric, which must exist. */
export const clock = (evaluation: Sla.Evaluation, metric: "firstResponse" | "progressUpdate" | "resolution") => {
  const c = Sla.current(evaluation, metric)
  assert.isDefined(c, `expected a ${metric} clock`)
  return c!
}

/** A note by another writer, appended with the store's optimistic `append` (as a second desk process would). */
export const noteMeanwhile = (inner: CaseStore["Service"], caseId: string, body: string) =>
  Effect.gen(function* () {
    const current = Option.getOrThrow(yield* inner.get(caseId))
    const sequence = current.case.sequence + 1
    const note: CaseEvent.CaseEvent = {
      sequence,
      at: current.case.updatedAt,
      actor: { role: "agent", id: "agent-zed" },
      type: "noteAdded",
      body
    }
    yield* inner.append({
      caseId,
      expectedSequence: current.case.sequence,
      events: [note],
      case: { ...current.case, sequence },
      facts: CaseLifecycle.step(current.facts, note),
      clockEvents: [],
      outbox: []
    })
  }).pipe(Effect.orDie)
