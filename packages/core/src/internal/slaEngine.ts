/**
 * The SLA engine: one pass over a handling record, with business-time arithmetic on epoch milliseconds.
 *
 * A clock runs in segments (between pauses). Business time between events comes from the position of each event
 * instant (business milliseconds since the first event), so closing a segment is a subtraction. Events come in
 * order, so a position is read off the calendar's compiled intervals from the interval found for the event before,
 * usually without a search. When a segment closes past the target or a warning point (each clock keeps the next
 * such point, so most closings compare one number), the instant it was crossed is computed then, once; the instants
 * still ahead are projected only for the clocks active at `now`, or when a reader asks. The trace of a clock is not
 * kept by the pass: reading it replays the record once more with recording on. So an evaluation costs a few small
 * allocations per clock and about one lookup of the event type per event.
 *
 * What each event type does under a policy (the clocks it may start or stop, the holds it starts or ends) is
 * compiled into bit masks once per policy (`slaCompile.ts`), and the per-metric state of the pass is kept as masks
 * too, so the usual event (a reply, an update, a note) costs a few mask tests.
 *
 * The numbers of a clock live in one array of doubles (unboxed), not in object fields, and the engine's clock object
 * is itself the `Sla.Clock` the caller receives (its public fields are getters over that array; `toJSON` gives the
 * plain form). Measured with `pnpm bench sla`.
 *
 * A record with `policyChanged` events (an administrator moved the case to another version of the policy, clause
 * 7.1) is evaluated in segments, each under its own version: the pass of one segment hands the case over to the next
 * at the event's instant (`handOver`): the clocks running or paused then stop (cancelled, breached ones stay
 * breached), and every metric the case still owes starts again under the new version's rule, keeping the business
 * time already used when that rule says `onPriorityChange: keepElapsed` and with its full target otherwise.
 */
import type * as CaseEvent from "../CaseEvent.ts"
import type { Clock, ClockState, Evaluation, TraceEntry } from "../Sla.ts"
import type { SupportPolicy, Target } from "../SupportPolicy.ts"
import * as cal from "./calendar.ts"
import { type CompiledPolicy, compiledPolicy } from "./policyCompiled.ts"
import {
  INTRINSIC_EVENTS,
  intrinsicCode,
  type CompiledRule,
  type CompiledSla,
  METRICS,
  PROGRESS_UPDATE,
  REOPEN_KEEP,
  REOPEN_NONE,
  REOPEN_RESTART
} from "./slaCompile.ts"

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
const STARTED_AT = 2
const TARGET = 3
const CARRIED = 4
/** Business time used before the open segment; all of it when no segment is open. */
const USED = 5
/** Start of the open segment, or -1 when paused or stopped. */
const SEG_START = 6
/** Position of SEG_START. */
const SEG_POS = 7
/** Start of the last segment opened, and the business time used at its start. */
const LAST_START = 8
const LAST_USED = 9
const PAUSED_SINCE = 10
const BREACHED_AT = 11
const STOPPED_AT = 12
const MET_AT = 13
/** The instant the used time reached the target, once it has (NaN before). */
const DUE_CROSSED = 14
// set when the evaluation settles: the state (an index of STATES), the time used as of `now`, the due instant once
// known (NaN before), the instant projections start from
const STATE = 15
const USED_NOW = 16
const DUE = 17
const FROM = 18
/**
 * The least business time used at which a point is reached that has not been yet (the target, a warning point),
 * Infinity when none is left: closing a segment that ends before it has nothing else to compute.
 */
const NEXT = 19

const STATES = ["running", "paused", "met", "breached", "cancelled", "refused"] as const

const ACTIVE = 0
const MET = 1
const CANCELLED = 2
const REFUSED_OUTCOME = 3

const OUTCOMES = ["open", "met", "cancelled", "refused"] as const

type Step = TraceEntry["step"]
type Reason = TraceEntry["reason"]

/** A trace step as recorded by a replay; its due instant is computed when the trace is read. */
interface Logged {
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

class Run implements Clock {
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

// -------------------------------------------------------------------------------------------------------------------
// the pass
// -------------------------------------------------------------------------------------------------------------------

const NOT_SUBMITTED = 0
const OPEN = 1
const RESOLVED = 2
const EXPLAINED = 3
const REFUSED = 4
const WITHDRAWN = 5
const MERGED = 6
const CLOSED = 7

const STATUS = ["notSubmitted", "open", "resolved", "explained", "refused", "withdrawn", "merged", "closed"] as const

const METRIC_COUNT = METRICS.length
const ALL_METRICS = (1 << METRIC_COUNT) - 1
const PROGRESS_UPDATE_BIT = 1 << PROGRESS_UPDATE

const SUBMITTED = intrinsicCode("submitted")
const RESOLVED_EVENT = intrinsicCode("resolved")
const EXPLAINED_EVENT = intrinsicCode("explained")
const REFUSED_EVENT = intrinsicCode("refused")
const WITHDRAWN_EVENT = intrinsicCode("withdrawn")
const MERGED_EVENT = intrinsicCode("merged")
const CLOSED_EVENT = intrinsicCode("closed")
const REOPENED_EVENT = intrinsicCode("reopened")
const PRIORITY_CHANGED_EVENT = intrinsicCode("priorityChanged")
const CATEGORY_CHANGED_EVENT = intrinsicCode("categoryChanged")
const INCIDENT_EVENTS = (1 << intrinsicCode("incidentLinked")) | (1 << intrinsicCode("incidentUnlinked"))
/** Events that change the status or the facts of a case: the others can only meet clocks and start or end holds. */
const CASE_EVENTS = INTRINSIC_EVENTS.reduce(
  (mask, _type, code) => (INCIDENT_EVENTS & (1 << code) ? mask : mask | (1 << code)),
  0
)

/** The bit of an intrinsic event type (the same in every compiled policy). */
export const bitOf = (type: (typeof INTRINSIC_EVENTS)[number]): number => 1 << intrinsicCode(type)

/** The first index in [lo, hi) whose start is after `t`, or `hi`. */
const firstStartAfter = (starts: ReadonlyArray<number>, t: number, lo: number, hi: number): number => {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (starts[mid] <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

class Sweep {
  readonly c: cal.Compiled
  readonly sla: CompiledSla
  /** What the clocks of the evaluation share. */
  readonly context: Context
  readonly recording: boolean

  status = NOT_SUBMITTED
  cycle = 0
  cycleStart = 0
  readonly facts: Facts = { priority: "", category: "", channel: "", audience: "", flags: [] }

  runs: Array<Run> = []
  /** Per metric: the active clock. */
  readonly active: Array<Run | undefined> = [undefined, undefined, undefined]
  /** Bits of the metrics with an active clock, and of those satisfied for the cycle. */
  activeMask = 0
  satisfiedMask = 0
  /** The instant of the last progress update (or reopen). */
  lastUpdate = 0
  readonly instances = [0, 0, 0]

  /** Per hold, the keys (incident ids) it is held by, created on first use; the mask of holds in force. */
  holdKeys: Array<Array<string>> | undefined = undefined
  holdMask = 0
  /** The spans of the holds, flat: hold bit, from, to (Infinity while in force). */
  holdLog: Array<number> | undefined = undefined

  /**
   * Positions: business milliseconds since `ref`, memoised for the last instant asked. The calendar's compiled
   * intervals are read directly: `refBefore` is the business time before `ref` in the compiled range while that
   * range starts at `base`, and `cursor` the interval found last, where the search for the next instant starts
   * (events come in order, so it is usually there or a step or two ahead).
   */
  ref = 0
  refBefore = 0
  base = Number.NaN
  cursor = -1
  posAt = Number.NaN
  posValue = 0

  /** Index of the event being applied, or -1. */
  index = -1

  constructor(c: cal.Compiled, sla: CompiledSla, context: Context, recording: boolean) {
    this.c = c
    this.sla = sla
    this.context = context
    this.recording = recording
  }

  pos(t: number): number {
    return t === this.posAt ? this.posValue : this.position(t)
  }

  /** The position of an instant other than the last one asked. */
  position(t: number): number {
    const c = this.c
    let value: number
    if (c.lo === this.base && t >= c.lo && t < c.hi) {
      // the last interval starting at or before t: events come in order, so it is the interval found last or one a
      // step or two after it
      const starts = c.starts
      let i = this.cursor
      if (i + 1 < starts.length && starts[i + 1] <= t) {
        i++
        if (i + 1 < starts.length && starts[i + 1] <= t) i = this.intervalOf(c, t)
      } else if (i >= 0 && starts[i] > t) i = this.intervalOf(c, t)
      this.cursor = i
      value = (i < 0 ? 0 : c.cum[i] + Math.min(t, c.ends[i]) - starts[i]) - this.refBefore
    } else {
      // outside the compiled range (or the range was extended backward): the calendar extends it
      value = cal.businessMillisBetween(c, this.ref, t)
      this.base = c.lo
      this.cursor = this.intervalOf(c, this.ref)
      const i = this.cursor
      this.refBefore = i < 0 ? 0 : c.cum[i] + Math.min(this.ref, c.ends[i]) - c.starts[i]
    }
    this.posAt = t
    this.posValue = value
    return value
  }

  /** The index of the last interval of the compiled range starting at or before `t` (-1 for none). */
  intervalOf(c: cal.Compiled, t: number): number {
    return firstStartAfter(c.starts, t, 0, c.starts.length) - 1
  }

  holdNames(mask: number): string | undefined {
    let out: string | undefined
    for (const h of this.sla.holds) {
      if ((mask & h.bit) !== 0) out = out === undefined ? h.id : `${out},${h.id}`
    }
    return out
  }

  trace(run: Run, at: number, step: Step, left: number, holds: number, rule: string | undefined, reason: Reason) {
    run.log!.push({
      at,
      step,
      event: step === "breached" ? -1 : this.index,
      usedMs: step === "breached" ? run.v[TARGET] : run.v[USED],
      left,
      holds,
      rule,
      reason
    })
  }

  /** Records a breach when the clock is at `t`, past the instant its used time reached the target. */
  breachIfPast(run: Run, t: number): void {
    if (run.v[BREACHED_AT] < 0 && t > run.v[DUE_CROSSED]) this.breach(run)
  }

  breach(run: Run): void {
    const v = run.v
    v[BREACHED_AT] = v[DUE_CROSSED]
    if (this.recording) this.trace(run, v[DUE_CROSSED], "breached", Number.NaN, 0, undefined, undefined)
  }

  /** The points already reached by the time used (after a carry-over or a new target) count as reached at `t`. */
  markReached(run: Run, t: number): void {
    const v = run.v
    const used = v[USED]
    if (used >= v[TARGET] && Number.isNaN(v[DUE_CROSSED])) v[DUE_CROSSED] = t
    const warnAt = run.compiled.warnAt
    for (let w = 0; w < warnAt.length; w++) {
      if (Number.isNaN(run.warn[w]) && used >= warningThreshold(v[TARGET], warnAt[w])) run.warn[w] = t
    }
    nextPoint(run)
  }

  openSegment(run: Run, t: number): void {
    const v = run.v
    v[SEG_START] = t
    v[SEG_POS] = this.pos(t)
    v[LAST_START] = t
    v[LAST_USED] = v[USED]
    v[PAUSED_SINCE] = -1
  }

  /** Closes the open segment at `t`: adds its business time, and the instants of the points it reached. */
  closeSegment(run: Run, t: number): void {
    const v = run.v
    const start = v[SEG_START]
    if (start < 0) return
    const before = v[USED]
    const after = before + (this.pos(t) - v[SEG_POS])
    if (after >= v[NEXT]) this.reached(run, start, before, after)
    this.breachIfPast(run, t)
    v[USED] = after
    v[SEG_START] = -1
  }

  /** The instants at which a segment from `start`, with `before` used at its start, reached its points. */
  reached(run: Run, start: number, before: number, after: number): void {
    const v = run.v
    const target = v[TARGET]
    if (after >= target && Number.isNaN(v[DUE_CROSSED])) v[DUE_CROSSED] = addMillis(this.c, start, target - before)
    const warnAt = run.compiled.warnAt
    for (let w = 0; w < warnAt.length; w++) {
      if (!Number.isNaN(run.warn[w])) continue
      const threshold = warningThreshold(target, warnAt[w])
      if (after >= threshold) run.warn[w] = addMillis(this.c, start, threshold - before)
    }
    nextPoint(run)
  }

  start(rule: CompiledRule, metric: number, startedAt: number, t: number, used: number, carried: number, why: Reason) {
    const target = targetMillis(this.c, this.sla, rule, startedAt)
    const run = new Run(
      rule,
      metric,
      ++this.instances[metric],
      this.cycle,
      startedAt,
      target,
      used,
      carried,
      this.recording
    )
    run.index = this.runs.length
    run.context = this.context
    if (used > 0) this.markReached(run, t)
    else run.v[NEXT] = Math.min(target, warningThreshold(target, rule.firstWarning))
    const paused = this.holdMask & rule.pauseMask
    if (paused !== 0) run.v[PAUSED_SINCE] = t
    else this.openSegment(run, t)
    if (this.recording) this.trace(run, t, "started", paused !== 0 ? Number.NaN : target - used, paused, undefined, why)
    this.runs.push(run)
    this.active[metric] = run
    this.activeMask |= 1 << metric
  }

  stop(run: Run, t: number, outcome: number, why: Reason): void {
    const v = run.v
    run.ranToStop = v[SEG_START] >= 0
    this.closeSegment(run, t)
    if (!run.ranToStop) this.breachIfPast(run, t)
    run.outcomeCode = outcome
    v[STOPPED_AT] = t
    v[PAUSED_SINCE] = -1
    if (outcome === MET) v[MET_AT] = t
    // the clock is settled: what the evaluation reads of it will not change
    v[USED_NOW] = v[USED]
    v[FROM] = t
    v[STATE] = v[BREACHED_AT] >= 0 ? BREACHED_STATE : outcome === MET ? 2 : outcome === REFUSED_OUTCOME ? 5 : 4
    if (this.recording) {
      const step = outcome === MET ? "met" : outcome === REFUSED_OUTCOME ? "refused" : "cancelled"
      this.trace(run, t, step, Number.NaN, 0, undefined, why)
    }
    if (this.active[run.metricIndex] === run) {
      this.active[run.metricIndex] = undefined
      this.activeMask &= ~(1 << run.metricIndex)
    }
  }

  stopAll(t: number, outcome: number, why: Reason): void {
    for (let m = 0; m < METRIC_COUNT; m++) {
      const run = this.active[m]
      if (run !== undefined) this.stop(run, t, outcome, why)
    }
  }

  /** Business time in [from, to) during which any hold of `mask` was in force. */
  heldMillis(mask: number, from: number, to: number): number {
    if (this.holdLog === undefined || mask === 0) return 0
    const spans: Array<[number, number]> = []
    const log = this.holdLog
    for (let s = 0; s < log.length; s += 3) {
      if ((log[s] & mask) === 0) continue
      const a = Math.max(log[s + 1], from)
      const b = Math.min(log[s + 2], to)
      if (a < b) spans.push([a, b])
    }
    spans.sort((x, y) => x[0] - y[0])
    let total = 0
    let curA = 0
    let curB = Number.NEGATIVE_INFINITY
    for (const [a, b] of spans) {
      if (a > curB) {
        if (curB > curA) total += cal.businessMillisBetween(this.c, curA, curB)
        curA = a
        curB = b
      } else if (b > curB) curB = b
    }
    if (curB > curA) total += cal.businessMillisBetween(this.c, curA, curB)
    return total
  }

  /** After a priority or category change: each metric's clock follows the rule that now applies. */
  reapply(t: number): void {
    for (let m = 0; m < METRIC_COUNT; m++) {
      const next = ruleFor(this.sla, m, this.facts)
      const run = this.active[m]
      if (run !== undefined) {
        const current = run.compiled
        if (current === next) continue
        if (next === undefined) {
          this.stop(run, t, CANCELLED, "noLongerApplies")
        } else if (next.keepOnChange) {
          const v = run.v
          this.closeSegment(run, t)
          if (v[SEG_START] < 0 && v[PAUSED_SINCE] < 0) v[PAUSED_SINCE] = t
          run.compiled = next
          v[TARGET] = targetMillis(this.c, this.sla, next, v[STARTED_AT])
          if (v[BREACHED_AT] < 0) v[DUE_CROSSED] = Number.NaN
          run.warn = freshWarnings(next)
          this.markReached(run, t)
          const paused = this.holdMask & next.pauseMask
          if (paused === 0) this.openSegment(run, t)
          if (this.recording) {
            const left = paused === 0 ? v[TARGET] - v[USED] : Number.NaN
            this.trace(run, t, "retargeted", left, paused, current.rule.id, "keepElapsed")
          }
        } else {
          this.stop(run, t, CANCELLED, "superseded")
          this.start(next, m, t, t, 0, 0, "ruleAppliesRestart")
        }
      } else if (next !== undefined && this.status === OPEN && (this.satisfiedMask & (1 << m)) === 0) {
        if (next.keepOnChange) {
          const anchor = m === PROGRESS_UPDATE ? Math.max(this.cycleStart, this.lastUpdate) : this.cycleStart
          const used = cal.businessMillisBetween(this.c, anchor, t) - this.heldMillis(next.pauseMask, anchor, t)
          this.start(next, m, anchor, t, used, 0, "ruleAppliesKeepElapsed")
        } else {
          this.start(next, m, t, t, 0, 0, "ruleAppliesRestart")
        }
      }
    }
  }

  /** The last clock of a metric. */
  lastOf(metric: number): Run | undefined {
    for (let i = this.runs.length - 1; i >= 0; i--) if (this.runs[i].metricIndex === metric) return this.runs[i]
    return undefined
  }

  reopen(t: number): void {
    this.satisfiedMask = 0
    this.lastUpdate = t
    for (let m = 0; m < METRIC_COUNT; m++) {
      const rule = ruleFor(this.sla, m, this.facts)
      if (rule === undefined) continue
      const previous = this.lastOf(m)
      if (rule.reopen === REOPEN_NONE) this.satisfiedMask |= 1 << m
      else if (rule.reopen === REOPEN_RESTART || previous === undefined)
        this.start(rule, m, t, t, 0, 0, "reopenedRestart")
      else if (rule.reopen === REOPEN_KEEP) {
        const carried = previous.v[USED]
        this.start(rule, m, t, t, carried, carried, "reopenedKeepElapsed")
      }
    }
  }

  updateHolds(code: number, bit: number, e: CaseEvent.CaseEvent, t: number): void {
    const starts = this.sla.holdStarts[code]
    const ends = this.sla.holdEnds[code]
    const before = this.holdMask
    let mask: number
    if ((bit & INCIDENT_EVENTS) === 0) {
      // an unkeyed event holds or releases the whole hold
      if (ends !== 0 && this.holdKeys !== undefined) {
        for (let rest = ends; rest !== 0; rest &= rest - 1) this.holdKeys[31 - Math.clz32(rest & -rest)] = []
      }
      mask = (before & ~ends) | starts
    } else {
      mask = this.keyedHolds((e as CaseEvent.Of<"incidentLinked">).incidentId, starts, ends, before)
    }
    if (mask === before) return
    const changed = mask ^ before
    this.holdLog ??= []
    const holdLog = this.holdLog
    for (let rest = changed; rest !== 0; rest &= rest - 1) {
      const hold = rest & -rest
      if ((mask & hold) !== 0) holdLog.push(hold, t, Number.POSITIVE_INFINITY)
      else {
        for (let s = holdLog.length - 3; s >= 0; s -= 3) {
          if (holdLog[s] === hold && holdLog[s + 2] === Number.POSITIVE_INFINITY) {
            holdLog[s + 2] = t
            break
          }
        }
      }
    }
    this.holdMask = mask
    for (let rest = this.activeMask; rest !== 0; rest &= rest - 1) {
      const run = this.active[31 - Math.clz32(rest & -rest)]!
      const pauseMask = run.compiled.pauseMask
      if ((changed & pauseMask) === 0) continue
      const wasPaused = (before & pauseMask) !== 0
      const isPaused = (mask & pauseMask) !== 0
      if (wasPaused === isPaused) continue
      if (isPaused) {
        this.closeSegment(run, t)
        run.v[PAUSED_SINCE] = t
        if (this.recording) this.trace(run, t, "paused", Number.NaN, mask & pauseMask, undefined, undefined)
      } else {
        this.breachIfPast(run, t)
        this.openSegment(run, t)
        if (this.recording) {
          this.trace(run, t, "resumed", run.v[TARGET] - run.v[USED], before & pauseMask, undefined, undefined)
        }
      }
    }
  }

  /** The holds in force after an event keyed by `key` (an incident id) starts or ends some of them. */
  keyedHolds(key: string, starts: number, ends: number, before: number): number {
    let mask = before
    for (let rest = starts | ends; rest !== 0; rest &= rest - 1) {
      const bit = rest & -rest
      const h = 31 - Math.clz32(bit)
      if (this.holdKeys === undefined) {
        this.holdKeys = []
        for (let k = 0; k < this.sla.holds.length; k++) this.holdKeys.push([])
      }
      let keys = this.holdKeys[h]
      if ((ends & bit) !== 0) {
        keys = keys.filter((k) => k !== key)
        this.holdKeys[h] = keys
      }
      if ((starts & bit) !== 0 && !keys.includes(key)) keys.push(key)
      mask = keys.length > 0 ? mask | bit : mask & ~bit
    }
    return mask
  }

  /**
   * Applies event `e`, at `t`, whose type has code `code` (`run` skips the events of no concern). The usual events
   * (replies, updates, holds) take this short path; the events that change the case go to `applyCaseEvent`.
   */
  apply(e: CaseEvent.CaseEvent, t: number, code: number): void {
    const bit = 1 << code
    if ((bit & CASE_EVENTS) !== 0) {
      this.applyCaseEvent(e, t, code, bit)
      return
    }
    if (this.status === NOT_SUBMITTED) return
    const sla = this.sla
    const open = this.status === OPEN
    let rolled: CompiledRule | undefined
    if (open && (bit & sla.stopMask) !== 0) {
      for (let rest = this.activeMask; rest !== 0; rest &= rest - 1) {
        const m = 31 - Math.clz32(rest & -rest)
        const run = this.active[m]!
        if ((run.compiled.stopMask & bit) === 0) continue
        this.stop(run, t, MET, undefined)
        // the next period of a rolling rule starts under the rule of the period met
        if (m === PROGRESS_UPDATE) rolled = run.compiled
      }
      this.counted(code, t)
    }
    if ((sla.holdEventMask & bit) !== 0) this.updateHolds(code, bit, e, t)
    if (open && (rolled !== undefined || (bit & sla.startMask) !== 0)) this.startIdle(t, bit, rolled)
  }

  /** Applies an event that changes the status or the facts of the case. */
  applyCaseEvent(e: CaseEvent.CaseEvent, t: number, code: number, bit: number): void {
    const sla = this.sla
    if (this.status === NOT_SUBMITTED) {
      if (code !== SUBMITTED) return
      const submitted = e as CaseEvent.Of<"submitted">
      const facts = this.facts
      facts.priority = submitted.priority
      facts.category = submitted.category
      facts.channel = submitted.channel
      facts.audience = submitted.audience
      facts.flags = submitted.requester.flags
      this.status = OPEN
      this.cycle = 1
      this.cycleStart = t
      this.ref = t
    } else {
      const wasOpen = this.status === OPEN
      let changed = false
      switch (code) {
        case SUBMITTED:
          return
        case RESOLVED_EVENT:
        case EXPLAINED_EVENT: {
          if (!wasOpen) break
          for (let m = 0; m < METRIC_COUNT; m++) {
            const run = this.active[m]
            if (run === undefined) continue
            if ((run.compiled.stopMask & bit) !== 0) this.stop(run, t, MET, undefined)
            else this.stop(run, t, CANCELLED, "caseResolved")
          }
          this.status = code === RESOLVED_EVENT ? RESOLVED : EXPLAINED
          break
        }
        case REFUSED_EVENT:
          this.stopAll(t, REFUSED_OUTCOME, undefined)
          this.status = REFUSED
          break
        case WITHDRAWN_EVENT:
          this.stopAll(t, CANCELLED, "caseWithdrawn")
          this.status = WITHDRAWN
          break
        case MERGED_EVENT:
          this.stopAll(t, CANCELLED, "caseMerged")
          this.status = MERGED
          break
        case CLOSED_EVENT:
          this.stopAll(t, CANCELLED, "caseClosed")
          this.status = CLOSED
          break
        case REOPENED_EVENT:
          if (wasOpen) break
          this.status = OPEN
          this.cycle++
          this.cycleStart = t
          if ((sla.holdEventMask & bit) !== 0) this.updateHolds(code, bit, e, t)
          this.reopen(t)
          return
        case PRIORITY_CHANGED_EVENT:
          this.facts.priority = (e as CaseEvent.Of<"priorityChanged">).to
          changed = wasOpen
          break
        case CATEGORY_CHANGED_EVENT:
          this.facts.category = (e as CaseEvent.Of<"categoryChanged">).to
          changed = wasOpen
          break
      }
      if (wasOpen && (bit & sla.stopMask) !== 0) this.counted(code, t)
      if ((sla.holdEventMask & bit) !== 0) this.updateHolds(code, bit, e, t)
      if (changed) this.reapply(t)
    }
    if (this.status === OPEN && (bit & sla.startMask) !== 0) this.startIdle(t, bit, undefined)
  }

  /** An event of an open case that counts for some metrics: a progress update, or a target met for the cycle. */
  counted(code: number, t: number): void {
    const metrics = this.sla.metricStops[code]
    if ((metrics & PROGRESS_UPDATE_BIT) !== 0) this.lastUpdate = t
    this.satisfiedMask |= metrics & ~PROGRESS_UPDATE_BIT & ~this.activeMask
  }

  /**
   * Starts the clocks of the metrics without one (and not satisfied for the cycle) that the event starts: the next
   * period of a rolling rule met by the event (`rolled`), or the rule that applies when it starts on this event.
   */
  startIdle(t: number, bit: number, rolled: CompiledRule | undefined): void {
    const sla = this.sla
    for (let rest = ALL_METRICS & ~(this.activeMask | this.satisfiedMask); rest !== 0; rest &= rest - 1) {
      const m = 31 - Math.clz32(rest & -rest)
      if (m === PROGRESS_UPDATE && rolled !== undefined) {
        this.start(rolled, m, t, t, 0, 0, "nextPeriod")
        continue
      }
      if (sla.byMetric[m].length === 0) continue
      const rule = ruleFor(sla, m, this.facts)
      if (rule !== undefined && (rule.startMask & bit) !== 0) this.start(rule, m, t, t, 0, 0, "startEvent")
    }
  }

  /** Applies the events of the record up to `now`. */
  run(record: ReadonlyArray<CaseEvent.CaseEvent>, now: number, from = 0, to = record.length): void {
    const sla = this.sla
    // an event outside these (a note, an assignment, an unknown type, …) changes nothing
    const concerned = CASE_EVENTS | sla.startMask | sla.stopMask | sla.holdEventMask
    for (let i = from; i < to; i++) {
      const e = record[i]
      const t = e.at
      if (t > now) break
      const code = sla.codeOf(e.type)
      if (code < 0 || (concerned & (1 << code)) === 0) continue
      this.index = i
      this.apply(e, t, code)
    }
    this.index = -1
  }

  /**
   * Takes the case over from the pass of the previous version (`from`) at `t`, the instant of the `policyChanged`
   * event at `index`: its clocks still running or paused stop (cancelled; a breach stays), the facts, the status, the
   * cycle, what the cycle already satisfied and the holds in force (by id) carry over, and every metric the case still
   * owes starts under this version's rule, with the business time its stopped clock used when the rule keeps elapsed
   * time on a change, else with the full target.
   */
  handOver(from: Sweep, t: number, index: number): void {
    const carried = [Number.NaN, Number.NaN, Number.NaN]
    from.index = index
    for (let m = 0; m < METRIC_COUNT; m++) {
      const run = from.active[m]
      if (run === undefined) continue
      from.stop(run, t, CANCELLED, "policyChanged")
      carried[m] = run.v[USED]
    }
    from.index = -1
    this.runs = from.runs
    this.status = from.status
    this.cycle = from.cycle
    this.cycleStart = from.cycleStart
    this.facts.priority = from.facts.priority
    this.facts.category = from.facts.category
    this.facts.channel = from.facts.channel
    this.facts.audience = from.facts.audience
    this.facts.flags = from.facts.flags
    this.satisfiedMask = from.satisfiedMask
    this.lastUpdate = from.lastUpdate
    for (let m = 0; m < METRIC_COUNT; m++) this.instances[m] = from.instances[m]
    this.ref = t
    // the holds in force, and their history, by id: a hold this version does not define is dropped
    const bitOf = (oldBit: number): number => {
      const id = from.sla.holds.find((h) => h.bit === oldBit)?.id
      return this.sla.holds.find((h) => h.id === id)?.bit ?? 0
    }
    for (let rest = from.holdMask; rest !== 0; rest &= rest - 1) this.holdMask |= bitOf(rest & -rest)
    if (from.holdKeys !== undefined) {
      for (let k = 0; k < from.holdKeys.length; k++) {
        const bit = bitOf(1 << k)
        if (bit === 0 || from.holdKeys[k].length === 0) continue
        if (this.holdKeys === undefined) this.holdKeys = this.sla.holds.map(() => [])
        this.holdKeys[31 - Math.clz32(bit)] = [...from.holdKeys[k]]
      }
    }
    if (from.holdLog !== undefined) {
      const log: Array<number> = []
      for (let s = 0; s < from.holdLog.length; s += 3) {
        const bit = bitOf(from.holdLog[s])
        if (bit !== 0) log.push(bit, from.holdLog[s + 1], from.holdLog[s + 2])
      }
      if (log.length > 0) this.holdLog = log
    }
    if (this.status !== OPEN) return
    this.index = index
    for (let m = 0; m < METRIC_COUNT; m++) {
      if ((this.satisfiedMask & (1 << m)) !== 0) continue
      const rule = ruleFor(this.sla, m, this.facts)
      if (rule === undefined) continue
      const used = carried[m]
      if (!Number.isNaN(used) && rule.keepOnChange) this.start(rule, m, t, t, used, used, "policyChangedKeepElapsed")
      else this.start(rule, m, t, t, 0, 0, "policyChangedRestart")
    }
    this.index = -1
  }

  /** Brings an active clock to `now`: the target reached in the open segment, a breach. Returns the time used. */
  settle(run: Run, now: number): number {
    const v = run.v
    let used = v[USED]
    if (v[SEG_START] >= 0) {
      used += this.pos(now) - v[SEG_POS]
      if (used >= v[TARGET] && Number.isNaN(v[DUE_CROSSED])) {
        v[DUE_CROSSED] = addMillis(this.c, v[SEG_START], v[TARGET] - v[USED])
      }
    }
    this.breachIfPast(run, now)
    return used
  }
}

// -------------------------------------------------------------------------------------------------------------------
// results
// -------------------------------------------------------------------------------------------------------------------

/**
 * A stretch of the record evaluated under one version of the policy: the events `[from, to)`, entered at the
 * `policyChanged` event `from - 1` (none for the first).
 */
interface Segment {
  readonly source: SupportPolicy
  readonly policy: CompiledPolicy
  readonly from: number
  readonly to: number
}

/** What the clocks of one evaluation share: the inputs, for the replay that produces traces. */
class Shared {
  readonly record: ReadonlyArray<CaseEvent.CaseEvent>
  readonly now: number
  readonly segments: ReadonlyArray<Segment>
  /** The segment the last pass ended in. */
  entered = 0
  #replay: Sweep | undefined = undefined

  constructor(record: ReadonlyArray<CaseEvent.CaseEvent>, now: number, segments: ReadonlyArray<Segment>) {
    this.record = record
    this.now = now
    this.segments = segments
  }

  traceOf(index: number): ReadonlyArray<TraceEntry> {
    if (this.#replay === undefined) {
      const replay = sweepAll(this, true)
      for (const run of replay.runs) if (run.outcomeCode === ACTIVE) replay.settle(run, this.now)
      this.#replay = replay
    }
    const record = this.record
    const run = this.#replay.runs[index]
    const c = run.context!.c
    const names = run.context!.names
    return run.log!.map((l): TraceEntry => {
      const e = l.event >= 0 ? record[l.event] : undefined
      return {
        at: l.at,
        step: l.step,
        sequence: e?.sequence,
        event: e?.type,
        dueAt: l.step === "breached" ? l.at : l.left > 0 ? addMillis(c, l.at, l.left) : undefined,
        usedMs: l.usedMs,
        hold: l.holds === 0 ? undefined : names(l.holds),
        rule: l.rule,
        reason: l.reason
      }
    })
  }
}

/** What the clocks of one segment share: its calendar and rules, and the evaluation's inputs. */
class Context {
  readonly c: cal.Compiled
  readonly sla: CompiledSla
  readonly shared: Shared

  constructor(c: cal.Compiled, sla: CompiledSla, shared: Shared) {
    this.c = c
    this.sla = sla
    this.shared = shared
  }

  traceOf(index: number): ReadonlyArray<TraceEntry> {
    return this.shared.traceOf(index)
  }

  /** The ids of the holds of a mask of this segment's policy, comma-separated. */
  names = (mask: number): string | undefined => {
    let out: string | undefined
    for (const h of this.sla.holds) {
      if ((mask & h.bit) !== 0) out = out === undefined ? h.id : `${out},${h.id}`
    }
    return out
  }
}

/**
 * The pass over every segment of the record, handing the case over at each `policyChanged` up to `now`. Returns the
 * last pass; `entered` is the index of its segment.
 */
const sweepAll = (shared: Shared, recording: boolean): Sweep => {
  let sweep: Sweep | undefined
  shared.entered = 0
  for (let k = 0; k < shared.segments.length; k++) {
    const segment = shared.segments[k]
    if (segment.from > 0 && shared.record[segment.from - 1].at > shared.now) break
    const c = segment.policy.calendar.compiled
    const next = new Sweep(c, segment.policy.sla, new Context(c, segment.policy.sla, shared), recording)
    if (sweep !== undefined) next.handOver(sweep, shared.record[segment.from - 1].at, segment.from - 1)
    next.run(shared.record, shared.now, segment.from, segment.to)
    sweep = next
    shared.entered = k
  }
  return sweep!
}

const maybe = (value: number): number | undefined => (value >= 0 ? value : undefined)

/** The warning instants of a new clock, none reached: array literals for the usual one or two warning points. */
const freshWarnings = (rule: CompiledRule): Array<number> => {
  const n = rule.warnAt.length
  return n === 1 ? [Number.NaN] : n === 2 ? [Number.NaN, Number.NaN] : rule.warnTemplate.slice()
}

/** Sets the NEXT point of a clock from its target, its warning points and those already reached. */
const nextPoint = (run: Run): void => {
  const v = run.v
  let next = Number.isNaN(v[DUE_CROSSED]) ? v[TARGET] : Number.POSITIVE_INFINITY
  const warnAt = run.compiled.warnAt
  for (let w = 0; w < warnAt.length; w++) {
    if (Number.isNaN(run.warn[w])) next = Math.min(next, warningThreshold(v[TARGET], warnAt[w]))
  }
  v[NEXT] = next
}

const BREACHED_STATE = STATES.indexOf("breached")

/**
 * The segments of a record: one under `policy` when it has no `policyChanged` event (or `versions` is not given),
 * else one per version, the first under the version the first move left (`from`), each next under the version it
 * moved to (`to`); a version `versions` does not know is taken as the version before it. (The pass enters only the
 * segments whose move happened by the evaluation instant.)
 */
const segmentsOf = (
  policy: SupportPolicy,
  record: ReadonlyArray<CaseEvent.CaseEvent>,
  versions: ((version: string) => SupportPolicy | undefined) | undefined
): ReadonlyArray<Segment> => {
  const single = [{ source: policy, policy: compiledPolicy(policy), from: 0, to: record.length }]
  if (versions === undefined) return single
  const moves: Array<number> = []
  for (let i = 0; i < record.length; i++) {
    if (record[i].type === "policyChanged") moves.push(i)
  }
  if (moves.length === 0) return single
  const segments: Array<Segment> = []
  let current = versions((record[moves[0]] as CaseEvent.Of<"policyChanged">).from) ?? policy
  let from = 0
  for (const i of moves) {
    segments.push({ source: current, policy: compiledPolicy(current), from, to: i })
    current = versions((record[i] as CaseEvent.Of<"policyChanged">).to) ?? current
    from = i + 1
  }
  segments.push({ source: current, policy: compiledPolicy(current), from, to: record.length })
  return segments
}

export const evaluate = (
  policy: SupportPolicy,
  record: ReadonlyArray<CaseEvent.CaseEvent>,
  now: number,
  versions?: ((version: string) => SupportPolicy | undefined) | undefined
): Evaluation => {
  const segments = segmentsOf(policy, record, versions)
  const shared = new Shared(record, now, segments)
  const sweep = sweepAll(shared, false)
  const c = sweep.c
  const applied = segments[shared.entered].source
  const runs = sweep.runs
  let nextChangeAt = Number.POSITIVE_INFINITY
  // a stopped clock was settled when it stopped
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]
    const v = run.v
    if (run.outcomeCode === ACTIVE) {
      // an active clock's instants are wanted on every read: settle them now
      const running = v[SEG_START] >= 0
      const target = v[TARGET]
      v[USED_NOW] = sweep.settle(run, now)
      v[FROM] = now
      const due = Number.isNaN(v[DUE_CROSSED]) ? run.project(c, target, now) : v[DUE_CROSSED]
      v[DUE] = due
      const warnAt = run.compiled.warnAt
      const warnings = run.warn.slice()
      for (let w = 0; w < warnAt.length; w++) {
        if (Number.isNaN(warnings[w])) warnings[w] = run.project(c, warningThreshold(target, warnAt[w]), now)
        if (running && warnings[w] > now && warnings[w] < nextChangeAt) nextChangeAt = warnings[w]
      }
      run.warnMemo = warnings
      if (running && v[BREACHED_AT] < 0 && due < nextChangeAt) nextChangeAt = due
      v[STATE] = v[BREACHED_AT] >= 0 ? BREACHED_STATE : running ? 0 : 1
    }
  }
  const clocks: ReadonlyArray<Clock> = runs
  const submitted = sweep.status !== NOT_SUBMITTED
  return {
    policy: { id: applied.id, version: applied.version },
    asOf: now,
    status: STATUS[sweep.status],
    cycle: sweep.cycle,
    priority: submitted ? sweep.facts.priority : undefined,
    category: submitted ? sweep.facts.category : undefined,
    holds: sweep.holdMask === 0 ? [] : (sweep.holdNames(sweep.holdMask) ?? "").split(","),
    clocks,
    nextChangeAt: nextChangeAt === Number.POSITIVE_INFINITY ? undefined : nextChangeAt
  }
}

/**
 * Whether events of `type` change nothing in any evaluation under `policy` (a note, a quality-review event, …): the
 * engine skips them, so a record with one more of them evaluates exactly as without it.
 */
export const isInert = (policy: SupportPolicy, type: CaseEvent.EventType): boolean => {
  const sla = compiledPolicy(policy).sla
  const code = sla.codeOf(type)
  return code < 0 || ((CASE_EVENTS | sla.startMask | sla.stopMask | sla.holdEventMask) & (1 << code)) === 0
}
