/**
 * The SLA rules of a policy, compiled for the engine: event types as bits, holds as bits, targets as numbers.
 */
import type * as CaseEvent from "../CaseEvent.ts"
import type { Match, SlaRule, SupportPolicy } from "../SupportPolicy.ts"
import type { Compiled } from "./calendar.ts"

export const METRICS = ["firstResponse", "progressUpdate", "resolution"] as const
export const FIRST_RESPONSE = 0
export const PROGRESS_UPDATE = 1
export const RESOLUTION = 2

export const TRACE_STEPS = [
  "started",
  "paused",
  "resumed",
  "retargeted",
  "breached",
  "met",
  "cancelled",
  "refused"
] as const

export const TRACE_REASONS = [
  "startEvent",
  "nextPeriod",
  "reopenedRestart",
  "reopenedKeepElapsed",
  "ruleAppliesRestart",
  "ruleAppliesKeepElapsed",
  "keepElapsed",
  "noLongerApplies",
  "superseded",
  "caseResolved",
  "caseWithdrawn",
  "caseMerged",
  "caseClosed",
  "policyChanged",
  "policyChangedRestart",
  "policyChangedKeepElapsed"
] as const

export const REOPEN_KEEP = 0
export const REOPEN_RESTART = 1
export const REOPEN_NONE = 2

export interface CompiledRule {
  readonly rule: SlaRule
  readonly metric: number
  /** Whole business days of the target, or 0 when the target is in hours or minutes. */
  readonly days: number
  /** The target in business milliseconds when it is in hours or minutes. */
  readonly millis: number
  readonly startMask: number
  readonly stopMask: number
  readonly pauseMask: number
  readonly warnAt: ReadonlyArray<number>
  /** An array of NaN (not reached yet) as long as `warnAt`, copied for each clock. */
  readonly warnTemplate: ReadonlyArray<number>
  /** The least fraction of `warnAt`, 1 when there is none: a new clock's first point is reached at this fraction. */
  readonly firstWarning: number
  readonly keepOnChange: boolean
  readonly reopen: number
  readonly match: Match
}

export interface CompiledHold {
  readonly id: string
  readonly bit: number
  readonly startMask: number
  readonly endMask: number
}

export interface CompiledSla {
  readonly rules: ReadonlyArray<CompiledRule>
  /** Rules by metric, in policy order. */
  readonly byMetric: ReadonlyArray<ReadonlyArray<CompiledRule>>
  /** Per metric, the union of the stop events of its rules. */
  readonly metricStopMask: ReadonlyArray<number>
  /** Per event code, the bits of the metrics (1 << metric) whose `metricStopMask` has the event. */
  readonly metricStops: ReadonlyArray<number>
  readonly holds: ReadonlyArray<CompiledHold>
  /** Events that start or end any hold. */
  readonly holdEventMask: number
  /** Events that start, or stop, a clock of any rule. */
  readonly startMask: number
  readonly stopMask: number
  /** Per event code (see {@link codeOf}): the bits of the holds the event starts, and of those it ends. */
  readonly holdStarts: ReadonlyArray<number>
  readonly holdEnds: ReadonlyArray<number>
  /** The code of each event type this policy gives one (-1: the type changes nothing under this policy). */
  readonly codeOf: (type: string) => number
  /**
   * The business milliseconds of every business day when all of them have the same hours in a fixed-offset zone,
   * else 0. Then n business days from any instant are exactly n times this, with no calendar search.
   */
  readonly uniformDayMillis: number
}

/**
 * The event types every policy gives a code, in this order (so their codes are the same constants in every compiled
 * policy): those that change the status or the facts of a case, and the keyed incident links. The other types get a
 * code only in a policy whose rules or holds name them, so a policy's masks fit in 32 bits however many event types
 * `CaseEvent` has.
 */
export const INTRINSIC_EVENTS = [
  "submitted",
  "resolved",
  "explained",
  "refused",
  "withdrawn",
  "merged",
  "closed",
  "reopened",
  "priorityChanged",
  "categoryChanged",
  "incidentLinked",
  "incidentUnlinked"
] as const satisfies ReadonlyArray<CaseEvent.EventType>

/** The most event types one policy's rules and holds may name besides {@link INTRINSIC_EVENTS}. */
export const MAX_NAMED_EVENTS = 32 - INTRINSIC_EVENTS.length

/** The code of an intrinsic event type: the same in every compiled policy. */
export const intrinsicCode = (type: (typeof INTRINSIC_EVENTS)[number]): number => INTRINSIC_EVENTS.indexOf(type)

/** The event types a policy's SLA rules and holds name, other than the intrinsic ones, in order of first mention. */
export const namedEvents = (policy: SupportPolicy): ReadonlyArray<string> => {
  const named = new Set<string>()
  const intrinsic: ReadonlyArray<string> = INTRINSIC_EVENTS
  const add = (types: ReadonlyArray<string>) => {
    for (const type of types) if (!intrinsic.includes(type)) named.add(type)
  }
  for (const rule of policy.sla) {
    add(rule.startOn)
    add(rule.stopOn)
  }
  for (const hold of policy.holds) {
    add(hold.startOn)
    add(hold.endOn)
  }
  return [...named]
}

const sameHours = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** See {@link CompiledSla.uniformDayMillis}. */
export const uniformDayMillis = (calendar: Compiled): number => {
  if (calendar.fixedOffset === undefined) return 0
  let hours: ReadonlyArray<number> | undefined
  const days = [...calendar.week, ...calendar.overrides.values()]
  for (const day of days) {
    if (day.length === 0) continue
    if (hours === undefined) hours = day
    else if (!sameHours(hours, day)) return 0
  }
  if (hours === undefined) return 0
  let total = 0
  for (let i = 0; i < hours.length; i += 2) total += hours[i + 1] - hours[i]
  return total
}

export const compileSla = (policy: SupportPolicy, calendar: Compiled): CompiledSla => {
  const named = namedEvents(policy)
  if (named.length > MAX_NAMED_EVENTS) {
    throw new Error(
      `an SLA policy may name at most ${MAX_NAMED_EVENTS} event types besides ${INTRINSIC_EVENTS.join(", ")}`
    )
  }
  const types: ReadonlyArray<string> = [...INTRINSIC_EVENTS, ...named]
  const codes = new Map(types.map((type, code) => [type, code]))
  const codeOf = (type: string): number => codes.get(type) ?? -1
  const maskOf = (list: ReadonlyArray<string>): number => {
    let mask = 0
    for (const type of list) {
      const code = codeOf(type)
      if (code >= 0) mask |= 1 << code
    }
    return mask
  }
  // a hold's bit is 1 << its index: the engine finds a hold's index from its bit
  const holds = policy.holds.map((hold, i) => ({
    id: hold.id,
    bit: 1 << i,
    startMask: maskOf(hold.startOn),
    endMask: maskOf(hold.endOn)
  }))
  const holdBit = new Map(holds.map((h) => [h.id, h.bit]))
  const rules = policy.sla.map((rule): CompiledRule => {
    let pauseMask = 0
    for (const id of rule.pauseWhile) pauseMask |= holdBit.get(id) ?? 0
    const t = rule.target
    return {
      rule,
      metric: METRICS.indexOf(rule.metric),
      days: t.businessDays ?? 0,
      millis:
        t.businessHours !== undefined
          ? Math.round(t.businessHours * 3_600_000)
          : t.businessMinutes !== undefined
            ? t.businessMinutes * 60_000
            : 0,
      startMask: maskOf(rule.startOn),
      stopMask: maskOf(rule.stopOn),
      pauseMask,
      warnAt: rule.warnAt,
      warnTemplate: rule.warnAt.map(() => Number.NaN),
      firstWarning: Math.min(1, ...rule.warnAt),
      keepOnChange: rule.onPriorityChange === "keepElapsed",
      reopen:
        rule.onReopen === "keepElapsed" ? REOPEN_KEEP : rule.onReopen === "restart" ? REOPEN_RESTART : REOPEN_NONE,
      match: rule.appliesTo
    }
  })
  const byMetric = METRICS.map((_, m) => rules.filter((r) => r.metric === m))
  const metricStopMask = byMetric.map((rs) => rs.reduce((mask, r) => mask | r.stopMask, 0))
  const holdsOf = (mask: (h: CompiledHold) => number) =>
    types.map((_, code) => holds.reduce((bits, h) => ((mask(h) & (1 << code)) !== 0 ? bits | h.bit : bits), 0))
  return {
    rules,
    byMetric,
    metricStopMask,
    metricStops: types.map((_, code) =>
      metricStopMask.reduce((bits, mask, m) => ((mask & (1 << code)) !== 0 ? bits | (1 << m) : bits), 0)
    ),
    holds,
    holdEventMask: holds.reduce((mask, h) => mask | h.startMask | h.endMask, 0),
    startMask: rules.reduce((mask, r) => mask | r.startMask, 0),
    stopMask: rules.reduce((mask, r) => mask | r.stopMask, 0),
    holdStarts: holdsOf((h) => h.startMask),
    holdEnds: holdsOf((h) => h.endMask),
    codeOf,
    uniformDayMillis: uniformDayMillis(calendar)
  }
}
