/**
 * The contract of the console's queries of the `CaseStore` port (`find`, `count`, `getMany`; see `CaseQuery`): views
 * by status, assignee, queue and the other filters, the three orders in both directions with keyset paging across
 * cases without a next due instant, capped counts, and word search in English and Chinese with what a requester may
 * and may not find. Each test keeps to its own data (a category or a word drawn at random), so the suite runs
 * against a shared, persistent database. Part of `StorageContract.suite`.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect } from "effect"
import * as CaseQuery from "../CaseQuery.ts"
import * as CaseStore from "../CaseStore.ts"
import type * as contract from "../internal/contract.ts"
import type * as SupportCase from "../SupportCase.ts"
import * as Fixtures from "./Fixtures.ts"

const day = 86_400_000

/** A lower-case word of this test only (hex from a random id). */
const word = (prefix: string) => Effect.map(Fixtures.id(prefix), (id) => id.replace("-", "").toLowerCase())

/**
 * Registers the tests of the console's queries.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It): void => {
  describe("console queries", () => {
    it.effect("filters by status, assignee, queue, priority, party, account manager and instants", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const category = yield* Fixtures.id("category")
        const agent = yield* Fixtures.id("agent")
        const manager = yield* Fixtures.id("am")
        const party = yield* Fixtures.id("party")
        const t = Fixtures.baseTime
        const specs: ReadonlyArray<Fixtures.NewCaseOptions> = [
          { status: "open", assigneeId: agent, queue: "billing", openedAt: t },
          { status: "open", openedAt: t + 1, priority: "high" },
          { status: "awaitingRequester", queue: "billing", openedAt: t + 2, nextDueAt: null },
          { status: "resolved", assigneeId: agent, openedAt: t + 3, nextDueAt: null, counterparties: [party] },
          { status: "closed", openedAt: t + 4, nextDueAt: null, accountManagerId: manager },
          { status: "open", assigneeId: manager, assigneeRole: "accountManager", openedAt: t + 5 }
        ]
        const cases: Array<SupportCase.SupportCase> = []
        for (const spec of specs) {
          const input = yield* Fixtures.newCase({ ...spec, category })
          yield* store.create(input)
          cases.push(input.case)
        }
        const ids = (indexes: ReadonlyArray<number>) => indexes.map((i) => cases[i].id)
        const expect = (filter: CaseQuery.Filter, indexes: ReadonlyArray<number>) =>
          Effect.gen(function* () {
            const found = yield* store.find({
              ...filter,
              categories: [category],
              sort: "received",
              order: "asc",
              limit: 100
            })
            assert.deepStrictEqual(
              found.map((c) => c.id),
              ids(indexes),
              JSON.stringify(filter)
            )
            assert.strictEqual(yield* store.count({ ...filter, categories: [category] }, 100), indexes.length)
          })
        yield* expect({}, [0, 1, 2, 3, 4, 5])
        yield* expect({ statuses: ["open", "awaitingRequester"] }, [0, 1, 2, 5])
        yield* expect({ statuses: [] }, [])
        yield* expect({ assignee: agent }, [0, 3])
        yield* expect({ assignee: null }, [1, 2, 4])
        yield* expect({ statuses: ["open"], assignee: null }, [1])
        yield* expect({ queues: ["billing"] }, [0, 2])
        yield* expect({ priorities: ["high"] }, [1])
        yield* expect({ channels: ["online-form"] }, [0, 1, 2, 3, 4, 5])
        yield* expect({ channels: ["email"] }, [])
        yield* expect({ partyId: party }, [3])
        yield* expect({ accountManagerId: manager }, [4, 5])
        yield* expect({ openedBefore: t + 2 }, [0, 1])
        // counts stop at their limit
        assert.strictEqual(yield* store.count({ categories: [category] }, 4), 4)
        assert.strictEqual(yield* store.count({ categories: [category] }, 0), 0)
      })
    )

    it.effect("orders by due (no due instant last), update and receipt, both ways, and pages through every case", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const category = yield* Fixtures.id("category")
        const t = Fixtures.baseTime
        // [opened, next due, updated]: two share a due instant, two have none
        const specs = [
          { openedAt: t, nextDueAt: t + 3 * day, updated: t + 10 },
          { openedAt: t + 1, nextDueAt: t + 1 * day, updated: t + 40 },
          { openedAt: t + 2, nextDueAt: null, updated: t + 20 },
          { openedAt: t + 3, nextDueAt: t + 3 * day, updated: t + 30 },
          { openedAt: t + 4, nextDueAt: null, updated: t + 50 },
          { openedAt: t + 5, nextDueAt: t + 2 * day, updated: t + 60 }
        ]
        const cases: Array<SupportCase.SupportCase> = []
        for (const spec of specs) {
          const input = yield* Fixtures.newCase({ category, openedAt: spec.openedAt, nextDueAt: spec.nextDueAt })
          yield* store.create(input)
          const written = yield* store.append(
            yield* Fixtures.append(input, { at: spec.updated, messages: 0, nextDueAt: spec.nextDueAt })
          )
          cases.push(written.case)
        }
        const byId = (a: SupportCase.SupportCase, b: SupportCase.SupportCase) => (a.id < b.id ? -1 : 1)
        const tie = [cases[0], cases[3]].sort(byId)
        const noDue = [cases[2], cases[4]].sort(byId)
        const expected: Record<string, ReadonlyArray<SupportCase.SupportCase>> = {
          "due asc": [cases[1], cases[5], ...tie, ...noDue],
          "due desc": [...[...tie].reverse(), cases[5], cases[1], ...[...noDue].reverse()],
          "updated asc": [0, 2, 3, 1, 4, 5].map((i) => cases[i]),
          "updated desc": [5, 4, 1, 3, 2, 0].map((i) => cases[i]),
          "received asc": [0, 1, 2, 3, 4, 5].map((i) => cases[i]),
          "received desc": [5, 4, 3, 2, 1, 0].map((i) => cases[i])
        }
        for (const [name, want] of Object.entries(expected)) {
          const [sort, order] = name.split(" ") as [CaseQuery.Sort, CaseQuery.Order]
          const all = yield* store.find({ categories: [category], sort, order, limit: 100 })
          assert.deepStrictEqual(
            all.map((c) => c.id),
            want.map((c) => c.id),
            name
          )
          // two at a time, with the cursor of the last case seen
          const walked: Array<string> = []
          let after: CaseQuery.Cursor | undefined
          for (let page = 0; page < 10; page++) {
            const found: ReadonlyArray<SupportCase.SupportCase> = yield* store.find({
              categories: [category],
              sort,
              order,
              limit: 2,
              after
            })
            if (found.length === 0) break
            assert.isAtMost(found.length, 2)
            walked.push(...found.map((c) => c.id))
            after = CaseQuery.cursorOf(found[found.length - 1], sort)
          }
          assert.deepStrictEqual(
            walked,
            want.map((c) => c.id),
            `${name}, paged`
          )
        }
        // updatedSince is inclusive
        const recent = yield* store.find({
          categories: [category],
          updatedSince: t + 40,
          sort: "updated",
          order: "asc",
          limit: 10
        })
        assert.deepStrictEqual(
          recent.map((c) => c.id),
          [1, 4, 5].map((i) => cases[i].id)
        )
      })
    )

    it.effect("finds words of the subject, description, messages and people, in English and Chinese", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const tag = yield* word("w")
        const order = `PO-${tag.slice(0, 8).toUpperCase()}`
        const english = yield* Fixtures.newCase({
          subject: `Parcel ${tag} stuck in Customs`,
          description: "The shipment for our LED panels has been held for five days.",
          orderReference: order,
          requesterName: "Chen Wei",
          requesterEmail: `chen.${tag}@example.com`
        })
        const chinese = yield* Fixtures.newCase({
          subject: `订单 ${tag} 没有发货`,
          description: "我们上周下的斑马石英台面订单还没有发货，请帮忙查一下。"
        })
        const other = yield* Fixtures.newCase({
          subject: `Invoice ${tag}`,
          description: "Please send a 50% deposit invoice."
        })
        for (const input of [english, chinese, other]) yield* store.create(input)
        // a reply and an internal note on the English case
        const replied = yield* store.append(
          yield* Fixtures.append(english, { body: "The carrier confirmed the release this morning.", messages: 0 })
        )
        yield* store.append(
          yield* Fixtures.append(replied, {
            type: "noteAdded",
            body: "Supplier promised a refund 退款 by Friday",
            messages: 0
          })
        )
        const found = (q: string, scope: CaseQuery.Scope = "staff") =>
          Effect.map(
            store.find({
              text: { terms: CaseQuery.terms(`${tag} ${q}`), scope },
              sort: "received",
              order: "asc",
              limit: 10
            }),
            // the three were received at the same instant: by id
            (cases) => cases.map((c) => c.id)
          )
        const E = english.case.id
        const C = chinese.case.id
        const O = other.case.id
        assert.deepStrictEqual(yield* found(""), [E, C, O].sort())
        assert.deepStrictEqual(yield* found("custom"), [E]) // a part of a word, any case
        assert.deepStrictEqual(yield* found("ＣＵＳＴＯＭＳ"), [E]) // full-width letters
        assert.deepStrictEqual(yield* found("led panels held"), [E]) // every word, anywhere
        assert.deepStrictEqual(yield* found("led invoice"), [])
        assert.deepStrictEqual(yield* found(order.toLowerCase()), [E]) // the order reference
        assert.deepStrictEqual(yield* found(english.case.trackingNumber), [E])
        assert.deepStrictEqual(yield* found("release"), [E]) // a reply
        assert.deepStrictEqual(yield* found("chen wei"), [E]) // the requester's name and email
        assert.deepStrictEqual(yield* found(`chen.${tag}@`), [E])
        assert.deepStrictEqual(yield* found("refund"), [E]) // an internal note
        assert.deepStrictEqual(yield* found("斑马石英"), [C])
        assert.deepStrictEqual(yield* found("发货"), [C]) // two characters
        assert.deepStrictEqual(yield* found("货"), [C]) // one character
        assert.deepStrictEqual(yield* found("退款"), [E]) // Chinese in a note
        assert.deepStrictEqual(yield* found("石台"), []) // characters present, not together
        assert.deepStrictEqual(yield* found("50%"), [O]) // LIKE's wildcards are plain characters
        assert.deepStrictEqual(yield* found("5_%"), [])
        // a requester finds the public text only: not the internal note, not the people part
        assert.deepStrictEqual(yield* found("release", "requester"), [E])
        assert.deepStrictEqual(yield* found("refund", "requester"), [])
        assert.deepStrictEqual(yield* found("退款", "requester"), [])
        assert.deepStrictEqual(yield* found("chen", "requester"), [])
        assert.strictEqual(yield* store.count({ text: { terms: CaseQuery.terms(tag), scope: "staff" } }, 10), 3)
      })
    )

    it.effect("forgets the requester's name and email once the case no longer holds them (anonymisation)", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const tag = yield* word("w")
        const input = yield* Fixtures.newCase({ requesterName: `Ada ${tag}`, requesterEmail: "ada@example.com" })
        yield* store.create(input)
        const found = (q: string) =>
          Effect.map(
            store.find({
              text: { terms: CaseQuery.terms(q), scope: "staff" },
              sort: "received",
              order: "asc",
              limit: 5
            }),
            (cases) => cases.map((c) => c.id)
          )
        assert.deepStrictEqual(yield* found(tag), [input.case.id])
        const { name: _, email: __, ...anonymous } = input.case.requester
        yield* store.append(yield* Fixtures.append(input, { requester: anonymous, messages: 0 }))
        assert.deepStrictEqual(yield* found(tag), [])
      })
    )

    it.effect("reads several cases with their records, in the order asked, leaving out unknown ids", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const a = yield* Fixtures.newCase()
        const b = yield* Fixtures.newCase()
        yield* store.create(a)
        yield* store.create(b)
        const unknown = yield* Fixtures.id("case")
        const many = yield* store.getMany([b.case.id, unknown, a.case.id])
        assert.deepStrictEqual(
          many.map((s) => s.case.id),
          [b.case.id, a.case.id]
        )
        assert.deepStrictEqual(many[0].events, b.events)
        assert.deepStrictEqual(yield* store.getMany([]), [])
      })
    )
  })
}
