/**
 * The contract of `CaseStore.erase` and `CaseStore.listTallies` (erasure of personal data, clause 7.4), as a test
 * suite every adapter runs against itself: an anonymised case keeps every event's sequence, type and instant while
 * what they say is replaced, its outbox messages are redacted (and the unsent ones given up), its idempotency keys
 * and its old party rows are gone; a deleted case leaves nothing but its tally; a stale or malformed erasure writes
 * nothing. Each test makes its own data with random ids, so the suite can run against a shared, persistent database.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import * as CaseEvent from "../CaseEvent.ts"
import * as CaseStore from "../CaseStore.ts"
import * as Erasure from "../Erasure.ts"
import * as contract from "../internal/contract.ts"
import * as Outbox from "../Outbox.ts"
import type * as SupportCase from "../SupportCase.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

const R = Erasure.redacted
const year = 365 * 86_400_000

/** Every text of an event redacted, the requester's id replaced (what the desk's redaction does, simplified). */
const redactEvent = (e: CaseEvent.CaseEvent, requesterId: string): CaseEvent.CaseEvent => {
  const out: Record<string, unknown> = { ...e }
  for (const key of ["body", "subject"]) if (key in out) out[key] = R
  if (e.actor.id === requesterId) out.actor = { ...e.actor, id: R }
  if (e.type === "submitted") out.requester = { ...e.requester, id: R }
  return out as CaseEvent.CaseEvent
}

const redactCase = (c: SupportCase.SupportCase, sequence: number, at: number): SupportCase.SupportCase => {
  const { email: _email, name: _name, ...requester } = c.requester
  const { orderReference: _order, ...rest } = c
  return {
    ...rest,
    requester: { ...requester, id: R },
    parties: c.parties.map((p) => (p === c.requester.id ? R : p)),
    subject: R,
    ...(c.orderReference === undefined ? {} : { orderReference: R }),
    sequence,
    updatedAt: at
  }
}

const redactMessage =
  (requesterId: string) =>
  (m: Outbox.Message): Outbox.Message => ({
    ...m,
    subject: R,
    body: R,
    recipient:
      m.recipient.id === requesterId ? { id: R, role: m.recipient.role, language: m.recipient.language } : m.recipient
  })

/** A stored case with two events and three messages (one sent), with an idempotency key and a counterparty. */
const seeded = Effect.gen(function* () {
  const store = yield* CaseStore.CaseStore
  const outbox = yield* Outbox.Outbox
  const requesterId = yield* Fixtures.id("requester")
  const idempotency = { key: yield* Fixtures.id("key"), fingerprint: "sha256:aaaa" }
  const input = yield* Fixtures.newCase({
    requesterId,
    full: true,
    idempotency,
    messages: 2,
    counterparties: ["supplier-1"]
  })
  yield* store.create(input)
  const appended = yield* store.append(yield* Fixtures.append(input, { body: "Your order PO-1234 is late." }))
  yield* outbox.markSent(input.outbox[0].id, input.case.openedAt + 1)
  const record = yield* contract.recordOf(store, input.case.id)
  return { input, stored: appended, record, requesterId, idempotency }
})

/**
 * Registers the erasure tests of `CaseStore` in the current test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: CaseStore erasure contract`, layer, (it) => tests(it, options))

/**
 * Registers the same tests with the `it` of a `layer(...)` block that provides the storage ports and `Randomness`.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, _options: Options = {}): void => {
  describe("anonymise", () => {
    it.effect("rewrites what events say, keeps which events happened and when, and redacts the case's messages", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const { input, stored, record, requesterId, idempotency } = yield* seeded
        const at = stored.case.updatedAt + 1000
        const anonymised: CaseEvent.CaseEvent = {
          sequence: stored.case.sequence + 1,
          at,
          actor: { role: "system", id: "support-desk" },
          type: "anonymised",
          basis: "request",
          erasureId: "erasure-1"
        }
        const events = [...record.map((e) => redactEvent(e, requesterId)), anonymised]
        const nextCase = redactCase(stored.case, anonymised.sequence, at)
        const facts = { ...stored.facts, subject: R, sequence: anonymised.sequence, updatedAt: at, anonymised: true }
        const clockRecord = events.map(CaseEvent.withoutText)
        yield* store.erase({
          caseId: input.case.id,
          expectedSequence: stored.case.sequence,
          outcome: {
            _tag: "Anonymise",
            events,
            case: nextCase,
            facts,
            clockRecord,
            message: redactMessage(requesterId)
          }
        })

        // the case, its facts and its clock record are what the erasure gave, the record is rewritten
        const after = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(after.case, nextCase)
        assert.deepStrictEqual(after.facts, facts)
        assert.deepStrictEqual(after.clockRecord, clockRecord)
        const rewritten = yield* contract.recordOf(store, input.case.id)
        assert.deepStrictEqual(rewritten, events)
        assert.deepStrictEqual(
          rewritten.slice(0, record.length).map((e) => [e.sequence, e.type, e.at]),
          record.map((e) => [e.sequence, e.type, e.at])
        )
        // the messages: redacted; the sent one stays sent, the pending ones are given up
        const messages = yield* outbox.listByCase(input.case.id)
        assert.strictEqual(messages.length, 3)
        for (const d of messages) {
          assert.strictEqual(d.message.body, R)
          assert.isUndefined(d.message.recipient.email)
          if (d.message.id === input.outbox[0].id) assert.strictEqual(d.status, "sent")
          else assert.deepStrictEqual([d.status, d.lastError], ["failed", "erased"])
        }
        const claimed = yield* contract.claimAll(outbox, { now: at + year * 100, leaseMillis: 60_000 })
        assert.deepStrictEqual(
          contract.mine(
            claimed,
            messages.map((d) => d.message.id)
          ),
          []
        )
        // the requester no longer finds the case; the idempotency key is gone with their data
        assert.deepStrictEqual(yield* store.listByRequester(requesterId, { limit: 10 }), [])
        assert.deepStrictEqual(yield* store.listByParty(requesterId, { limit: 10 }), [])
        assert.deepStrictEqual(
          (yield* store.listByParty("supplier-1", { limit: 1000 })).filter((c) => c.id === input.case.id),
          [nextCase]
        )
        const retry = yield* Fixtures.newCase({ requesterId, idempotency })
        assert.isTrue((yield* store.create(retry)).created)
        // and the case goes on: an append continues the rewritten record
        const more = yield* store.append(yield* Fixtures.append(after))
        assert.strictEqual(more.case.sequence, events.length + 1)
        assert.strictEqual((yield* contract.recordOf(store, input.case.id)).length, events.length + 1)
      })
    )

    it.effect("refuses a rewrite that changes which events happened or when, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const { input, stored, record, requesterId } = yield* seeded
        const redactedEvents = record.map((e) => redactEvent(e, requesterId))
        const attempt = (events: CaseEvent.Record) =>
          store.erase({
            caseId: input.case.id,
            expectedSequence: stored.case.sequence,
            outcome: {
              _tag: "Anonymise",
              events,
              case: redactCase(stored.case, events.length, stored.case.updatedAt),
              facts: stored.facts,
              clockRecord: stored.clockRecord,
              message: redactMessage(requesterId)
            }
          })
        const moved = redactedEvents.map((e, i) => (i === 1 ? { ...e, at: e.at + 1 } : e))
        assert.include(yield* contract.expectDie(attempt(moved)), "erasure keeps event 2")
        const retyped = redactedEvents.map((e, i) =>
          i === 1 ? ({ ...e, type: "progressUpdated" } as CaseEvent.CaseEvent) : e
        )
        assert.include(yield* contract.expectDie(attempt(retyped)), "erasure keeps event 2")
        assert.include(yield* contract.expectDie(attempt(redactedEvents.slice(0, 1))), "keeps its 2 events")
        // a message redaction that renames the message
        const renaming = store.erase({
          caseId: input.case.id,
          expectedSequence: stored.case.sequence,
          outcome: {
            _tag: "Anonymise",
            events: redactedEvents,
            case: redactCase(stored.case, stored.case.sequence, stored.case.updatedAt),
            facts: stored.facts,
            clockRecord: stored.clockRecord,
            message: (m) => ({ ...m, id: `${m.id}-x` })
          }
        })
        assert.include(yield* contract.expectDie(renaming), "keeps its id")
        const after = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(after, stored)
        assert.deepStrictEqual(yield* contract.recordOf(store, input.case.id), record)
      })
    )

    it.effect(
      "fails a stale erasure with SequenceConflict and an unknown case with CaseNotFound, writing nothing",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const { input, stored, requesterId } = yield* seeded
          const outcome: Erasure.Outcome = {
            _tag: "Anonymise",
            events: input.events.map((e) => redactEvent(e, requesterId)),
            case: redactCase(input.case, 1, input.case.updatedAt),
            facts: input.facts,
            clockRecord: input.clockRecord,
            message: redactMessage(requesterId)
          }
          const stale = yield* Effect.flip(store.erase({ caseId: input.case.id, expectedSequence: 1, outcome }))
          contract.assertError(stale, "SequenceConflict", { caseId: input.case.id, expected: 1, actual: 2 })
          assert.deepStrictEqual(yield* contract.getCase(store, input.case.id), stored)
          const unknown = yield* Fixtures.id("case")
          const missing = yield* Effect.flip(
            store.erase({
              caseId: unknown,
              expectedSequence: 1,
              outcome: { ...outcome, case: { ...outcome.case, id: unknown } }
            })
          )
          contract.assertError(missing, "CaseNotFound", { caseId: unknown })
        })
    )
  })

  describe("delete", () => {
    it.effect("deletes the case and everything that refers to it, and keeps its tally", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const { input, stored, requesterId, idempotency } = yield* seeded
        const tally = yield* Fixtures.tally(input.case.id, { openedAt: input.case.openedAt })
        yield* store.erase({
          caseId: input.case.id,
          expectedSequence: stored.case.sequence,
          outcome: { _tag: "Delete", tally }
        })
        assert.isTrue(Option.isNone(yield* store.get(input.case.id)))
        assert.isTrue(Option.isNone(yield* store.getByTrackingNumber(input.case.trackingNumber)))
        assert.deepStrictEqual(yield* outbox.listByCase(input.case.id), [])
        for (const m of input.outbox) assert.isTrue(Option.isNone(yield* outbox.get(m.id)))
        assert.deepStrictEqual(yield* store.listByRequester(requesterId, { limit: 10 }), [])
        assert.deepStrictEqual(
          (yield* store.listByParty("supplier-1", { limit: 1000 })).filter((c) => c.id === input.case.id),
          []
        )
        assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 0)
        // the key is free again
        assert.isTrue((yield* store.create(yield* Fixtures.newCase({ requesterId, idempotency }))).created)
        const listed = yield* store.listTallies({
          openedFrom: input.case.openedAt,
          openedBefore: input.case.openedAt + 1,
          limit: 1000
        })
        assert.deepStrictEqual(
          listed.filter((t) => t.caseId === input.case.id),
          [tally]
        )
        const again = yield* Effect.flip(
          store.erase({
            caseId: input.case.id,
            expectedSequence: stored.case.sequence,
            outcome: { _tag: "Delete", tally }
          })
        )
        contract.assertError(again, "CaseNotFound", { caseId: input.case.id })
      })
    )

    it.effect("lists tallies by opening instant, then case id, within the bounds given, a page at a time", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        // a range of instants of this test's own, far from every other test's
        const base = Fixtures.baseTime + year + (yield* Fixtures.randomInt(2 ** 31)) * 1000
        const opened = [base + 2, base, base + 1, base + 1]
        const ids: Array<string> = []
        for (const openedAt of opened) {
          const input = yield* Fixtures.newCase({ openedAt })
          yield* store.create(input)
          yield* store.erase({
            caseId: input.case.id,
            expectedSequence: 1,
            outcome: { _tag: "Delete", tally: yield* Fixtures.tally(input.case.id, { openedAt }) }
          })
          ids.push(input.case.id)
        }
        const all = yield* store.listTallies({ openedFrom: base, openedBefore: base + 3, limit: 10 })
        const expected = opened
          .map((openedAt, i) => ({ openedAt, caseId: ids[i] }))
          .sort((a, b) => a.openedAt - b.openedAt || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0))
        assert.deepStrictEqual(
          all.map((t) => [t.openedAt, t.caseId]),
          expected.map((t) => [t.openedAt, t.caseId])
        )
        const firstPage = yield* store.listTallies({ openedFrom: base, openedBefore: base + 3, limit: 2 })
        const last = firstPage[firstPage.length - 1]
        const secondPage = yield* store.listTallies({
          openedFrom: base,
          openedBefore: base + 3,
          limit: 2,
          after: { openedAt: last.openedAt, caseId: last.caseId }
        })
        assert.deepStrictEqual([...firstPage, ...secondPage], all)
        assert.deepStrictEqual(
          (yield* store.listTallies({ openedFrom: base + 1, openedBefore: base + 2, limit: 10 })).map(
            (t) => t.openedAt
          ),
          [base + 1, base + 1]
        )
        assert.include(yield* contract.expectDie(store.listTallies({ limit: -1 })), "limit")
      })
    )
  })
}
