/**
 * The SLA engine: from a support policy and a case's handling record to clocks a requester, an agent and an auditor
 * can all trust.
 *
 * Section 6 of the Global Sources Support Policy v1.8 makes three promises: a first response within 2 business days
 * (6.1), progress updates for high-priority issues within 1 business day (6.2), and every case resolved or explained
 * within 7 business days (6.3). Each is an SLA rule of the policy (`SupportPolicy.SlaRule`); this module applies the
 * rules:
 * - {@link plan}: for a case about to be opened, the targets that will apply ("we will reply by …"),
 * - {@link evaluate}: for a handling record, the state of every clock (running, paused, met, breached, cancelled,
 *   refused), its due and warning instants, business time used and left, and a trace of the events that moved it,
 * - {@link explain}: that trace in words, the answer to "why is this the deadline?".
 *
 * The engine is pure and synchronous (no I/O, no clock of its own: `now` is an argument) and cheap enough to call on
 * every read. Instants in its results are epoch milliseconds, like `CaseEvent.at`; durations are business
 * milliseconds.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Temporal } from "temporal-polyfill"
import * as CaseEvent from "./CaseEvent.ts"
import { formatInstant as internalFormatInstant } from "./internal/formatInstant.ts"
import { compiledPolicy } from "./internal/policyCompiled.ts"
import { METRICS, PROGRESS_UPDATE, TRACE_REASONS, TRACE_STEPS } from "./internal/slaCompile.ts"
import * as engine from "./internal/slaEngine.ts"
import * as SupportPolicy from "./SupportPolicy.ts"

// -------------------------------------------------------------------------------------------------------------------
// models
// -------------------------------------------------------------------------------------------------------------------

/**
 * The state of a clock:
 * - `running`: counting business time towards its due instant,
 * - `paused`: stopped by a hold (awaiting the requester, a verification hold, …),
 * - `met`: stopped by a qualifying event at or before its due instant,
 * - `breached`: its due instant passed before it was met; it stays breached whatever happens next (`outcome` says
 *   whether it was met late, cancelled or refused, or is still open),
 * - `cancelled`: it stopped applying (priority or category change, withdrawn, merged, or closed unresolved),
 * - `refused`: the request was refused (clause 7.3); refusal never counts as meeting a target.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClockState = Schema.Literals(["running", "paused", "met", "breached", "cancelled", "refused"])

/**
 * @since 0.1.0
 * @category models
 */
export type ClockState = typeof ClockState.Type

/**
 * How a clock ended, or `open` while it has not.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClockOutcome = Schema.Literals(["open", "met", "cancelled", "refused"])

/**
 * Why a trace step happened, where the event alone does not say it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TraceReason = Schema.Literals(TRACE_REASONS)

/**
 * One step in the life of a clock: what happened (`step`), when, because of which event, and the due instant and
 * business time used right after it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TraceEntry = Schema.Struct({
  at: CaseEvent.EpochMillis,
  step: Schema.Literals(TRACE_STEPS),
  sequence: Schema.optional(Schema.Int),
  event: Schema.optional(CaseEvent.EventType),
  dueAt: Schema.optional(CaseEvent.EpochMillis),
  usedMs: Schema.Finite,
  hold: Schema.optional(Schema.String),
  rule: Schema.optional(Schema.String),
  reason: Schema.optional(TraceReason)
})

/**
 * @since 0.1.0
 * @category models
 */
export type TraceEntry = typeof TraceEntry.Type

/**
 * One SLA clock: one rule measured once (a first response, a resolution) or one period of a rolling progress-update
 * rule. `instance` numbers the clocks of a metric 1, 2, 3, …; `cycle` is 1 until the case is first reopened.
 *
 * While a clock is paused, `dueAt` and the warning instants not yet reached are where they would be if it resumed
 * at the evaluation instant. `carriedMs` is the business time carried over from an earlier clock (a reopen that
 * keeps elapsed time).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Clock = Schema.Struct({
  rule: Schema.String,
  clause: Schema.String,
  metric: SupportPolicy.Metric,
  instance: Schema.Int,
  cycle: Schema.Int,
  state: ClockState,
  outcome: ClockOutcome,
  target: SupportPolicy.Target,
  targetMs: Schema.Finite,
  startedAt: CaseEvent.EpochMillis,
  dueAt: CaseEvent.EpochMillis,
  warningsAt: Schema.Array(CaseEvent.EpochMillis),
  usedMs: Schema.Finite,
  leftMs: Schema.Finite,
  carriedMs: Schema.Finite,
  breachedAt: Schema.optional(CaseEvent.EpochMillis),
  metAt: Schema.optional(CaseEvent.EpochMillis),
  stoppedAt: Schema.optional(CaseEvent.EpochMillis),
  pausedSince: Schema.optional(CaseEvent.EpochMillis),
  trace: Schema.Array(TraceEntry)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Clock = typeof Clock.Type

/**
 * The status of a case as the SLA engine sees it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseStatus = Schema.Literals([
  "notSubmitted",
  "open",
  "resolved",
  "explained",
  "refused",
  "withdrawn",
  "merged",
  "closed"
])

/**
 * The clocks of a case as of `asOf`, with the facts they were chosen by. `nextChangeAt` is the next instant at which
 * a clock reaches a warning point or its due instant without any new event (for scheduling notifications).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Evaluation = Schema.Struct({
  policy: Schema.Struct({ id: Schema.String, version: Schema.String }),
  asOf: CaseEvent.EpochMillis,
  status: CaseStatus,
  cycle: Schema.Int,
  priority: Schema.optional(Schema.String),
  category: Schema.optional(Schema.String),
  holds: Schema.Array(Schema.String),
  clocks: Schema.Array(Clock),
  nextChangeAt: Schema.optional(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Evaluation = typeof Evaluation.Type

/**
 * A case about to be opened: when it was received and the facts its rules are chosen by.
 *
 * @since 0.1.0
 * @category models
 */
export interface Intake {
  readonly receivedAt: Temporal.Instant
  readonly priority: string
  readonly category: string
  readonly channel: string
  readonly audience?: string | undefined
  readonly requesterFlags?: ReadonlyArray<string> | undefined
}

/**
 * A target that will apply to a new case: the rule and clause behind it, its due and warning instants.
 * `recurring` is true for a rolling progress-update rule (the next period starts at each update).
 *
 * @since 0.1.0
 * @category models
 */
export interface PlannedTarget {
  readonly metric: SupportPolicy.Metric
  readonly rule: string
  readonly clause: string
  readonly target: SupportPolicy.Target
  readonly targetMs: number
  readonly recurring: boolean
  /** When the target starts, in epoch milliseconds. */
  readonly startsAtMs: number
  /** When the target is due, in epoch milliseconds. */
  readonly dueAt: number
  /** The warning instants, in epoch milliseconds. */
  readonly warningsAt: ReadonlyArray<number>
  /** `startsAtMs` as an instant, created when first read. */
  readonly startsAt: Temporal.Instant
  /** `dueAt` as an instant, created when first read. */
  readonly due: Temporal.Instant
  /** `warningsAt` as instants, created when first read. */
  readonly warnings: ReadonlyArray<Temporal.Instant>
}

/**
 * A planned target whose `Temporal.Instant`s are created when first read (a `Temporal.Instant` costs about a
 * microsecond; a submission's plan has a dozen). The getters are own and enumerable, so spreading or serialising a
 * target still gives every field.
 */
const plannedTarget = (fields: Omit<PlannedTarget, "startsAt" | "due" | "warnings">): PlannedTarget => {
  let startsAt: Temporal.Instant | undefined
  let due: Temporal.Instant | undefined
  let warnings: ReadonlyArray<Temporal.Instant> | undefined
  return {
    ...fields,
    get startsAt() {
      startsAt ??= Temporal.Instant.fromEpochMilliseconds(fields.startsAtMs)
      return startsAt
    },
    get due() {
      due ??= Temporal.Instant.fromEpochMilliseconds(fields.dueAt)
      return due
    },
    get warnings() {
      warnings ??= fields.warningsAt.map((w) => Temporal.Instant.fromEpochMilliseconds(w))
      return warnings
    }
  }
}

// -------------------------------------------------------------------------------------------------------------------
// engine
// -------------------------------------------------------------------------------------------------------------------

/**
 * The targets that will apply to a case received at `intake.receivedAt`: for each metric, the first rule that
 * matches the case and starts on submission, with its due and warning instants.
 *
 * @since 0.1.0
 * @category planning
 */
export const plan = (policy: SupportPolicy.SupportPolicy, intake: Intake): ReadonlyArray<PlannedTarget> => {
  const compiled = compiledPolicy(policy)
  const c = compiled.calendar.compiled
  const t = intake.receivedAt.epochMilliseconds
  const facts: engine.Facts = {
    priority: intake.priority,
    category: intake.category,
    channel: intake.channel,
    audience: intake.audience ?? "",
    flags: intake.requesterFlags ?? []
  }
  const submitted = engine.bitOf("submitted")
  const out: Array<PlannedTarget> = []
  for (let m = 0; m < METRICS.length; m++) {
    const rule = engine.ruleFor(compiled.sla, m, facts)
    if (rule === undefined || (rule.startMask & submitted) === 0) continue
    const targetMs = engine.targetMillis(c, compiled.sla, rule, t)
    out.push(
      plannedTarget({
        metric: rule.rule.metric,
        rule: rule.rule.id,
        clause: rule.rule.clause,
        target: rule.rule.target,
        targetMs,
        recurring: m === PROGRESS_UPDATE,
        startsAtMs: t,
        dueAt: engine.addMillis(c, t, targetMs),
        warningsAt: rule.warnAt.map((f) => engine.addMillis(c, t, engine.warningThreshold(targetMs, f)))
      })
    )
  }
  return out
}

/**
 * The plan of a case read off its evaluation at intake (the record of its submission, evaluated at the instant it
 * was received): for each clock running then, in the order of the metrics, the target `plan` gives for the same
 * case. The desk evaluates a new case once and takes its promises from that evaluation, so what it promises and
 * what its clocks say cannot differ.
 *
 * @since 0.1.0
 * @category planning
 */
export const planOf = (evaluation: Evaluation): ReadonlyArray<PlannedTarget> => {
  const out: Array<PlannedTarget> = []
  for (let m = 0; m < METRICS.length; m++) {
    for (const clock of evaluation.clocks) {
      if (clock.metric !== METRICS[m] || clock.outcome !== "open") continue
      out.push(
        plannedTarget({
          metric: clock.metric,
          rule: clock.rule,
          clause: clock.clause,
          target: clock.target,
          targetMs: clock.targetMs,
          recurring: m === PROGRESS_UPDATE,
          startsAtMs: clock.startedAt,
          dueAt: clock.dueAt,
          warningsAt: clock.warningsAt
        })
      )
    }
  }
  return out
}

/**
 * Options of {@link evaluate}.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvaluateOptions {
  /**
   * The published versions of the policy, by version number, for a record in which an administrator moved the case
   * from one version to another (`policyChanged`, clause 7.1). Without it, `policyChanged` events are ignored and the
   * whole record is evaluated under `policy`.
   */
  readonly versions?: ((version: string) => SupportPolicy.SupportPolicy | undefined) | undefined
}

/**
 * Evaluates the clocks of a case from its handling record as of `now` (a `Temporal.Instant` or epoch
 * milliseconds). Events after `now` are ignored, so an auditor can replay the record as of any instant.
 *
 * The record must satisfy `CaseEvent.checkRecord` (it starts with `submitted`, in order). Facts in events are not
 * checked against the policy here: an unknown priority simply matches no rule that names priorities.
 *
 * **Versions.** A case is evaluated for its whole life under the version of the policy it was opened under, unless an
 * administrator moved it (a `policyChanged` event). Given `options.versions`, the record is evaluated in segments:
 * until the first move under its `from` version, then under each `to` (`policy` stands in for a version `versions`
 * does not know, and `evaluation.policy` names the version of the last segment). At a move, the clocks running or
 * paused stop, cancelled (a breached one stays breached: what happened under the old version stays as it was), and
 * every metric the case still owes in its cycle (a first response not given, the resolution, the progress updates)
 * starts at the move under the new version's rule, if one applies: with the business time the stopped clock had used
 * when that rule says `onPriorityChange: "keepElapsed"` (so the new target counts from the case's start), with its
 * full target from the move when it says `"restart"` or when no clock of the metric was running. Clocks that ended
 * before the move are not touched; what their version measured stays measured.
 *
 * The clocks are lazy views (due and warning instants and traces are computed when first read): read their fields,
 * or `JSON.stringify` them, but do not spread them (`{ ...clock }` copies the view's internals, not the fields).
 *
 * @since 0.1.0
 * @category evaluation
 */
export const evaluate = (
  policy: SupportPolicy.SupportPolicy,
  record: ReadonlyArray<CaseEvent.CaseEvent>,
  now: Temporal.Instant | number,
  options?: EvaluateOptions
): Evaluation =>
  engine.evaluate(policy, record, typeof now === "number" ? now : now.epochMilliseconds, options?.versions)

/**
 * The latest clock of a metric (the current period of a rolling progress-update rule), if any.
 *
 * @since 0.1.0
 * @category getters
 */
export const current = (evaluation: Evaluation, metric: SupportPolicy.Metric): Clock | undefined => {
  for (let i = evaluation.clocks.length - 1; i >= 0; i--) {
    if (evaluation.clocks[i].metric === metric) return evaluation.clocks[i]
  }
  return undefined
}

// -------------------------------------------------------------------------------------------------------------------
// explanation
// -------------------------------------------------------------------------------------------------------------------

/**
 * The languages the desk's texts are written in: English and Simplified Chinese.
 *
 * @since 0.1.0
 * @category models
 */
export type TextLanguage = "en" | "zh"

/**
 * The language of the desk's texts for a language tag or an `Accept-Language` header: Simplified Chinese for `zh…`
 * (the first of the header's languages the desk writes), English otherwise.
 *
 * @since 0.1.0
 * @category formatting
 */
export const textLanguage = (tags: string | undefined): TextLanguage => {
  for (const part of (tags ?? "").split(",")) {
    const tag = part.split(";")[0].trim().toLowerCase()
    if (tag.startsWith("zh")) return "zh"
    if (tag.startsWith("en")) return "en"
  }
  return "en"
}

/**
 * An instant as a person reads it, in `timeZone` (an IANA zone or an offset), with the offset shown:
 * `"Tue 15 Apr 2025, 17:30 (Asia/Hong_Kong, UTC+08:00)"`, or `"Tue 15 Apr 2025, 17:30 (UTC+08:00)"` in a fixed-offset
 * zone; in Chinese `"2025年4月15日（周二）17:30（UTC+08:00）"`. The one formatter of the desk's texts: promises,
 * notices, explanations.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatInstant: (epochMillis: number, timeZone: string, language?: TextLanguage) => string =
  internalFormatInstant

/**
 * A business duration in hours and minutes of business time: `"20h 30m"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatBusinessMillis = (ms: number): string => {
  const minutes = Math.round(ms / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h ${m}m`
}

/**
 * A target in words: `"2 business days"`, `"2 个工作日"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatTarget = (target: SupportPolicy.Target, language: TextLanguage = "en"): string =>
  language === "zh"
    ? target.businessDays !== undefined
      ? `${target.businessDays} 个工作日`
      : target.businessHours !== undefined
        ? `${target.businessHours} 个工作小时`
        : `${target.businessMinutes} 个工作分钟`
    : target.businessDays !== undefined
      ? `${target.businessDays} business day${target.businessDays === 1 ? "" : "s"}`
      : target.businessHours !== undefined
        ? `${target.businessHours} business hour${target.businessHours === 1 ? "" : "s"}`
        : `${target.businessMinutes} business minute${target.businessMinutes === 1 ? "" : "s"}`

const reasonText: { readonly [K in typeof TraceReason.Type]: string } = {
  startEvent: "",
  nextPeriod: "next period after an update",
  reopenedRestart: "case reopened; full target again",
  reopenedKeepElapsed: "case reopened; business time used before is kept",
  ruleAppliesRestart: "the rule applies from this change; full target from now",
  ruleAppliesKeepElapsed: "the rule applies from this change; time since the start counts",
  keepElapsed: "business time used is kept; the new target applies",
  noLongerApplies: "the rule no longer applies to the case",
  superseded: "another rule now applies and restarts the clock",
  caseResolved: "the case was resolved by an event this rule does not count",
  caseWithdrawn: "the requester withdrew the case",
  caseMerged: "the case was merged into another",
  caseClosed: "the case was closed unresolved",
  policyChanged: "the case moved to another version of the policy",
  policyChangedRestart: "the case moved to another version of the policy; full target from the move",
  policyChangedKeepElapsed: "the case moved to another version of the policy; business time used before is kept"
}

/**
 * The trace of a clock in words, one line per step, instants in the policy's time zone: why the clock's deadline is
 * what it is.
 *
 * @since 0.1.0
 * @category formatting
 */
export const explain = (policy: SupportPolicy.SupportPolicy, clock: Clock): ReadonlyArray<string> => {
  const rule = policy.sla.find((r) => r.id === clock.rule)
  const lines: Array<string> = []
  for (const step of clock.trace) {
    const when = formatInstant(step.at, policy.calendar.spec.timeZone)
    const by = step.event === undefined ? "" : ` on #${step.sequence} ${step.event}`
    const due = step.dueAt === undefined ? "" : `; due ${formatInstant(step.dueAt, policy.calendar.spec.timeZone)}`
    const used = `; ${formatBusinessMillis(step.usedMs)} business time used`
    const why = step.reason === undefined || reasonText[step.reason] === "" ? "" : ` (${reasonText[step.reason]})`
    switch (step.step) {
      case "started":
        lines.push(
          `${when}${by}: started rule ${clock.rule} (clause ${clock.clause}), target ${formatTarget(clock.target)}` +
            `${why}${step.hold === undefined ? "" : `, paused at once by ${step.hold}`}${due}` +
            (step.usedMs > 0 ? used : "")
        )
        break
      case "paused":
        lines.push(`${when}${by}: paused while ${step.hold}${used}`)
        break
      case "resumed":
        lines.push(`${when}${by}: resumed after ${step.hold}${used}${due}`)
        break
      case "retargeted":
        lines.push(
          `${when}${by}: rule ${clock.rule} (clause ${rule?.clause ?? clock.clause}) replaces ${step.rule}${why}${used}${due}`
        )
        break
      case "breached":
        lines.push(`${when}: breached, the target of ${formatTarget(clock.target)} passed`)
        break
      case "met":
        lines.push(`${when}${by}: met${used}`)
        break
      case "cancelled":
        lines.push(`${when}${by}: cancelled${why}${used}`)
        break
      case "refused":
        lines.push(
          `${when}${by}: stopped, the request was refused under clause ${policy.refusal.clause} (not met)${used}`
        )
        break
    }
  }
  return lines
}

/**
 * The instant of an epoch-milliseconds value as a `Temporal.Instant` (for displaying clock instants).
 *
 * @since 0.1.0
 * @category getters
 */
export const instant = (epochMillis: number): Temporal.Instant => Temporal.Instant.fromEpochMilliseconds(epochMillis)
