/**
 * The clocks of the SLA engine (`slaEngine.ts`): the rule and target of a metric for a case's facts, and the engine's
 * clock object, whose numbers live in one array of doubles (`Run.v`, indexed by the constants here) and which is
 * itself the `Sla.Clock` the caller receives.
 */
import type { Clock, ClockState, TraceEntry } from "../Sla.ts"
import type { Target } from "../SupportPolicy.ts"
import * as cal from "./calendar.ts"
import type { CompiledRule, CompiledSla } from "./slaCompile.ts"
import type { Context } from "./slaEngine.ts"

// -------------------------------------------------------------------------------------------------------------------
// rules and targets
// -------------------------------------------------------------------------------------------------------------------

export interface Facts {
  priority: string
  category: string
  channel: string
  audience: string
  flags: ReadonlyArray<string>
}

const hasAll = (flags: ReadonlyArray<string>, wanted: ReadonlyArray<string>): boolean => {
  for (let i = 0; i < wanted.length; i++) if (!flags.includes(wanted[i])) return false
  return true
}

/** The rule of a metric that applies to a case with these facts: the first match in policy order. */
export const ruleFor = (sla: CompiledSla, metric: number, facts: Facts): CompiledRule | undefined => {
  const rules = sla.byMetric[metric]
  for (let i = 0; i < rules.length; i++) {
    const m = rules[i].match
    if (
      (m.priorities === undefined || m.priorities.includes(facts.priority)) &&
      (m.categories === undefined || m.categories.includes(facts.category)) &&
      (m.channels === undefined || m.channels.includes(facts.channel)) &&
      (m.audiences === undefined || m.audiences.includes(facts.audience)) &&
      (m.requesterFlags === undefined || hasAll(facts.flags, m.requesterFlags))
    ) {
      return rules[i]
    }
  }
  return undefined
}

/**
 * The target of a rule in business milliseconds, for a clock that starts at `start`. Business days count as the
 * calendar counts them (`addBusinessDays`: the same local time on the n-th following business day).
 */
export const targetMillis = (c: cal.Compiled, sla: CompiledSla, rule: CompiledRule, start: number): number =>
  rule.days === 0
    ? rule.millis
    : sla.uniformDayMillis > 0
      ? rule.days * sla.uniformDayMillis
      : cal.businessMillisBetween(c, start, cal.addBusinessDays(c, start, rule.days))

/** The earliest instant at which `millis` of business time has passed since `start` (`start` itself for 0). */
export const addMillis = (c: cal.Compiled, start: number, millis: number): number =>
  millis <= 0 ? start : cal.addBusinessMillis(c, start, millis)

export const warningThreshold = (targetMs: number, fraction: number): number => Math.round(targetMs * fraction)

// -------------------------------------------------------------------------------------------------------------------
// clocks
// -------------------------------------------------------------------------------------------------------------------

// the numbers of a clock, in `Run.v`; -1 (or NaN for instants not known yet) when absent
const INSTANCE = 0
const CYCLE = 1
export const STARTED_AT = 2
export const TARGET = 3
const CARRIED = 4
/** Business time used before the open segment; all of it when no segment is open. */
export const USED = 5
/** Start of the open segment, or -1 when paused or stopped. */
export const SEG_START = 6
/** Position of SEG_START. */
export const SEG_POS = 7
/** Start of the last segment opened, and the business time used at its start. */
export const LAST_START = 8
export const LAST_USED = 9
export const PAUSED_SINCE = 10
export const BREACHED_AT = 11
export const STOPPED_AT = 12
export const MET_AT = 13
/** The instant the used time reached the target, once it has (NaN before). */
export const DUE_CROSSED = 14
// set when the evaluation settles: the state (an index of STATES), the time used as of `now`, the due instant once
// known (NaN before), the instant projections start from
export const STATE = 15
export const USED_NOW = 16
export const DUE = 17
export const FROM = 18
/**
 * The least business time used at which a point is reached that has not been yet (the target, a warning point),
 * Infinity when none is left: closing a segment that ends before it has nothing else to compute.
 */
export const NEXT = 19

export const STATES = ["running", "paused", "met", "breached", "cancelled", "refused"] as const
export const BREACHED_STATE = STATES.indexOf("breached")

export const ACTIVE = 0
export const MET = 1
export const CANCELLED = 2
export const REFUSED_OUTCOME = 3

const OUTCOMES = ["open", "met", "cancelled", "refused"] as const

export type Step = TraceEntry["step"]
export type Reason = TraceEntry["reason"]

/** A trace step as recorded by a replay; its due instant is computed when the trace is read. */
export interface Logged {
  readonly at: number
  readonly step: Step
  /** Index of the event in the record, or -1. */
  readonly event: number
  readonly usedMs: number
  /** Business time left when the step left the clock running, else NaN. */
  readonly left: number
  readonly holds: number
  readonly rule: string | undefined
  readonly reason: Reason
}

export class Run implements Clock {
  compiled: CompiledRule
  readonly metricIndex: number
  outcomeCode: number
  /** Whether the clock was running when it stopped. */
  ranToStop: boolean
  readonly v: Array<number>
  /** The instant each warning point was crossed (NaN before). */
  warn: Array<number>
  readonly log: Array<Logged> | undefined
  /** The clock's place in the evaluation, and what the readers share. */
  index: number
  context: Context | undefined
  warnMemo: ReadonlyArray<number> | undefined
  traceMemo: ReadonlyArray<TraceEntry> | undefined

  constructor(
    rule: CompiledRule,
    metric: number,
    instance: number,
    cycle: number,
    startedAt: number,
    target: number,
    used: number,
    carried: number,
    recording: boolean
  ) {
    // every field is assigned here, in one order, and no field has an initialiser: one hidden class, a small
    // constructor that the optimising compiler inlines into `start`
    this.compiled = rule
    this.metricIndex = metric
    this.outcomeCode = ACTIVE
    this.ranToStop = false
    this.v = [
      instance,
      cycle,
      startedAt,
      target,
      carried,
      used,
      -1, // SEG_START
      0, // SEG_POS
      -1, // LAST_START
      0, // LAST_USED
      -1, // PAUSED_SINCE
      -1, // BREACHED_AT
      -1, // STOPPED_AT
      -1, // MET_AT
      Number.NaN, // DUE_CROSSED
      0, // STATE
      used, // USED_NOW
      Number.NaN, // DUE
      -1, // FROM
      0 // NEXT, set by `Sweep.start`
    ]
    this.warn = freshWarnings(rule)
    this.log = recording ? [] : undefined
    this.index = -1
    this.context = undefined
    this.warnMemo = undefined
    this.traceMemo = undefined
  }

  // -- the clock, as returned by `Sla.evaluate` ----------------------------------------------------------------------

  get rule(): string {
    return this.compiled.rule.id
  }
  get clause(): string {
    return this.compiled.rule.clause
  }
  get metric(): Clock["metric"] {
    return this.compiled.rule.metric
  }
  get instance(): number {
    return this.v[INSTANCE]
  }
  get cycle(): number {
    return this.v[CYCLE]
  }
  get state(): ClockState {
    return STATES[this.v[STATE]]
  }
  get outcome(): Clock["outcome"] {
    return OUTCOMES[this.outcomeCode]
  }
  get target(): Target {
    return this.compiled.rule.target
  }
  get targetMs(): number {
    return this.v[TARGET]
  }
  get startedAt(): number {
    return this.v[STARTED_AT]
  }
  get usedMs(): number {
    return this.v[USED_NOW]
  }
  get leftMs(): number {
    return Math.max(0, this.v[TARGET] - this.v[USED_NOW])
  }
  get carriedMs(): number {
    return this.v[CARRIED]
  }
  get breachedAt(): number | undefined {
    return maybe(this.v[BREACHED_AT])
  }
  get metAt(): number | undefined {
    return maybe(this.v[MET_AT])
  }
  get stoppedAt(): number | undefined {
    return maybe(this.v[STOPPED_AT])
  }
  get pausedSince(): number | undefined {
    return maybe(this.v[PAUSED_SINCE])
  }
  /** Computed on first read for a finished clock. */
  get dueAt(): number {
    const v = this.v
    if (Number.isNaN(v[DUE])) {
      v[DUE] = Number.isNaN(v[DUE_CROSSED]) ? this.project(this.context!.c, v[TARGET], v[FROM]) : v[DUE_CROSSED]
    }
    return v[DUE]
  }
  /** Computed on first read for a finished clock. */
  get warningsAt(): ReadonlyArray<number> {
    if (this.warnMemo === undefined) {
      const v = this.v
      const warnAt = this.compiled.warnAt
      const out = this.warn.slice()
      for (let w = 0; w < out.length; w++) {
        if (Number.isNaN(out[w]))
          out[w] = this.project(this.context!.c, warningThreshold(v[TARGET], warnAt[w]), v[FROM])
      }
      this.warnMemo = out
    }
    return this.warnMemo
  }
  /** Computed on first read, by a replay of the record. */
  get trace(): ReadonlyArray<TraceEntry> {
    if (this.traceMemo === undefined) this.traceMemo = this.context!.traceOf(this.index)
    return this.traceMemo
  }

  toJSON(): Clock {
    return {
      rule: this.rule,
      clause: this.clause,
      metric: this.metric,
      instance: this.instance,
      cycle: this.cycle,
      state: this.state,
      outcome: this.outcome,
      target: this.target,
      targetMs: this.targetMs,
      startedAt: this.startedAt,
      dueAt: this.dueAt,
      warningsAt: this.warningsAt,
      usedMs: this.usedMs,
      leftMs: this.leftMs,
      carriedMs: this.carriedMs,
      breachedAt: this.breachedAt,
      metAt: this.metAt,
      stoppedAt: this.stoppedAt,
      pausedSince: this.pausedSince,
      trace: this.trace
    }
  }

  [Symbol.for("nodejs.util.inspect.custom")](): Clock {
    return this.toJSON()
  }

  /**
   * The earliest instant at which the clock has used `amount` of business time, when it has not reached it yet:
   * projected from the open or last segment, or from `from` for a clock that is paused (or stopped paused).
   */
  project(c: cal.Compiled, amount: number, from: number): number {
    const v = this.v
    if (v[SEG_START] >= 0) return addMillis(c, v[SEG_START], amount - v[USED])
    if (this.outcomeCode !== ACTIVE && this.ranToStop) return addMillis(c, v[LAST_START], amount - v[LAST_USED])
    return addMillis(c, from, amount - v[USED])
  }
}

const maybe = (value: number): number | undefined => (value >= 0 ? value : undefined)

/** The warning instants of a new clock, none reached: array literals for the usual one or two warning points. */
export const freshWarnings = (rule: CompiledRule): Array<number> => {
  const n = rule.warnAt.length
  return n === 1 ? [Number.NaN] : n === 2 ? [Number.NaN, Number.NaN] : rule.warnTemplate.slice()
}

/** Sets the NEXT point of a clock from its target, its warning points and those already reached. */
export const nextPoint = (run: Run): void => {
  const v = run.v
  let next = Number.isNaN(v[DUE_CROSSED]) ? v[TARGET] : Number.POSITIVE_INFINITY
  const warnAt = run.compiled.warnAt
  for (let w = 0; w < warnAt.length; w++) {
    if (Number.isNaN(run.warn[w])) next = Math.min(next, warningThreshold(v[TARGET], warnAt[w]))
  }
  v[NEXT] = next
}
