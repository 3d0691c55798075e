import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import type * as CaseEvent from "../src/CaseEvent.ts"
import * as CaseLifecycle from "../src/CaseLifecycle.ts"
import * as SupportCase from "../src/SupportCase.ts"

type Draft = CaseEvent.CaseEvent extends infer E
  ? E extends unknown
    ? Omit<E, "sequence" | "at" | "actor">
    : never
  : never

const t0 = 1_750_000_000_000
const agent: CaseEvent.Actor = { role: "agent", id: "agent-ann" }

/** A record from drafts: sequence 1, 2, …, one minute apart, all by an agent except the submission. */
const recordOf = (drafts: ReadonlyArray<Draft>): CaseEvent.Record =>
  [
    {
      type: "submitted",
      channel: "email",
      category: "order-delivery",
      priority: "normal",
      audience: "buyer",
      requester: { id: "buyer-ada", flags: [] },
      subject: "Late order"
    } as Draft,
    ...drafts
  ].map(
    (d, i) =>
      ({
        ...d,
        sequence: i + 1,
        at: t0 + i * 60_000,
        actor: i === 0 ? { role: "requester", id: "buyer-ada" } : agent
      }) as CaseEvent.CaseEvent
  )

const identity: CaseLifecycle.Identity = {
  id: "case-1",
  trackingNumber: "GS-0000-00000",
  policyId: "global-sources",
  policyVersion: "1.8",
  requester: { id: "buyer-ada", audience: "buyer", flags: [] },
  language: "en",
  orderReference: "PO-1"
}

describe("CaseLifecycle.foldUnsafe", () => {
  // each step appends one event; the status after it, written out
  const steps: ReadonlyArray<readonly [Draft, SupportCase.Status]> = [
    [{ type: "informationRequested", body: "?" }, "awaitingRequester"],
    [{ type: "verificationStarted" }, "onHold"],
    [{ type: "verificationConcluded", outcome: "verified" }, "awaitingRequester"],
    [{ type: "requesterResponded", body: "!" }, "open"],
    [{ type: "mediationRequested", counterpartyId: "supplier-sun" }, "inMediation"],
    [{ type: "incidentLinked", incidentId: "inc-1" }, "inMediation"],
    [{ type: "mediationConcluded", outcome: "settled" }, "open"],
    [{ type: "resolved", body: "done" }, "resolved"],
    [{ type: "reopened" }, "open"],
    [{ type: "explained", body: "why" }, "explained"],
    [{ type: "closed" }, "closed"]
  ]

  it("folds each prefix of a record into the status the record says", () => {
    const drafts: Array<Draft> = []
    for (const [draft, status] of steps) {
      drafts.push(draft)
      const record = recordOf(drafts)
      assert.strictEqual(CaseLifecycle.factsUnsafe(record).status, status, `after ${draft.type}`)
    }
  })

  it("keeps parties, links, answers and reopenings, and gives a state the SupportCase schema accepts", () => {
    const record = recordOf(steps.slice(0, 9).map(([d]) => d))
    const facts = CaseLifecycle.factsUnsafe(record)
    assert.deepStrictEqual(facts.parties, ["buyer-ada", "supplier-sun"])
    assert.deepStrictEqual(facts.linkedIncidents, ["inc-1"])
    assert.strictEqual(facts.reopenCount, 1)
    assert.isUndefined(facts.answeredAt)
    assert.strictEqual(facts.counterpartyId, "supplier-sun")

    const answered = CaseLifecycle.factsUnsafe(recordOf(steps.slice(0, 8).map(([d]) => d)))
    assert.strictEqual(answered.answeredAt, t0 + 8 * 60_000)

    const state = CaseLifecycle.foldUnsafe(identity, record, t0 + 99)
    const decoded = Schema.decodeUnknownSync(SupportCase.SupportCase)(state)
    assert.deepStrictEqual(decoded, state)
    assert.strictEqual(state.sequence, 10)
    assert.strictEqual(state.updatedAt, t0 + 9 * 60_000)
    assert.strictEqual(state.openedAt, t0)
    assert.strictEqual(state.subject, "Late order")
    assert.strictEqual(state.nextDueAt, t0 + 99)
  })

  it("a priority change, a category change and an assignment show in the state", () => {
    const state = CaseLifecycle.foldUnsafe(
      identity,
      recordOf([
        { type: "priorityChanged", from: "normal", to: "high" },
        { type: "categoryChanged", from: "order-delivery", to: "dispute-mediation" },
        { type: "assigned", to: { role: "agent", id: "agent-ann" } },
        { type: "escalated", to: { role: "accountManager", id: "am-kim" } }
      ]),
      null
    )
    assert.deepStrictEqual(
      [state.priority, state.category, state.assignee],
      ["high", "dispute-mediation", { role: "accountManager", id: "am-kim" }]
    )
  })

  it("refuses a record that does not start with a submission", () => {
    assert.throws(() => CaseLifecycle.factsUnsafe([]), /starts with a "submitted" event/)
  })
})

describe("CaseLifecycle.allowedIn", () => {
  it("answers and closes only what the policy lets it", () => {
    const table: ReadonlyArray<readonly [CaseLifecycle.Action, ReadonlyArray<SupportCase.Status>]> = [
      ["resolve", ["open", "awaitingRequester"]],
      ["close", ["awaitingRequester", "resolved", "explained", "refused"]],
      ["reopen", ["resolved", "explained", "refused"]],
      ["concludeVerification", ["onHold"]],
      ["postStatement", ["inMediation"]],
      ["view", ["open", "awaitingRequester", "onHold", "inMediation", "resolved", "explained", "refused", "closed"]]
    ]
    for (const [action, statuses] of table) {
      for (const status of SupportCase.Status.literals) {
        assert.strictEqual(CaseLifecycle.isAllowed(status, action), statuses.includes(status), `${action} in ${status}`)
      }
    }
  })
})
