/**
 * SLA reports (clause 7.4: support records are used for quality assessment): for a period, per group (week,
 * category, priority, queue, agent or channel) and per metric of the policy (first response 6.1, progress update
 * 6.2, resolution 6.3), how many clocks were decided, met, breached and refused, the attainment, the median and 90th
 * percentile business time to the qualifying event, and the backlog at the end of the period.
 *
 * Everything is computed from the handling records (`CaseEvent`) with the SLA engine (`Sla.evaluate`), never from
 * the case's copy of personal data, so a report stays the same after retention anonymises a case. The computation is
 * pure: {@link make} takes records one at a time (the desk streams them from the store in batches), so a report over
 * many cases never holds them all.
 *
 * Definitions:
 * - A clock is **decided** in the period when it was met, breached or refused at an instant `from ≤ t < to`: met at
 *   its `metAt`, breached at its `breachedAt` (a clock met late counts as breached, when it breached), refused when
 *   the request was refused (clause 7.3). Cancelled clocks and clocks still running are not counted.
 * - **Attainment** is met ÷ (met + breached); refused clocks count for neither (a refusal is not a failure to answer).
 * - **Business time** is the clock's business time used until its qualifying event (the first reply, the update, the
 *   resolution), for clocks whose event happened in the period, on time or late. Median and p90 use the nearest-rank
 *   method (the smallest value with at least 50 % / 90 % of the values at or below it).
 * - **Backlog** is the number of cases still owing an answer (open, awaiting the requester, on hold, in mediation) at
 *   the end of the period; grouped by week, at the end of each week.
 * - A clock or case is grouped by what the record said **at that instant**: the category, priority, channel, queue
 *   and assignee (`agent`) as of the instant it was decided; weeks start on Monday in the policy's time zone.
 * - Each case is evaluated under the version of the policy it names (clause 7.1; `Options.versions`), as the desk
 *   evaluates it.
 * - **Satisfaction**: the requester ratings given in the period (grouped as of the rating), their average, and how
 *   many were low by the case's version of the policy (`satisfaction.lowRating`).
 * - A case deleted by erasure counts through its tally (`addTally`, `Erasure.Tally`): its clocks and rating as they
 *   were when it was deleted, each grouped by what the record said when it was decided (a clock met after a breach
 *   is timed in the group of its breach); it is not in any backlog.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Temporal } from "temporal-polyfill"
import * as CaseLifecycle from "./CaseLifecycle.ts"
import type * as Erasure from "./Erasure.ts"
import * as Sla from "./Sla.ts"
import type * as SupportCase from "./SupportCase.ts"
import * as SupportPolicy from "./SupportPolicy.ts"

/**
 * What a report is grouped by.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupBy = Schema.Literals(["week", "category", "priority", "queue", "agent", "channel"])

/**
 * @since 0.1.0
 * @category models
 */
export type GroupBy = typeof GroupBy.Type

/**
 * The period `[from, to)` (epoch ms) and the grouping of a report.
 *
 * @since 0.1.0
 * @category models
 */
export interface Query {
  readonly from: number
  readonly to: number
  readonly groupBy: GroupBy
}

/**
 * The figures of one metric in one group.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MetricFigures = Schema.Struct({
  metric: SupportPolicy.Metric,
  /** Clocks decided in the period: met + breached + refused. */
  counted: Schema.Int,
  met: Schema.Int,
  breached: Schema.Int,
  refused: Schema.Int,
  /** met ÷ (met + breached), from 0 to 1; null when neither. */
  attainment: Schema.NullOr(Schema.Finite),
  /** How many clocks reached their qualifying event in the period (the sample of the times below). */
  timed: Schema.Int,
  medianBusinessMs: Schema.NullOr(Schema.Finite),
  p90BusinessMs: Schema.NullOr(Schema.Finite)
}).annotate({ identifier: "SlaMetricFigures" })

/**
 * @since 0.1.0
 * @category models
 */
export type MetricFigures = typeof MetricFigures.Type

/**
 * The satisfaction ratings given in the period: how many, their average (null for none), how many were low, and how
 * many gave each score (`distribution`: every point of the scale of the policy in force, in order, then any other
 * score given under an earlier version's scale).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SatisfactionFigures = Schema.Struct({
  rated: Schema.Int,
  average: Schema.NullOr(Schema.Finite),
  low: Schema.Int,
  distribution: Schema.Array(Schema.Struct({ rating: Schema.Int, count: Schema.Int }))
}).annotate({ identifier: "SlaSatisfactionFigures" })

/**
 * @since 0.1.0
 * @category models
 */
export type SatisfactionFigures = typeof SatisfactionFigures.Type

/**
 * One group of a report: its key (a week's Monday `YYYY-MM-DD`, a category id, an agent id, …; `"(none)"` for cases
 * in no queue or assigned to no one), a label where the policy names it, the figures of every metric, the backlog,
 * and the satisfaction ratings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Group = Schema.Struct({
  key: Schema.String,
  label: Schema.String,
  metrics: Schema.Array(MetricFigures),
  backlog: Schema.Int,
  satisfaction: SatisfactionFigures
}).annotate({ identifier: "SlaReportGroup" })

/**
 * @since 0.1.0
 * @category models
 */
export type Group = typeof Group.Type

/**
 * An SLA report: its query, when it was computed, the policy's time zone, how many cases were read, the groups in
 * order (weeks by date, others by key) and the totals.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaReport = Schema.Struct({
  from: Schema.Int,
  to: Schema.Int,
  groupBy: GroupBy,
  timeZone: Schema.String,
  asOf: Schema.Int,
  cases: Schema.Int,
  groups: Schema.Array(Group),
  total: Group
}).annotate({ identifier: "SlaReport" })

/**
 * @since 0.1.0
 * @category models
 */
export type SlaReport = typeof SlaReport.Type

/** The key of the groups of cases in no queue, or assigned to no one. */
export const none = "(none)"

const ACTIVE: ReadonlyArray<SupportCase.Status> = ["open", "awaitingRequester", "onHold", "inMediation"]

interface Tally {
  counted: number
  met: number
  breached: number
  refused: number
  times: Array<number>
}

interface Bucket {
  readonly tallies: Map<SupportPolicy.Metric, Tally>
  backlog: number
  readonly ratings: Array<number>
  low: number
}

const newBucket = (): Bucket => ({ tallies: new Map(), backlog: 0, ratings: [], low: 0 })

/**
 * The business-time percentile of sorted values by nearest rank: the smallest value with at least `p` of the values
 * at or below it; null for no values.
 *
 * @since 0.1.0
 * @category combinators
 */
export const nearestRank = (sorted: ReadonlyArray<number>, p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]

/**
 * The Monday (`YYYY-MM-DD`, in `timeZone`) of the week of an instant.
 *
 * @since 0.1.0
 * @category getters
 */
export const weekOf = (epochMillis: number, timeZone: string): string => {
  const date = Temporal.Instant.fromEpochMilliseconds(epochMillis).toZonedDateTimeISO(timeZone).toPlainDate()
  return date.subtract({ days: date.dayOfWeek - 1 }).toString()
}

/** The instant the week starting on `monday` ends (the next Monday, 00:00 in `timeZone`). */
const weekEnd = (monday: string, timeZone: string): number =>
  Temporal.PlainDate.from(monday).add({ days: 7 }).toZonedDateTime({ timeZone }).epochMilliseconds

/**
 * A report being computed: `add` each case with its record (any order, each once), then `result`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Builder {
  readonly add: (stored: SupportCase.WithRecord) => void
  /** A case deleted by erasure, by its tally. */
  readonly addTally: (tally: Erasure.Tally) => void
  readonly result: () => SlaReport
}

/**
 * Options of {@link make}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The published versions of the policy by number: each case is evaluated under the version it names (and the ones
   * it was moved through, see `Sla.evaluate`); the report's `policy` stands in for a version this does not know.
   */
  readonly versions?: ((version: string) => SupportPolicy.SupportPolicy | undefined) | undefined
}

/**
 * Starts a report of `query` computed at `asOf` (clocks are evaluated at the end of the period, or at `asOf` when the
 * period has not ended). `policy` (the version in force) gives the time zone, the labels and the metrics shown.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  policy: SupportPolicy.SupportPolicy,
  query: Query,
  asOf: number,
  options: Options = {}
): Builder => {
  const zone = policy.calendar.spec.timeZone
  const until = Math.min(query.to, asOf)
  const buckets = new Map<string, Bucket>()
  const total: Bucket = newBucket()
  let cases = 0
  const versionOf = (version: string) => options.versions?.(version) ?? policy

  const bucket = (key: string): Bucket => {
    let found = buckets.get(key)
    if (found === undefined) {
      found = newBucket()
      buckets.set(key, found)
    }
    return found
  }
  const tally = (b: Bucket, metric: SupportPolicy.Metric): Tally => {
    let found = b.tallies.get(metric)
    if (found === undefined) {
      found = { counted: 0, met: 0, breached: 0, refused: 0, times: [] }
      b.tallies.set(metric, found)
    }
    return found
  }
  const weeks: Array<string> = []
  if (query.groupBy === "week") {
    for (let w = weekOf(query.from, zone); ; ) {
      weeks.push(w)
      const end = weekEnd(w, zone)
      if (end >= query.to) break
      w = weekOf(end, zone)
    }
    for (const w of weeks) bucket(w)
  }

  const inPeriod = (t: number | undefined): t is number => t !== undefined && t >= query.from && t < query.to

  /** Counts the clocks decided in the period, and the business time of those met in it, by `keyAt`. */
  const countClocks = (
    clocks: ReadonlyArray<
      Pick<Sla.Clock, "metric" | "state" | "outcome" | "usedMs" | "metAt" | "breachedAt" | "stoppedAt">
    >,
    keyAt: (t: number) => string
  ) => {
    for (const clock of clocks) {
      const decided =
        clock.state === "met"
          ? { at: clock.metAt, kind: "met" as const }
          : clock.state === "breached"
            ? { at: clock.breachedAt, kind: "breached" as const }
            : clock.state === "refused"
              ? { at: clock.stoppedAt, kind: "refused" as const }
              : undefined
      if (decided !== undefined && inPeriod(decided.at)) {
        for (const b of [bucket(keyAt(decided.at)), total]) {
          const t = tally(b, clock.metric)
          t.counted++
          t[decided.kind]++
        }
      }
      if (clock.outcome === "met" && inPeriod(clock.metAt)) {
        for (const b of [bucket(keyAt(clock.metAt)), total]) tally(b, clock.metric).times.push(clock.usedMs)
      }
    }
  }

  /** Counts a rating given in the period, low by the case's version of the policy. */
  const countRating = (
    rating: { readonly rating: number; readonly at: number } | undefined,
    version: SupportPolicy.SupportPolicy,
    keyAt: (t: number) => string
  ) => {
    if (rating === undefined || !inPeriod(rating.at)) return
    const low = version.satisfaction !== undefined && rating.rating <= version.satisfaction.lowRating.atMost
    for (const b of [bucket(keyAt(rating.at)), total]) {
      b.ratings.push(rating.rating)
      if (low) b.low++
    }
  }

  const add = (stored: SupportCase.WithRecord): void => {
    const record = stored.events
    if (record.length === 0 || record[0].at >= query.to) return
    cases++
    /** The facts of the record as of an instant (events at or before it). */
    const factsAt = (t: number, inclusive: boolean): CaseLifecycle.Facts => {
      let n = 0
      while (n < record.length && (inclusive ? record[n].at <= t : record[n].at < t)) n++
      return CaseLifecycle.factsUnsafe(record.slice(0, Math.max(1, n)))
    }
    const keyAt = (t: number): string => {
      if (query.groupBy === "week") return weekOf(t, zone)
      const facts = factsAt(t, true)
      switch (query.groupBy) {
        case "category":
          return facts.category
        case "priority":
          return facts.priority
        case "channel":
          return facts.channel
        case "queue":
          return facts.assignee?.queue ?? none
        case "agent":
          return facts.assignee?.id ?? none
      }
    }
    const version = versionOf(stored.case.policyVersion)
    const evaluation = Sla.evaluate(version, record, until, { versions: options.versions })
    countClocks(evaluation.clocks, keyAt)
    countRating(
      record.find((e): e is Extract<typeof e, { type: "satisfactionRated" }> => e.type === "satisfactionRated"),
      version,
      keyAt
    )
    // the backlog: still owing an answer at the end of the period (of each week)
    const activeAt = (end: number) => {
      const facts = factsAt(end, false)
      return record[0].at < end && ACTIVE.includes(facts.status) ? facts : undefined
    }
    if (query.groupBy === "week") {
      for (const w of weeks) {
        if (activeAt(Math.min(weekEnd(w, zone), query.to, asOf)) !== undefined) bucket(w).backlog++
      }
    }
    const end = Math.min(query.to, asOf)
    const facts = activeAt(end)
    if (facts !== undefined) {
      total.backlog++
      if (query.groupBy !== "week") {
        const key =
          query.groupBy === "queue"
            ? (facts.assignee?.queue ?? none)
            : query.groupBy === "agent"
              ? (facts.assignee?.id ?? none)
              : facts[query.groupBy]
        bucket(key).backlog++
      }
    }
  }

  const addTally = (t: Erasure.Tally): void => {
    if (t.openedAt >= query.to) return
    cases++
    const keyOf =
      (facts: Erasure.GroupFacts) =>
      (at: number): string => {
        switch (query.groupBy) {
          case "week":
            return weekOf(at, zone)
          case "category":
            return facts.category
          case "priority":
            return facts.priority
          case "channel":
            return facts.channel
          case "queue":
            return facts.queue ?? none
          case "agent":
            return facts.agent ?? none
        }
      }
    for (const clock of t.clocks) countClocks([clock], keyOf(clock.facts))
    if (t.satisfaction !== null) countRating(t.satisfaction, versionOf(t.policyVersion), keyOf(t.satisfaction.facts))
  }

  const metrics = SupportPolicy.Metric.literals.filter((m) => policy.sla.some((r) => r.metric === m))
  const scale: ReadonlyArray<number> =
    policy.satisfaction === undefined
      ? []
      : Array.from(
          { length: policy.satisfaction.scale.max - policy.satisfaction.scale.min + 1 },
          (_, i) => policy.satisfaction!.scale.min + i
        )
  const satisfactionOf = (b: Bucket): SatisfactionFigures => {
    const counts = new Map<number, number>(scale.map((point) => [point, 0]))
    for (const r of b.ratings) counts.set(r, (counts.get(r) ?? 0) + 1)
    const others = [...counts.keys()].filter((r) => !scale.includes(r)).sort((x, y) => x - y)
    return {
      rated: b.ratings.length,
      average: b.ratings.length === 0 ? null : b.ratings.reduce((sum, r) => sum + r, 0) / b.ratings.length,
      low: b.low,
      distribution: [...scale, ...others].map((rating) => ({ rating, count: counts.get(rating) ?? 0 }))
    }
  }
  const labelOf = (key: string): string => {
    const list =
      query.groupBy === "category"
        ? policy.categories
        : query.groupBy === "priority"
          ? policy.priorities
          : query.groupBy === "channel"
            ? policy.channels
            : []
    return list.find((x) => x.id === key)?.name ?? key
  }
  const figures = (b: Bucket): ReadonlyArray<MetricFigures> =>
    metrics.map((metric) => {
      const t = b.tallies.get(metric) ?? { counted: 0, met: 0, breached: 0, refused: 0, times: [] }
      const sorted = [...t.times].sort((x, y) => x - y)
      return {
        metric,
        counted: t.counted,
        met: t.met,
        breached: t.breached,
        refused: t.refused,
        attainment: t.met + t.breached === 0 ? null : t.met / (t.met + t.breached),
        timed: sorted.length,
        medianBusinessMs: nearestRank(sorted, 0.5),
        p90BusinessMs: nearestRank(sorted, 0.9)
      }
    })

  const result = (): SlaReport => {
    const keys = [...buckets.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      timeZone: zone,
      asOf,
      cases,
      groups: keys.map((key) => {
        const b = buckets.get(key)!
        return { key, label: labelOf(key), metrics: figures(b), backlog: b.backlog, satisfaction: satisfactionOf(b) }
      }),
      total: {
        key: "total",
        label: "Total",
        metrics: figures(total),
        backlog: total.backlog,
        satisfaction: satisfactionOf(total)
      }
    }
  }

  return { add, addTally, result }
}

const csvField = (value: string | number | null): string => {
  if (value === null) return ""
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const hours = (ms: number | null): string | null => (ms === null ? null : (ms / 3_600_000).toFixed(2))

/**
 * A report as CSV (RFC 4180, CRLF line ends): one row per group and metric, then the totals; attainment in percent
 * with one decimal, times in business hours with two; the group's backlog and satisfaction figures (average with two
 * decimals) on each of its rows.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toCsv = (report: SlaReport): string => {
  const header = [
    report.groupBy,
    "label",
    "metric",
    "counted",
    "met",
    "breached",
    "refused",
    "attainment_percent",
    "timed",
    "median_business_hours",
    "p90_business_hours",
    "backlog_at_end",
    "satisfaction_rated",
    "satisfaction_average",
    "satisfaction_low"
  ]
  const rows = [header.join(",")]
  for (const group of [...report.groups, report.total]) {
    for (const m of group.metrics) {
      rows.push(
        [
          group.key,
          group.label,
          m.metric,
          m.counted,
          m.met,
          m.breached,
          m.refused,
          m.attainment === null ? null : (m.attainment * 100).toFixed(1),
          m.timed,
          hours(m.medianBusinessMs),
          hours(m.p90BusinessMs),
          group.backlog,
          group.satisfaction.rated,
          group.satisfaction.average === null ? null : group.satisfaction.average.toFixed(2),
          group.satisfaction.low
        ]
          .map(csvField)
          .join(",")
      )
    }
  }
  return `${rows.join("\r\n")}\r\n`
}
