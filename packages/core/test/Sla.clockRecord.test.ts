/**
 * The clock record a store keeps beside a case (the events that are not inert under the policy, without their texts:
 * `CaseEvent.withoutText`) evaluates exactly as the whole record, traces included, at every instant: so the desk may
 * evaluate clocks without reading the record. Checked on random records, with the Global Sources preset and with a
 * policy whose clocks name events the preset ignores (notes, assignments).
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { CaseEvent, Presets, Sla, SupportPolicy } from "../src/index.ts"
import { isInert } from "../src/internal/slaEngine.ts"

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A policy whose first-response clock is met by a note too, and whose resolution clock pauses while assigned. */
const noteCounts: SupportPolicy.SupportPolicy = (() => {
  const json = JSON.parse(JSON.stringify(Presets.globalSources))
  json.id = "note-counts"
  json.sla[0].stopOn = [...json.sla[0].stopOn, "noteAdded"]
  return SupportPolicy.makeUnsafe(json)
})()

const policies = [
  { name: "Global Sources preset", policy: Presets.globalSources },
  { name: "a policy whose clocks read notes", policy: noteCounts }
]

const requester = { role: "requester", id: "r" } as const
const agent = { role: "agent", id: "a" } as const

const steps = fc.array(
  fc.record({
    gap: fc.integer({ min: 0, max: 2 * DAY }),
    event: fc.constantFrom<Record<string, unknown>>(
      { type: "replied", body: "a reply to the requester" },
      { type: "progressUpdated", body: "still on it" },
      { type: "informationRequested", body: "which order?" },
      { type: "requesterResponded", body: "PO-1" },
      { type: "noteAdded", body: "internal" },
      { type: "assigned", to: { role: "agent", queue: "general" } },
      { type: "verificationStarted", reason: "documents" },
      { type: "verificationConcluded", outcome: "verified", note: "fine" },
      { type: "incidentLinked", incidentId: "INC-1" },
      { type: "incidentUnlinked", incidentId: "INC-1", reason: "incidentResolved" },
      { type: "priorityChanged", from: "normal", to: "high", reason: "urgent" },
      { type: "categoryChanged", from: "consultation", to: "platform-bugs" },
      { type: "resolved", body: "done" },
      { type: "explained", body: "because", reason: "policy" },
      { type: "reopened", reason: "not done" },
      { type: "refused", reason: "harassment", body: "no" },
      { type: "legalHoldPlaced", reason: "court" },
      { type: "qualityReviewed", rating: 4, note: "good" },
      { type: "closed", reason: "idle" }
    )
  }),
  { maxLength: 40 }
)

describe("the clock record", () => {
  for (const { name, policy } of policies) {
    it(`${name}: evaluates exactly as the whole record, traces included`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2025, 11, 1) }),
          fc.constantFrom("normal", "high"),
          steps,
          fc.integer({ min: 0, max: 10 * DAY }),
          (at, priority, drawn, tail) => {
            let t = at
            const record: Array<CaseEvent.CaseEvent> = [
              {
                sequence: 1,
                at,
                actor: requester,
                type: "submitted",
                channel: "email",
                category: "consultation",
                priority,
                audience: "buyer",
                requester: { id: "r", flags: [] },
                subject: "s",
                body: "the requester's own words"
              }
            ]
            for (const s of drawn) {
              t += s.gap
              record.push({ ...s.event, sequence: record.length + 1, at: t, actor: agent } as CaseEvent.CaseEvent)
            }
            const clockRecord = record.filter((e) => !isInert(policy, e.type)).map(CaseEvent.withoutText)
            for (const now of [at, t, t + tail]) {
              assert.strictEqual(
                JSON.stringify(Sla.evaluate(policy, clockRecord, now)),
                JSON.stringify(Sla.evaluate(policy, record, now))
              )
            }
          }
        ),
        { numRuns: 300 }
      )
    })
  }

  it("keeps no text people wrote", () => {
    const e: CaseEvent.CaseEvent = {
      sequence: 2,
      at: 1,
      actor: agent,
      type: "explained",
      body: "private",
      reason: "private too"
    }
    assert.deepStrictEqual(CaseEvent.withoutText(e), { sequence: 2, at: 1, actor: agent, type: "explained" })
    const refused: CaseEvent.CaseEvent = {
      sequence: 3,
      at: 1,
      actor: agent,
      type: "refused",
      reason: "spam",
      body: "x"
    }
    assert.deepStrictEqual(CaseEvent.withoutText(refused), {
      sequence: 3,
      at: 1,
      actor: agent,
      type: "refused",
      reason: "spam"
    })
    assert.isTrue(isInert(Presets.globalSources, "noteAdded"))
    assert.isFalse(isInert(noteCounts, "noteAdded"))
  })
})
