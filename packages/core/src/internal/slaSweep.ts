/**
 * The pass of the SLA engine (`slaEngine.ts`) over one segment of a handling record: the case's status, cycles,
 * holds and facts, and the clocks each event starts, pauses, resumes or stops.
 */
import type * as CaseEvent from "../CaseEvent.ts"
import * as cal from "./calendar.ts"
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
import {
  type Facts,
  ruleFor,
  targetMillis,
  addMillis,
  warningThreshold,
  STARTED_AT,
  TARGET,
  USED,
  SEG_START,
  SEG_POS,
  LAST_START,
  LAST_USED,
  PAUSED_SINCE,
  BREACHED_AT,
  STOPPED_AT,
  MET_AT,
  DUE_CROSSED,
  STATE,
  USED_NOW,
  FROM,
  NEXT,
  MET,
  CANCELLED,
  REFUSED_OUTCOME,
  type Step,
  type Reason,
  Run,
  freshWarnings,
  nextPoint,
  BREACHED_STATE
} from "./slaClock.ts"
import type { Context } from "./slaEngine.ts"

// -------------------------------------------------------------------------------------------------------------------
// the pass
// -------------------------------------------------------------------------------------------------------------------

export const NOT_SUBMITTED = 0
const OPEN = 1
const RESOLVED = 2
const EXPLAINED = 3
const REFUSED = 4
const WITHDRAWN = 5
const MERGED = 6
const CLOSED = 7

export const STATUS = [
  "notSubmitted",
  "open",
  "resolved",
  "explained",
  "refused",
  "withdrawn",
  "merged",
  "closed"
] as const

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
export const CASE_EVENTS = INTRINSIC_EVENTS.reduce(
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

export class Sweep {
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
