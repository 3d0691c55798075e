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
 *
 * The clocks (`Run`) and rule lookups live in `slaClock.ts`, the pass over one segment (`Sweep`) in `slaSweep.ts`;
 * this module cuts the record into segments, runs the passes and settles the result.
 */
import type * as CaseEvent from "../CaseEvent.ts"
import type { Clock, Evaluation, TraceEntry } from "../Sla.ts"
import type { SupportPolicy } from "../SupportPolicy.ts"
import type * as cal from "./calendar.ts"
import { type CompiledPolicy, compiledPolicy } from "./policyCompiled.ts"
import type { CompiledSla } from "./slaCompile.ts"
import {
  addMillis,
  warningThreshold,
  TARGET,
  SEG_START,
  BREACHED_AT,
  DUE_CROSSED,
  STATE,
  USED_NOW,
  DUE,
  FROM,
  BREACHED_STATE,
  ACTIVE
} from "./slaClock.ts"
import { NOT_SUBMITTED, STATUS, CASE_EVENTS, Sweep } from "./slaSweep.ts"

export { addMillis, type Facts, ruleFor, targetMillis, warningThreshold } from "./slaClock.ts"
export { bitOf } from "./slaSweep.ts"

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
export class Context {
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
