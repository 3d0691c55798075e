/**
 * SLA reports (clause 7.4) from handling records: a seeded week of cases with known outcomes gives known numbers,
 * per category and per week, and as CSV.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Reports from "../src/Reports.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import {
  administrator,
  agent,
  buyer,
  deskLayer,
  failure,
  HOUR,
  hk,
  policy,
  setNow,
  submit
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

/**
 * Week of Monday 9 June 2025 (service hours 09:00–18:00, +08:00):
 * - A (consultation): received Mon 10:00, replied 13:00 (3 h), resolved Tue 10:00 (9 business hours);
 * - B (order delivery): received Mon 10:00, first response breached Wed 10:00, replied Thu 10:00 (27 h), resolved
 *   Thu 11:00 (28 h);
 * - C (platform bug, high priority): received Tue 10:00, replied 11:00 (1 h: first response and the first progress
 *   update met), the next update breached Wed 11:00; still open (resolution due Thu 19 June 10:00);
 * - D (consultation): received Wed 09:00, refused 10:00;
 * - E (consultation), the week after: received Mon 16 June 10:00, replied 11:00.
 */
const seed = Effect.gen(function* () {
  const desk = yield* Desk
  yield* setNow("2025-06-09T10:00")
  const a = yield* submit(buyer, { category: "consultation", subject: "A" })
  const b = yield* submit(buyer, { category: "order-delivery", subject: "B" })
  yield* setNow("2025-06-09T13:00")
  yield* desk.reply(agent, a, { body: "Here is how." })
  yield* setNow("2025-06-10T10:00")
  yield* desk.resolve(agent, a, { body: "Done." })
  const c = yield* submit(buyer, { category: "platform-bugs", subject: "C" })
  yield* setNow("2025-06-10T11:00")
  yield* desk.reply(agent, c, { body: "We are on it." })
  yield* setNow("2025-06-11T09:00")
  const d = yield* submit(buyer, { category: "consultation", subject: "D" })
  yield* setNow("2025-06-11T10:00")
  yield* desk.refuse(agent, d, { reason: "abusive-language" })
  yield* setNow("2025-06-12T10:00")
  yield* desk.reply(agent, b, { body: "Sorry for the wait." })
  yield* setNow("2025-06-12T11:00")
  yield* desk.resolve(agent, b, { body: "Shipped." })
  yield* setNow("2025-06-16T10:00")
  const e = yield* submit(buyer, { category: "consultation", subject: "E" })
  yield* setNow("2025-06-16T11:00")
  yield* desk.reply(agent, e, { body: "Yes." })
  yield* setNow("2025-06-23T09:00")
})

const figures = (group: Reports.Group, metric: string) => {
  const found = group.metrics.find((m) => m.metric === metric)
  assert.isDefined(found, metric)
  const { metric: _, ...rest } = found!
  return rest
}

const none = { counted: 0, met: 0, breached: 0, refused: 0, attainment: null, timed: 0 }
const empty = { ...none, medianBusinessMs: null, p90BusinessMs: null }

describe("Reports: SLA reports from handling records", () => {
  it.effect("by category: counted, met, breached, refused, attainment, median and p90 business time, backlog", () =>
    Effect.gen(function* () {
      yield* seed
      const desk = yield* Desk
      const report = yield* desk.slaReport(agent, {
        from: hk("2025-06-09T00:00"),
        to: hk("2025-06-16T00:00"),
        groupBy: "category"
      })
      assert.strictEqual(report.cases, 4)
      assert.deepStrictEqual(
        report.groups.map((g) => [g.key, g.backlog]),
        [
          ["consultation", 0],
          ["order-delivery", 0],
          ["platform-bugs", 1]
        ]
      )
      // labels are the policy's names
      assert.deepStrictEqual(
        report.groups.map((g) => g.label),
        report.groups.map((g) => policy.categories.find((c) => c.id === g.key)!.name)
      )
      assert.notStrictEqual(report.groups[0].label, report.groups[0].key)
      const [consultation, delivery, bugs] = report.groups
      assert.deepStrictEqual(figures(consultation, "firstResponse"), {
        counted: 2,
        met: 1,
        breached: 0,
        refused: 1,
        attainment: 1,
        timed: 1,
        medianBusinessMs: 3 * HOUR,
        p90BusinessMs: 3 * HOUR
      })
      assert.deepStrictEqual(figures(consultation, "resolution"), {
        counted: 2,
        met: 1,
        breached: 0,
        refused: 1,
        attainment: 1,
        timed: 1,
        medianBusinessMs: 9 * HOUR,
        p90BusinessMs: 9 * HOUR
      })
      assert.deepStrictEqual(figures(consultation, "progressUpdate"), empty)
      assert.deepStrictEqual(figures(delivery, "firstResponse"), {
        counted: 1,
        met: 0,
        breached: 1,
        refused: 0,
        attainment: 0,
        timed: 1,
        medianBusinessMs: 27 * HOUR,
        p90BusinessMs: 27 * HOUR
      })
      assert.deepStrictEqual(figures(delivery, "resolution"), {
        counted: 1,
        met: 1,
        breached: 0,
        refused: 0,
        attainment: 1,
        timed: 1,
        medianBusinessMs: 28 * HOUR,
        p90BusinessMs: 28 * HOUR
      })
      assert.deepStrictEqual(figures(bugs, "progressUpdate"), {
        counted: 2,
        met: 1,
        breached: 1,
        refused: 0,
        attainment: 0.5,
        timed: 1,
        medianBusinessMs: HOUR,
        p90BusinessMs: HOUR
      })
      assert.deepStrictEqual(figures(bugs, "resolution"), empty)
      // the totals: three first-response times 1 h, 3 h, 27 h: median 3 h, p90 27 h (nearest rank)
      assert.deepStrictEqual(figures(report.total, "firstResponse"), {
        counted: 4,
        met: 2,
        breached: 1,
        refused: 1,
        attainment: 2 / 3,
        timed: 3,
        medianBusinessMs: 3 * HOUR,
        p90BusinessMs: 27 * HOUR
      })
      assert.deepStrictEqual(figures(report.total, "resolution"), {
        counted: 3,
        met: 2,
        breached: 0,
        refused: 1,
        attainment: 1,
        timed: 2,
        medianBusinessMs: 9 * HOUR,
        p90BusinessMs: 28 * HOUR
      })
      assert.strictEqual(report.total.backlog, 1)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("by week: every week of the period, decided when the clock was decided, backlog at each week's end", () =>
    Effect.gen(function* () {
      yield* seed
      const desk = yield* Desk
      const report = yield* desk.slaReport(administrator, {
        from: hk("2025-06-09T00:00"),
        to: hk("2025-06-23T00:00"),
        groupBy: "week"
      })
      assert.deepStrictEqual(
        report.groups.map((g) => [g.key, g.backlog]),
        [
          ["2025-06-09", 1],
          ["2025-06-16", 2]
        ]
      )
      const [first, second] = report.groups
      assert.deepStrictEqual(figures(first, "firstResponse"), {
        counted: 4,
        met: 2,
        breached: 1,
        refused: 1,
        attainment: 2 / 3,
        timed: 3,
        medianBusinessMs: 3 * HOUR,
        p90BusinessMs: 27 * HOUR
      })
      assert.deepStrictEqual(figures(second, "firstResponse"), {
        counted: 1,
        met: 1,
        breached: 0,
        refused: 0,
        attainment: 1,
        timed: 1,
        medianBusinessMs: HOUR,
        p90BusinessMs: HOUR
      })
      // C's resolution breached on Thursday 19 June, 10:00: in the second week
      assert.deepStrictEqual(figures(second, "resolution"), {
        ...empty,
        counted: 1,
        breached: 1,
        attainment: 0
      })
      assert.strictEqual(report.total.backlog, 2)
      assert.strictEqual(report.cases, 5)

      const csv = Reports.toCsv(report)
      const lines = csv.trimEnd().split("\r\n")
      assert.strictEqual(
        lines[0],
        "week,label,metric,counted,met,breached,refused,attainment_percent,timed,median_business_hours,p90_business_hours,backlog_at_end,satisfaction_rated,satisfaction_average,satisfaction_low"
      )
      assert.include(lines, "2025-06-09,2025-06-09,firstResponse,4,2,1,1,66.7,3,3.00,27.00,1,0,,0")
      assert.include(lines, "2025-06-16,2025-06-16,resolution,1,0,1,0,0.0,0,,,2,0,,0")
      assert.include(lines, "total,Total,resolution,4,2,1,1,66.7,2,9.00,28.00,2,0,,0")
      assert.lengthOf(lines, 1 + 3 * 3)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("satisfaction: the ratings given in the period, grouped as of the rating, low by the case's policy", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const a = yield* submit(buyer, { category: "consultation", subject: "A" })
      const b = yield* submit(buyer, { category: "order-delivery", subject: "B" })
      const c = yield* submit(buyer, { category: "consultation", subject: "C" })
      yield* setNow("2025-06-09T11:00")
      for (const tn of [a, b, c]) yield* desk.resolve(agent, tn, { body: "Done." })
      yield* setNow("2025-06-09T12:00")
      yield* desk.rateSatisfaction(buyer, a, { rating: 5 })
      // the preset's low rating: 2 or less
      yield* desk.rateSatisfaction(buyer, b, { rating: 1 })
      yield* setNow("2025-06-17T10:00")
      yield* desk.rateSatisfaction(buyer, c, { rating: 2 })
      yield* setNow("2025-06-23T09:00")

      const first = yield* desk.slaReport(agent, {
        from: hk("2025-06-09T00:00"),
        to: hk("2025-06-16T00:00"),
        groupBy: "category"
      })
      /** The counts of the scores 1 to 5, as the report's distribution. */
      const dist = (...counts: ReadonlyArray<number>) => counts.map((count, i) => ({ rating: i + 1, count }))
      assert.deepStrictEqual(
        first.groups.map((g) => [g.key, g.satisfaction]),
        [
          ["consultation", { rated: 1, average: 5, low: 0, distribution: dist(0, 0, 0, 0, 1) }],
          ["order-delivery", { rated: 1, average: 1, low: 1, distribution: dist(1, 0, 0, 0, 0) }]
        ]
      )
      assert.deepStrictEqual(first.total.satisfaction, {
        rated: 2,
        average: 3,
        low: 1,
        distribution: dist(1, 0, 0, 0, 1)
      })

      const weeks = yield* desk.slaReport(agent, {
        from: hk("2025-06-09T00:00"),
        to: hk("2025-06-23T00:00"),
        groupBy: "week"
      })
      assert.deepStrictEqual(
        weeks.groups.map((g) => [g.key, g.satisfaction]),
        [
          ["2025-06-09", { rated: 2, average: 3, low: 1, distribution: dist(1, 0, 0, 0, 1) }],
          ["2025-06-16", { rated: 1, average: 2, low: 1, distribution: dist(0, 1, 0, 0, 0) }]
        ]
      )
      assert.deepStrictEqual(weeks.total.satisfaction, {
        rated: 3,
        average: 8 / 3,
        low: 2,
        distribution: dist(1, 1, 0, 0, 1)
      })
      const total = Reports.toCsv(weeks)
        .trimEnd()
        .split("\r\n")
        .filter((line) => line.startsWith("total,"))
      assert.isNotEmpty(total)
      for (const line of total) assert.isTrue(line.endsWith(",3,2.67,2"), line)

      // a case without a rating in the period counts none
      const later = yield* desk.slaReport(agent, {
        from: hk("2025-06-18T00:00"),
        to: hk("2025-06-23T00:00"),
        groupBy: "week"
      })
      assert.deepStrictEqual(later.total.satisfaction, {
        rated: 0,
        average: null,
        low: 0,
        distribution: dist(0, 0, 0, 0, 0)
      })
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("is for agents and administrators, over a period of at most 366 days", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const forbidden = yield* failure(desk.slaReport(buyer, { from: 0, to: 1, groupBy: "week" }))
      assert.strictEqual(forbidden._tag, "ActionForbidden")
      const backwards = yield* failure(desk.slaReport(agent, { from: 10, to: 5, groupBy: "week" }))
      assert.strictEqual(backwards._tag, "InputInvalid")
      const long = yield* failure(desk.slaReport(agent, { from: 0, to: 367 * 86_400_000, groupBy: "agent" }))
      assert.strictEqual(long._tag, "InputInvalid")
    }).pipe(Effect.provide(deskLayer()))
  )
})
