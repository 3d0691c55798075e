/**
 * The Global Sources Support Policy v1.8 preset, clause by clause. Each test is named after the clause it proves;
 * `docs/policy/global-sources.md` maps every bullet of the text to these tests. Clock behaviour of section 6 is
 * proved in `Sla.test.ts` (named after the same clauses); here are the clauses the policy data itself carries.
 */
import { assert, describe, it } from "@effect/vitest"
import { Temporal } from "temporal-polyfill"
import { BusinessCalendar, CaseEvent, Presets, Sla, SupportPolicy } from "../src/index.ts"
import { caseRecord, hk, local } from "./fixtures/slaCases.ts"

const policy = Presets.globalSources
const calendar = SupportPolicy.calendar(policy)
const open = (localTime: string) => BusinessCalendar.isOpen(calendar, Temporal.Instant.from(`${localTime}+08:00`))
const category = (id: string) => policy.categories.find((c) => c.id === id)
const channel = (id: string) => policy.channels.find((c) => c.id === id)!
const triage = (request: SupportPolicy.TriageRequest) => SupportPolicy.triage(policy, request)
const firstResponseDue = (categoryId: string, receivedAt: string) => {
  const priority = triage({ category: categoryId, channel: "email" }).priority
  const plan = Sla.plan(policy, {
    receivedAt: Temporal.Instant.from(`${receivedAt}+08:00`),
    priority,
    category: categoryId,
    channel: "email"
  })
  return local(plan.find((t) => t.metric === "firstResponse")!.due.epochMilliseconds)
}

describe("Presets.globalSources", () => {
  it("identity: Global Sources Support Policy, version 1.8, last updated 2025-04-11", () => {
    assert.strictEqual(policy.id, "global-sources")
    assert.strictEqual(policy.version, "1.8")
    assert.strictEqual(policy.effectiveDate, "2025-04-11")
    assert.strictEqual(policy.title, "Global Sources Support Policy")
  })

  it("Preamble: the services are offered to buyers and suppliers", () => {
    assert.deepStrictEqual(
      policy.audiences.map((a) => [a.id, a.clause]),
      [
        ["buyer", "Preamble"],
        ["supplier", "Preamble"]
      ]
    )
  })

  it("every entry of the preset names a clause of the text", () => {
    const clauses = new Set([
      "Preamble",
      ...[1, 2, 3, 4, 5, 6, 7].flatMap((section) => [1, 2, 3, 4, 5].map((bullet) => `${section}.${bullet}`))
    ])
    const entries = [
      policy.calendar,
      ...policy.audiences,
      ...policy.channels,
      ...policy.categories,
      ...policy.triage,
      ...policy.holds,
      ...policy.sla,
      policy.verification,
      policy.incidents,
      policy.mediation,
      policy.refusal,
      policy.lifecycle,
      policy.tracking,
      policy.retention,
      policy.qualityReview,
      ...policy.notices
    ]
    for (const entry of entries) assert.isTrue(clauses.has(entry.clause), `unknown clause ${entry.clause}`)
  })
})

describe("Scope of service (sections 1, 3, 4, 5): one category per bullet", () => {
  const both = ["buyer", "supplier"]
  const rows: ReadonlyArray<readonly [clause: string, id: string, audiences: ReadonlyArray<string>, priority: string]> =
    [
      ["1.1", "consultation", both, "normal"],
      ["1.2", "account-access", both, "normal"],
      ["1.3", "orders-messages-transactions", both, "normal"],
      ["1.4", "rules-and-policies", both, "normal"],
      ["1.5", "misconduct-fraud-report", both, "high"],
      ["3.1", "technical-diagnosis", both, "normal"],
      ["3.2", "product-uploads", ["supplier"], "normal"],
      ["3.3", "online-exhibition", ["supplier"], "normal"],
      ["3.4", "platform-bugs", both, "high"],
      ["3.5", "data-security", both, "high"],
      ["4.1", "supplier-verification", ["buyer"], "normal"],
      ["4.2", "sourcing-samples-inquiries", ["buyer"], "normal"],
      ["4.3", "order-delivery", ["buyer"], "normal"],
      ["4.4", "buyer-seller-communication", ["buyer"], "normal"],
      ["4.5", "dispute-mediation", ["buyer"], "high"],
      ["5.1", "supplier-onboarding", ["supplier"], "normal"],
      ["5.2", "listing-optimisation", ["supplier"], "normal"],
      ["5.3", "exhibit-promotion", ["supplier"], "normal"],
      ["5.4", "account-manager-visits", ["supplier"], "normal"],
      ["5.5", "multilingual-listings", ["supplier"], "normal"]
    ]

  for (const [clause, id, audiences, priority] of rows) {
    it(`${clause} "${id}" serves ${audiences.join(" and ")} at ${priority} priority`, () => {
      const found = category(id)
      assert.isDefined(found, `no category ${id}`)
      assert.strictEqual(found!.clause, clause)
      assert.deepStrictEqual(found!.audiences, audiences)
      assert.strictEqual(triage({ category: id, channel: "email", audience: audiences[0] }).priority, priority)
    })
  }

  it("the categories are exactly these twenty, one per bullet of sections 1, 3, 4 and 5", () => {
    assert.deepStrictEqual(
      policy.categories.map((c) => c.clause),
      rows.map(([clause]) => clause)
    )
  })

  it("1.5 reports of misconduct and fraud go to trust & safety, even for a requester with an account manager", () => {
    const result = triage({
      category: "misconduct-fraud-report",
      channel: "email",
      requesterFlags: ["dedicatedAccountManager"]
    })
    assert.strictEqual(result.priority, "high")
    assert.deepStrictEqual(result.routeTo, { role: "agent", queue: "trust-and-safety" })
  })

  it("3.4 a report of a platform failure is high priority and gets progress updates (6.2)", () => {
    const plan = Sla.plan(policy, {
      receivedAt: Temporal.Instant.from("2025-06-02T10:00+08:00"),
      priority: triage({ category: "platform-bugs", channel: "online-form" }).priority,
      category: "platform-bugs",
      channel: "online-form"
    })
    assert.include(
      plan.map((t) => t.rule),
      "progress-update"
    )
  })

  it("4.5 buyers may request platform mediation; the mediation awaits the counterparty without pausing the 7 days", () => {
    assert.deepStrictEqual(policy.mediation.audiences, ["buyer"])
    assert.deepStrictEqual(policy.mediation.categories, ["dispute-mediation"])
    const record = caseRecord({ at: "2025-06-02T09:00", category: "dispute-mediation", priority: "high" }, [
      "2025-06-02T10:00",
      "counterpartyContacted"
    ])
    const evaluation = Sla.evaluate(policy, record, hk("2025-06-03T10:00"))
    assert.deepStrictEqual(evaluation.holds, ["awaitingCounterparty"])
    assert.strictEqual(Sla.current(evaluation, "resolution")!.state, "running")
  })

  it("5.4 a supplier's account-manager visit request goes to their account manager", () => {
    const result = triage({
      category: "account-manager-visits",
      channel: "email",
      audience: "supplier",
      requesterFlags: ["dedicatedAccountManager"]
    })
    assert.deepStrictEqual(result.routeTo, { role: "accountManager" })
  })
})

describe("Service hours and channels (section 2)", () => {
  it("2.1 support is available on weekdays from 9:00 to 18:00 (GMT+8)", () => {
    assert.strictEqual(policy.calendar.clause, "2.1")
    assert.strictEqual(policy.calendar.spec.timeZone, "+08:00")
    assert.isTrue(open("2025-06-02T09:00")) // Monday
    assert.isTrue(open("2025-06-06T17:59")) // Friday
    assert.isFalse(open("2025-06-02T08:59"))
    assert.isFalse(open("2025-06-02T18:00"))
    assert.isFalse(open("2025-06-07T10:00")) // Saturday
    assert.isFalse(open("2025-06-08T10:00")) // Sunday
  })

  it("2.1 the business days skip Hong Kong public holidays (from date-holidays, recorded as the source)", () => {
    assert.deepStrictEqual(policy.calendar.holidaySource, {
      kind: "date-holidays",
      country: "HK",
      types: ["public"],
      language: "en",
      years: { from: 2024, to: 2035 }
    })
    assert.isFalse(open("2025-10-01T10:00")) // National Day, a Wednesday
    assert.isFalse(open("2025-04-18T10:00")) // Good Friday
    assert.isFalse(open("2035-12-25T10:00")) // Christmas Day, the last year of the source
    assert.isTrue(open("2025-10-02T10:00"))
    assert.strictEqual(firstResponseDue("consultation", "2025-09-30T17:00"), "2025-10-03T17:00")
  })

  it("2.2 email, online forms and live chat open cases; live chat only in service hours", () => {
    for (const id of ["email", "online-form", "live-chat"]) {
      assert.strictEqual(channel(id).clause, "2.2")
      assert.isTrue(channel(id).opensCase, id)
    }
    assert.strictEqual(channel("email").availability, "always")
    assert.strictEqual(channel("online-form").availability, "always")
    assert.strictEqual(channel("live-chat").availability, "businessHours")
  })

  it("2.3 the self-help centre and FAQ are available 24/7 and do not open a case", () => {
    const selfHelp = channel("self-help-centre")
    assert.strictEqual(selfHelp.clause, "2.3")
    assert.strictEqual(selfHelp.availability, "always")
    assert.isFalse(selfHelp.opensCase)
  })

  it("2.4 priority issues of a requester with a dedicated account manager are expedited through that manager", () => {
    const flagged = { channel: "email", requesterFlags: ["dedicatedAccountManager"] }
    assert.deepStrictEqual(triage({ category: "platform-bugs", ...flagged }).routeTo, { role: "accountManager" })
    // normal-priority issues stay with the agents; without the flag, high priority stays with the agents too
    assert.deepStrictEqual(triage({ category: "consultation", ...flagged }).routeTo, { role: "agent" })
    assert.deepStrictEqual(triage({ category: "platform-bugs", channel: "email" }).routeTo, {
      role: "agent",
      queue: "technical"
    })
    // the account-manager channel is only for requesters who have one
    assert.deepStrictEqual(channel("account-manager").requesterFlags, ["dedicatedAccountManager"])
  })
})

describe("Response and handling (section 6)", () => {
  it("6.1 general inquiries answered within 2 business days", () => {
    const rule = policy.sla.find((r) => r.clause === "6.1")!
    assert.deepStrictEqual([rule.metric, rule.target, rule.appliesTo], ["firstResponse", { businessDays: 2 }, {}])
    assert.strictEqual(firstResponseDue("consultation", "2025-04-11T17:30"), "2025-04-15T17:30")
  })

  it("6.2 high-priority issues receive a progress update within 1 business day, and every business day after", () => {
    const rule = policy.sla.find((r) => r.clause === "6.2")!
    assert.deepStrictEqual(
      [rule.metric, rule.target, rule.appliesTo],
      ["progressUpdate", { businessDays: 1 }, { priorities: ["high"] }]
    )
  })

  it("6.3 all feedback resolved or explained within 7 business days", () => {
    const rule = policy.sla.find((r) => r.clause === "6.3")!
    assert.deepStrictEqual([rule.metric, rule.target, rule.appliesTo], ["resolution", { businessDays: 7 }, {}])
    assert.includeMembers([...rule.stopOn], ["resolved", "explained"])
  })

  it("6.4 tracking numbers and a handling record the requester can follow, without internal notes", () => {
    assert.deepStrictEqual(policy.tracking, { clause: "6.4", prefix: "GS", requesterSeesRecord: true })
    const record = caseRecord(
      { at: "2025-06-02T09:00" },
      ["2025-06-02T10:00", "noteAdded", { body: "check the seller" }],
      ["2025-06-02T11:00", "replied"]
    )
    assert.deepStrictEqual(
      record.filter(CaseEvent.isVisibleToRequester).map((e) => e.type),
      ["submitted", "replied"]
    )
  })

  it("6.5 system-wide incidents are announced, and a linked case's resolution clock waits for the incident", () => {
    assert.deepStrictEqual([policy.incidents.announce, policy.incidents.hold], [true, "incidentLinked"])
    assert.include(policy.sla.find((r) => r.clause === "6.3")!.pauseWhile, "incidentLinked")
  })
})

describe("Miscellaneous (section 7)", () => {
  it("7.1 the policy is versioned: every evaluation names the policy version it applied", () => {
    const evaluation = Sla.evaluate(policy, caseRecord({ at: "2025-06-02T09:00" }), hk("2025-06-02T10:00"))
    assert.deepStrictEqual(evaluation.policy, { id: "global-sources", version: "1.8" })
    assert.strictEqual(
      policy.notices.find((n) => n.clause === "7.1")!.text,
      "Global Sources continuously optimizes and adjusts support services."
    )
  })

  it("7.2 submitted content may be verified: which categories, and the hold that pauses the 7 days", () => {
    assert.strictEqual(policy.verification.clause, "7.2")
    assert.includeMembers(
      [...policy.verification.categories],
      ["misconduct-fraud-report", "supplier-onboarding", "product-uploads"]
    )
    assert.strictEqual(policy.verification.hold, "verificationHold")
    const pausedBy = policy.sla.filter((r) => r.pauseWhile.includes("verificationHold")).map((r) => r.clause)
    assert.deepStrictEqual(pausedBy, ["6.3"])
  })

  it("7.3 abusive or harassing requests may be refused, with reason codes and rate limits that trigger review", () => {
    assert.includeMembers(
      policy.refusal.reasons.map((r) => r.code),
      ["abusive-language", "harassment", "threats"]
    )
    assert.deepStrictEqual(
      policy.refusal.rateLimits.map((r) => [r.measure, r.limit, r.windowHours, r.action]),
      [
        ["casesOpened", 10, 24, "review"],
        ["messagesSent", 30, 1, "review"]
      ]
    )
  })

  it("7.4 support records may be used for quality assessment; records are kept 2 years after closure, then anonymised", () => {
    assert.deepStrictEqual(
      [policy.qualityReview.clause, policy.qualityReview.sampleRate, policy.qualityReview.alwaysReview],
      ["7.4", 0.05, ["breached", "refused", "reopened"]]
    )
    assert.deepStrictEqual(
      [policy.retention.keepClosedCasesForDays, policy.retention.afterwards, policy.retention.legalHoldSuspends],
      [730, "anonymise", true]
    )
  })

  it("7.4 the requester is asked one question on a 1–5 scale within 7 business days of the answer; 1 or 2 is reviewed", () => {
    assert.deepStrictEqual(policy.satisfaction, {
      clause: "7.4",
      question: "How satisfied are you with how we handled your request?",
      scale: { min: 1, max: 5 },
      comment: "optional",
      withinBusinessDays: 7,
      lowRating: { atMost: 2, action: "review" },
      description: "Chosen where the policy is silent; see docs/policy/global-sources.md"
    })
  })

  it("7.5 interpretation of this policy is reserved by Global Sources", () => {
    assert.strictEqual(
      policy.notices.find((n) => n.clause === "7.5")!.text,
      "Interpretation of this policy is reserved by Global Sources."
    )
  })
})
