import { assert, describe, it } from "@effect/vitest"
import * as Actor from "../src/Actor.ts"
import * as Authorization from "../src/Authorization.ts"
import type * as CaseEvent from "../src/CaseEvent.ts"
import * as CaseLifecycle from "../src/CaseLifecycle.ts"
import type * as SupportCase from "../src/SupportCase.ts"

const supportCase: SupportCase.SupportCase = {
  id: "case-1",
  trackingNumber: "GS-0000-00000",
  policyId: "global-sources",
  policyVersion: "1.8",
  requester: { id: "buyer-ada", audience: "buyer", accountManagerId: "am-kim", flags: ["dedicatedAccountManager"] },
  parties: ["buyer-ada", "supplier-sun"],
  channel: "email",
  category: "dispute-mediation",
  priority: "high",
  status: "inMediation",
  subject: "Goods not as described",
  language: "en",
  assignee: { role: "agent", queue: "mediation" },
  openedAt: 0,
  updatedAt: 0,
  sequence: 4,
  nextDueAt: 1
}

const owner = Actor.requester({ id: "buyer-ada", audience: "buyer", accountManagerId: "am-kim" })
const counterparty = Actor.requester({ id: "supplier-sun", audience: "supplier" })
const stranger = Actor.requester({ id: "buyer-bob", audience: "buyer" })
const theirAccountManager = Actor.accountManager("am-kim")
const otherAccountManager = Actor.accountManager("am-joe")
const agent = Actor.agent("agent-ann")
const administrator = Actor.administrator("admin-max")

// The table: for each actor, the actions allowed on the case above, written out in full. `hidden` actors may not know
// the case exists: every denial for them is invisible.
const table: ReadonlyArray<{
  readonly name: string
  readonly actor: Actor.Actor
  readonly hidden: boolean
  readonly allowed: ReadonlyArray<CaseLifecycle.Action>
}> = [
  {
    name: "the requester",
    actor: owner,
    hidden: false,
    allowed: ["view", "respond", "reopen", "close", "requestMediation", "postStatement", "rateSatisfaction"]
  },
  { name: "the other party of the mediation", actor: counterparty, hidden: false, allowed: ["view", "postStatement"] },
  { name: "another requester", actor: stranger, hidden: true, allowed: [] },
  {
    name: "the requester's account manager",
    actor: theirAccountManager,
    hidden: false,
    allowed: [
      "view",
      "reply",
      "progressUpdate",
      "requestInformation",
      "changePriority",
      "assign",
      "resolve",
      "explain",
      "close",
      "addNote"
    ]
  },
  { name: "another account manager", actor: otherAccountManager, hidden: true, allowed: [] },
  {
    name: "an agent",
    actor: agent,
    hidden: false,
    allowed: [
      "view",
      "reply",
      "progressUpdate",
      "requestInformation",
      "changePriority",
      "assign",
      "escalate",
      "holdForVerification",
      "concludeVerification",
      "resolve",
      "explain",
      "refuse",
      "close",
      "addNote",
      "recordMediationOutcome",
      "linkIncident",
      "unlinkIncident",
      "recordQualityReview"
    ]
  },
  {
    name: "an administrator",
    actor: administrator,
    hidden: false,
    allowed: [
      "view",
      "reply",
      "progressUpdate",
      "requestInformation",
      "changePriority",
      "assign",
      "escalate",
      "holdForVerification",
      "concludeVerification",
      "resolve",
      "explain",
      "refuse",
      "reopen",
      "close",
      "addNote",
      "recordMediationOutcome",
      "linkIncident",
      "unlinkIncident",
      "recordQualityReview",
      "placeLegalHold",
      "releaseLegalHold",
      "changePolicyVersion"
    ]
  }
]

describe("Authorization.decide", () => {
  it("covers 26 actions", () => {
    assert.strictEqual(CaseLifecycle.actions.length, 26)
  })

  for (const row of table) {
    for (const action of CaseLifecycle.actions) {
      const expected = row.allowed.includes(action)
      it(`${row.name} ${expected ? "may" : "may not"} ${action}`, () => {
        const decision = Authorization.decide(row.actor, supportCase, action)
        if (expected) {
          assert.deepStrictEqual(decision, { _tag: "Allowed" })
        } else {
          assert.strictEqual(decision._tag, "Denied")
          assert.strictEqual(decision._tag === "Denied" && decision.visible, !row.hidden)
        }
      })
    }
  }

  it("an account manager the case was routed to handles it, though the requester is not theirs", () => {
    const routed: SupportCase.SupportCase = {
      ...supportCase,
      requester: { id: "supplier-lee", audience: "supplier", flags: [] },
      parties: ["supplier-lee"],
      assignee: { role: "accountManager", id: "am-joe" }
    }
    assert.isTrue(Authorization.isAllowed(Authorization.decide(otherAccountManager, routed, "reply")))
    assert.deepStrictEqual(Authorization.decide(theirAccountManager, routed, "view"), {
      _tag: "Denied",
      visible: false,
      reason: "not a case of this account manager"
    })
  })

  it("a requester does not reopen a refused case; an administrator does", () => {
    const refused: SupportCase.SupportCase = { ...supportCase, status: "refused" }
    const decision = Authorization.decide(owner, refused, "reopen")
    assert.strictEqual(decision._tag, "Denied")
    assert.isTrue(decision._tag === "Denied" && decision.visible)
    assert.isTrue(
      Authorization.isAllowed(Authorization.decide(owner, { ...supportCase, status: "resolved" }, "reopen"))
    )
    assert.isTrue(Authorization.isAllowed(Authorization.decide(administrator, refused, "reopen")))
  })
})

describe("Authorization.decideDesk", () => {
  const expected: ReadonlyArray<readonly [string, Actor.Actor, ReadonlyArray<Authorization.DeskAction>]> = [
    ["a requester", owner, []],
    ["an account manager", theirAccountManager, ["viewQueue", "viewAlerts"]],
    [
      "an agent",
      agent,
      [
        "viewQueue",
        "declareIncident",
        "updateIncident",
        "resolveIncident",
        "postAnnouncement",
        "viewQualityReviews",
        "viewReports",
        "viewAlerts"
      ]
    ],
    [
      "an administrator",
      administrator,
      [
        "viewQueue",
        "declareIncident",
        "updateIncident",
        "resolveIncident",
        "postAnnouncement",
        "viewQualityReviews",
        "viewReports",
        "managePolicyVersions",
        "eraseRequester",
        "viewAlerts"
      ]
    ]
  ]
  for (const [name, actor, allowed] of expected) {
    it(`${name} may ${allowed.length === 0 ? "do nothing at the desk level" : allowed.join(", ")}`, () => {
      for (const action of Authorization.DeskAction.literals) {
        assert.strictEqual(
          Authorization.isAllowed(Authorization.decideDesk(actor, action)),
          allowed.includes(action),
          action
        )
      }
    })
  }
})

describe("Authorization.visibleRecord", () => {
  const at = 1_750_000_000_000
  const requesterActor: CaseEvent.Actor = { role: "requester", id: "buyer-ada" }
  const agentActor: CaseEvent.Actor = { role: "agent", id: "agent-ann" }
  const record: CaseEvent.Record = [
    {
      sequence: 1,
      at,
      actor: requesterActor,
      type: "submitted",
      channel: "email",
      category: "dispute-mediation",
      priority: "high",
      audience: "buyer",
      requester: { id: "buyer-ada", flags: [] },
      body: "my private description"
    },
    { sequence: 2, at, actor: agentActor, type: "assigned", to: { role: "agent" } },
    { sequence: 3, at, actor: agentActor, type: "replied", body: "a private answer" },
    { sequence: 4, at, actor: requesterActor, type: "requesterResponded", body: "a private follow-up" },
    { sequence: 5, at, actor: requesterActor, type: "mediationRequested", counterpartyId: "supplier-sun" },
    { sequence: 6, at, actor: agentActor, type: "counterpartyContacted", counterpartyId: "supplier-sun" },
    { sequence: 7, at, actor: agentActor, type: "noteAdded", body: "internal" },
    {
      sequence: 8,
      at,
      actor: { role: "requester", id: "supplier-sun" },
      type: "counterpartyResponded",
      counterpartyId: "supplier-sun",
      body: "statement"
    },
    { sequence: 9, at, actor: requesterActor, type: "requesterResponded", body: "my statement" },
    { sequence: 10, at, actor: agentActor, type: "priorityChanged", from: "high", to: "normal" },
    { sequence: 11, at, actor: agentActor, type: "replied", body: "to both" }
  ]
  const facts = CaseLifecycle.factsUnsafe(record)
  const sequences = (r: CaseEvent.Record) => r.map((e) => e.sequence)
  const all = record.map((e) => e.sequence)

  it("staff read the whole record", () => {
    assert.deepStrictEqual(sequences(Authorization.visibleRecord(agent, supportCase, facts, record)), all)
    assert.deepStrictEqual(sequences(Authorization.visibleRecord(theirAccountManager, supportCase, facts, record)), all)
  })

  it("the requester reads the public record and the counterparty's statements, not notes or routing", () => {
    assert.deepStrictEqual(
      sequences(Authorization.visibleRecord(owner, supportCase, facts, record)),
      [1, 3, 4, 5, 8, 9, 10, 11]
    )
  })

  it("the counterparty reads what is addressed to both parties from the mediation on, never the earlier thread", () => {
    assert.deepStrictEqual(
      sequences(Authorization.visibleRecord(counterparty, supportCase, facts, record)),
      [5, 8, 9, 11]
    )
    assert.deepStrictEqual(Authorization.recordQuery(counterparty, supportCase, facts), { readers: "parties", from: 5 })
  })

  it("anybody else reads nothing", () => {
    assert.deepStrictEqual(Authorization.visibleRecord(stranger, supportCase, facts, record), [])
    assert.isUndefined(Authorization.recordQuery(stranger, supportCase, facts))
  })

  it("the counterparty sees the case without the requester's contact details, subject or assignee", () => {
    const seen = Authorization.visibleCase(counterparty, supportCase)
    assert.deepStrictEqual(seen.requester, {
      id: supportCase.requester.id,
      audience: supportCase.requester.audience,
      flags: []
    })
    assert.strictEqual(seen.subject, "")
    assert.isFalse("assignee" in seen)
    assert.isFalse("assignee" in Authorization.visibleCase(owner, supportCase))
    assert.deepStrictEqual(Authorization.visibleCase(agent, supportCase), supportCase)
  })
})
