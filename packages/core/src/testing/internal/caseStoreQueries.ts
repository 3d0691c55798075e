/** The query and value tests of the `CaseStore` contract (`CaseStoreContract.ts`). */
import { assert, describe } from "@effect/vitest"
import { Effect } from "effect"
import * as CaseStore from "../../CaseStore.ts"
import * as contract from "../../internal/contract.ts"
import * as Outbox from "../../Outbox.ts"
import * as Randomness from "../../Randomness.ts"
import type * as SupportCase from "../../SupportCase.ts"
import * as Fixtures from "../Fixtures.ts"
import { day } from "./caseStore.ts"

/** Queries. */
export const queries = (it: contract.It): void => {
  describe("queries", () => {
    partyLists(it)
    clockAndStatusLists(it)
  })
}

/** Queries: the cases of a requester or party, and the current states. */
const partyLists = (it: contract.It): void => {
  it.effect("lists a requester's cases newest first, with paging", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const requesterId = yield* Fixtures.id("requester")
      // two cases share an instant: the id breaks the tie
      const openedAts = [0, 3, 1, 4, 1, 5, 2].map((h) => Fixtures.baseTime + h * 3_600_000)
      const inputs = yield* Effect.forEach(openedAts, (openedAt) => Fixtures.newCase({ requesterId, openedAt }))
      yield* Effect.forEach(inputs, (input) => store.create(input))
      yield* store.create(yield* Fixtures.newCase())
      const expected = inputs
        .map((input) => input.case)
        .sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? 1 : -1))
        .map((c) => c.id)
      const all = yield* store.listByRequester(requesterId, { limit: 100 })
      assert.deepStrictEqual(
        all.map((c) => c.id),
        expected
      )
      const pages = yield* Effect.forEach([0, 3, 6], (offset) =>
        store.listByRequester(requesterId, { limit: 3, offset })
      )
      assert.deepStrictEqual(
        pages.map((p) => p.length),
        [3, 3, 1]
      )
      assert.deepStrictEqual(
        pages.flat().map((c) => c.id),
        expected
      )
      assert.deepStrictEqual(yield* store.listByRequester(requesterId, { limit: 3, offset: 7 }), [])
      assert.deepStrictEqual(yield* store.listByRequester(requesterId, { limit: 0 }), [])
    })
  )

  it.effect("lists the cases a person is a party to, newest first", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const supplier = yield* Fixtures.id("supplier")
      const older = yield* Fixtures.newCase({ counterparties: [supplier], openedAt: Fixtures.baseTime })
      const newer = yield* Fixtures.newCase({ counterparties: [supplier], openedAt: Fixtures.baseTime + day })
      const unrelated = yield* Fixtures.newCase({ openedAt: Fixtures.baseTime + 2 * day })
      yield* Effect.forEach([older, newer, unrelated], (input) => store.create(input))
      const listed = yield* store.listByParty(supplier, { limit: 10 })
      assert.deepStrictEqual(
        listed.map((c) => c.id),
        [newer.case.id, older.case.id]
      )
      assert.deepStrictEqual(
        (yield* store.listByParty(supplier, { limit: 1, offset: 1 })).map((c) => c.id),
        [older.case.id]
      )
      const asRequester = yield* store.listByParty(older.case.requester.id, { limit: 10 })
      assert.deepStrictEqual(
        asRequester.map((c) => c.id),
        [older.case.id]
      )
    })
  )

  it.effect("lists the current state of cases", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const input = yield* Fixtures.newCase()
      yield* store.create(input)
      const change = yield* Fixtures.append(input, { status: "resolved", nextDueAt: null })
      yield* store.append(change)
      const listed = yield* store.listByRequester(input.case.requester.id, { limit: 10 })
      assert.deepStrictEqual(listed, [change.case])
    })
  )
}

/** Queries: the queue by next due instant, the status lists, and counts. */
const clockAndStatusLists = (it: contract.It): void => {
  it.effect("queues cases with a running clock by next due instant, then id, with filters and paging", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      // a priority and a category of this test only, so other data in the store stays out of the queue
      const priority = yield* Fixtures.id("priority")
      const urgent = yield* Fixtures.id("priority")
      const category = yield* Fixtures.id("category")
      const agent = yield* Fixtures.id("agent")
      const t = Fixtures.baseTime
      const specs = [
        { nextDueAt: t + 5 * day, priority },
        { nextDueAt: t + 1 * day, priority, assigneeId: agent },
        { nextDueAt: t + 3 * day, priority, category },
        { nextDueAt: t + 3 * day, priority },
        { nextDueAt: t + 3 * day, priority: urgent, assigneeId: agent },
        { nextDueAt: null, priority },
        { nextDueAt: t + 2 * day, priority: urgent, category }
      ]
      const inputs = yield* Effect.forEach(specs, (spec) => Fixtures.newCase(spec))
      yield* Effect.forEach(inputs, (input) => store.create(input))
      const ordered = inputs
        .map((input) => input.case)
        .filter((c) => c.nextDueAt !== null)
        .sort((a, b) => a.nextDueAt! - b.nextDueAt! || (a.id < b.id ? -1 : 1))
      const both = [priority, urgent]
      const expect = (
        query: Omit<CaseStore.QueueQuery, "limit"> & { readonly limit?: number },
        predicate: (c: SupportCase.SupportCase) => boolean
      ) =>
        Effect.map(store.queue({ limit: 100, ...query }), (queued) =>
          assert.deepStrictEqual(
            queued.map((c) => c.id),
            ordered.filter(predicate).map((c) => c.id),
            JSON.stringify(query)
          )
        )
      yield* expect({ priorities: both }, () => true)
      yield* expect({ priorities: [priority] }, (c) => c.priority === priority)
      yield* expect({ priorities: both, categories: [category] }, (c) => c.category === category)
      yield* expect({ priorities: both, assigneeId: agent }, (c) => c.assignee?.id === agent)
      // dueBefore is inclusive
      yield* expect({ priorities: both, dueBefore: t + 3 * day }, (c) => c.nextDueAt! <= t + 3 * day)
      yield* expect({ priorities: both, dueBefore: t + 3 * day - 1 }, (c) => c.nextDueAt! < t + 3 * day)
      yield* expect({ priorities: [] }, () => false)
      yield* expect({ priorities: both, limit: 2 }, (c) => ordered.indexOf(c) < 2)
      yield* expect({ priorities: both, limit: 2, offset: 1 }, (c) => ordered.indexOf(c) >= 1 && ordered.indexOf(c) < 3)
      // paging with `after` walks the whole queue, ties included
      const walked: Array<string> = []
      let after: CaseStore.QueueQuery["after"]
      for (let page = 0; page < 10; page++) {
        const queued: ReadonlyArray<SupportCase.SupportCase> = yield* store.queue({
          limit: 2,
          priorities: both,
          after
        })
        if (queued.length === 0) break
        assert.isAtMost(queued.length, 2)
        walked.push(...queued.map((c) => c.id))
        const last = queued[queued.length - 1]
        after = { nextDueAt: last.nextDueAt!, id: last.id }
      }
      assert.deepStrictEqual(
        walked,
        ordered.map((c) => c.id)
      )
    })
  )

  it.effect("moves a case in and out of the queue as its next due instant changes", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const priority = yield* Fixtures.id("priority")
      const a = yield* Fixtures.newCase({ priority, nextDueAt: Fixtures.baseTime + day })
      const b = yield* Fixtures.newCase({ priority, nextDueAt: Fixtures.baseTime + 2 * day })
      yield* store.create(a)
      yield* store.create(b)
      const queued = (query: CaseStore.QueueQuery) => Effect.map(store.queue(query), (cs) => cs.map((c) => c.id))
      assert.deepStrictEqual(yield* queued({ limit: 10, priorities: [priority] }), [a.case.id, b.case.id])
      const later = yield* store.append(yield* Fixtures.append(a, { nextDueAt: Fixtures.baseTime + 3 * day }))
      assert.deepStrictEqual(yield* queued({ limit: 10, priorities: [priority] }), [b.case.id, a.case.id])
      yield* store.append(yield* Fixtures.append(later, { status: "resolved", nextDueAt: null }))
      assert.deepStrictEqual(yield* queued({ limit: 10, priorities: [priority] }), [b.case.id])
    })
  )

  it.effect("lists the cases in given statuses by last update, then id, with a bound and paging", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      // a time window of this test only (drawn at random), so other data in the store stays out of the list
      const bytes = yield* Randomness.Randomness.use((r) => r.bytes(4))
      const t = 1_000_000_000_000 + new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) * 10_000
      const specs: ReadonlyArray<{ readonly status: SupportCase.Status; readonly at: number }> = [
        { status: "resolved", at: t + 3 * day },
        { status: "explained", at: t + 1 * day },
        { status: "awaitingRequester", at: t + 2 * day },
        { status: "resolved", at: t + 2 * day },
        { status: "explained", at: t + 2 * day },
        { status: "closed", at: t + 1 * day },
        { status: "resolved", at: t + 5 * day }
      ]
      const cases: Array<SupportCase.SupportCase> = []
      for (const spec of specs) {
        const input = yield* Fixtures.newCase({ openedAt: t, nextDueAt: null })
        yield* store.create(input)
        const written = yield* store.append(
          yield* Fixtures.append(input, { status: spec.status, at: spec.at, messages: 0 })
        )
        cases.push(written.case)
      }
      const ordered = [...cases].sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1))
      // the window starts at t (`after` the position (t, "")) and ends before t + 10 days
      const window = { after: { updatedAt: t, id: "" }, updatedBefore: t + 10 * day }
      const expect = (
        query: Omit<CaseStore.StatusQuery, "limit"> & { readonly limit?: number },
        predicate: (c: SupportCase.SupportCase) => boolean
      ) =>
        Effect.map(store.listByStatus({ limit: 100, ...window, ...query }), (listed) =>
          assert.deepStrictEqual(
            listed.map((c) => c.id),
            ordered.filter(predicate).map((c) => c.id),
            JSON.stringify(query)
          )
        )
      const answered: ReadonlyArray<SupportCase.Status> = ["resolved", "explained"]
      yield* expect({ statuses: answered }, (c) => answered.includes(c.status))
      yield* expect(
        { statuses: ["closed", "awaitingRequester"] },
        (c) => c.status !== "resolved" && c.status !== "explained"
      )
      yield* expect({ statuses: [] }, () => false)
      // updatedBefore is exclusive
      yield* expect(
        { statuses: answered, updatedBefore: t + 2 * day },
        (c) => answered.includes(c.status) && c.updatedAt < t + 2 * day
      )
      yield* expect(
        { statuses: answered, updatedBefore: t + 2 * day + 1 },
        (c) => answered.includes(c.status) && c.updatedAt <= t + 2 * day
      )
      yield* expect({ statuses: answered, limit: 2 }, (c) => {
        const index = ordered.filter((o) => answered.includes(o.status)).indexOf(c)
        return index >= 0 && index < 2
      })
      // paging with `after` walks the whole list, ties included
      const walked: Array<string> = []
      let after: CaseStore.StatusQuery["after"] = window.after
      for (let page = 0; page < 10; page++) {
        const listed: ReadonlyArray<SupportCase.SupportCase> = yield* store.listByStatus({
          statuses: answered,
          updatedBefore: window.updatedBefore,
          limit: 2,
          after
        })
        if (listed.length === 0) break
        assert.isAtMost(listed.length, 2)
        walked.push(...listed.map((c) => c.id))
        const last = listed[listed.length - 1]
        after = { updatedAt: last.updatedAt, id: last.id }
      }
      assert.deepStrictEqual(
        walked,
        ordered.filter((c) => answered.includes(c.status)).map((c) => c.id)
      )
    })
  )

  it.effect("moves a case between status lists as its status and last update change", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const bytes = yield* Randomness.Randomness.use((r) => r.bytes(4))
      const t = 1_000_000_000_000 + new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) * 10_000
      const window = { after: { updatedAt: t, id: "" }, updatedBefore: t + 10 * day, limit: 10 }
      const input = yield* Fixtures.newCase({ openedAt: t, nextDueAt: null })
      yield* store.create(input)
      const listed = (statuses: ReadonlyArray<SupportCase.Status>, updatedBefore = window.updatedBefore) =>
        Effect.map(store.listByStatus({ ...window, statuses, updatedBefore }), (cs) => cs.map((c) => c.id))
      const resolved = yield* store.append(
        yield* Fixtures.append(input, { status: "resolved", at: t + day, messages: 0 })
      )
      assert.deepStrictEqual(yield* listed(["resolved"]), [input.case.id])
      assert.deepStrictEqual(yield* listed(["open"]), [])
      // a later update moves it out of a bound it was in
      yield* store.append(yield* Fixtures.append(resolved, { status: "closed", at: t + 3 * day, messages: 0 }))
      assert.deepStrictEqual(yield* listed(["resolved"]), [])
      assert.deepStrictEqual(yield* listed(["closed"], t + 2 * day), [])
      assert.deepStrictEqual(yield* listed(["closed"]), [input.case.id])
    })
  )

  it.effect("counts the cases a requester opened since an instant, inclusive", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const requesterId = yield* Fixtures.id("requester")
      const t = Fixtures.baseTime
      for (const openedAt of [t - day, t, t + 1, t + day]) {
        yield* store.create(yield* Fixtures.newCase({ requesterId, openedAt }))
      }
      yield* store.create(yield* Fixtures.newCase({ openedAt: t + day }))
      assert.strictEqual(yield* store.countOpenedSince(requesterId, t - day), 4)
      assert.strictEqual(yield* store.countOpenedSince(requesterId, t), 3)
      assert.strictEqual(yield* store.countOpenedSince(requesterId, t + 1), 2)
      assert.strictEqual(yield* store.countOpenedSince(requesterId, t + day + 1), 0)
      assert.strictEqual(yield* store.countOpenedSince(yield* Fixtures.id("nobody"), 0), 0)
    })
  )
}

/** Values. */
export const values = (it: contract.It): void => {
  describe("values", () => {
    it.effect("cannot be changed through a value written or read", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        const expected = structuredClone(input)
        const created = yield* store.create(input)
        contract.tryMutate(
          () => ((input.case as { subject: string }).subject = "changed by the caller"),
          () => (input.case.parties as Array<string>).push("intruder"),
          () => (input.events as Array<unknown>).push(input.events[0]),
          () => ((input.events[0] as { at: number }).at = 0),
          () => ((input.outbox[0] as { subject: string }).subject = "changed by the caller")
        )
        const afterCreate = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(afterCreate.case, expected.case)
        assert.deepStrictEqual(yield* contract.recordOf(store, input.case.id), expected.events)
        const change = yield* Fixtures.append(expected)
        const expectedChange = structuredClone(change)
        yield* store.append(change)
        contract.tryMutate(
          () => ((change.case as { status: string }).status = "closed"),
          () => ((change.events[0] as { body?: string }).body = "changed by the caller"),
          () => ((change.outbox[0] as { subject: string }).subject = "changed by the caller")
        )
        const read = yield* contract.getCase(store, input.case.id)
        const readRecord = yield* contract.recordOf(store, input.case.id)
        contract.tryMutate(
          () => ((created.stored.case as { status: string }).status = "closed"),
          () => ((read.case as { status: string }).status = "closed"),
          () => ((read.facts as { status: string }).status = "closed"),
          () => (read.case.parties as Array<string>).push("intruder"),
          () => (read.clockRecord as Array<unknown>).pop(),
          () => (readRecord as Array<unknown>).pop()
        )
        const listed = yield* store.listByRequester(input.case.requester.id, { limit: 1 })
        contract.tryMutate(() => ((listed[0] as { priority: string }).priority = "changed"))
        const messages = yield* outbox.listByCase(input.case.id)
        contract.tryMutate(
          () => ((messages[0].message as { body: string }).body = "changed"),
          () => ((messages[0] as { status: string }).status = "sent")
        )
        const again = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(again.case, expectedChange.case)
        assert.deepStrictEqual(again.facts, expectedChange.facts)
        assert.deepStrictEqual(again.clockRecord, [...expected.clockRecord, ...expectedChange.clockEvents])
        assert.deepStrictEqual(yield* contract.recordOf(store, input.case.id), [
          ...expected.events,
          ...expectedChange.events
        ])
        const messagesAgain = yield* outbox.listByCase(input.case.id)
        assert.deepStrictEqual(
          messagesAgain.map((d) => d.message),
          [...expected.outbox, ...expectedChange.outbox]
        )
        assert.isTrue(messagesAgain.every((d) => d.status === "pending"))
      })
    )
  })
}
