/**
 * When the escalation levels of a case's SLA rules fall due (clauses 6.1–6.3, and the policy's
 * `sla[].escalations`): a pure function of the record and its evaluation, used by every write (the next instant the
 * watcher must look at the case, `CaseStore.Change.alertAt`) and by the watcher (the levels to fire now).
 *
 * A level falls due once per clock (a metric's n-th clock; a reopened case or the next period of a rolling rule is a
 * new clock): at a warning point of the target (`fractionOfTarget`), when the clock breaches (`"due"`: the first
 * millisecond after its due instant, since a reply at the due instant meets it), or a business time after the due
 * instant (`afterDue`). Only clocks that are still open count: a clock met, cancelled or refused before a level fell
 * due never fires it. A paused clock's instants ahead are not known (they move while it is paused), so they are not
 * scheduled until it resumes; the write that resumes it schedules them. A level already in the record (an
 * `slaWarning`, `slaBreached` or `slaEscalated` naming the clock and the level) never falls due again.
 */
import type * as BusinessCalendar from "../../BusinessCalendar.ts"
import * as CaseEvent from "../../CaseEvent.ts"
import type * as Sla from "../../Sla.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import * as cal from "../calendar.ts"

/** A level of a clock that has not fired: the instant it falls due, and when it fires (in service hours if asked). */
export interface Pending {
  readonly clock: Sla.Clock
  readonly rule: SupportPolicy.SlaRule
  readonly level: SupportPolicy.EscalationLevel
  readonly type: CaseEvent.SlaAlert["type"]
  /** The instant the level falls due: the warning point, the due instant, or the escalation instant. */
  readonly dueAt: number
  /**
   * The first instant it may fire: just after `dueAt` for a breach; for a `serviceHoursOnly` level that would fire
   * out of service hours (when it falls due, or at the evaluation if that is later), the next opening.
   */
  readonly firesAt: number
}

const key = (metric: string, instance: number, level: string) => `${metric}#${instance}#${level}`

const rulesById = new WeakMap<SupportPolicy.SupportPolicy, ReadonlyMap<string, SupportPolicy.SlaRule> | null>()

/** The rules of a policy that have escalation levels, by id; null when none has any. */
const escalatingRules = (policy: SupportPolicy.SupportPolicy): ReadonlyMap<string, SupportPolicy.SlaRule> | null => {
  let rules = rulesById.get(policy)
  if (rules === undefined) {
    const withLevels = policy.sla.filter((r) => (r.escalations?.length ?? 0) > 0)
    rules = withLevels.length === 0 ? null : new Map(withLevels.map((r) => [r.id, r]))
    rulesById.set(policy, rules)
  }
  return rules
}

/** The levels already fired in a record, by clock and level. */
const firedIn = (record: CaseEvent.Record): ReadonlySet<string> => {
  const fired = new Set<string>()
  for (const e of record) if (CaseEvent.isSlaAlert(e)) fired.add(key(e.metric, e.instance, e.level))
  return fired
}

const HOUR = 3_600_000
const MINUTE = 60_000

/** The instant `target` of business time after `start`, counted as the calendar counts targets. */
const addTarget = (calendar: BusinessCalendar.BusinessCalendar, start: number, target: SupportPolicy.Target) =>
  target.businessDays !== undefined
    ? cal.addBusinessDays(calendar.compiled, start, target.businessDays)
    : cal.addBusinessMillis(
        calendar.compiled,
        start,
        Math.round(
          target.businessHours !== undefined ? target.businessHours * HOUR : (target.businessMinutes ?? 0) * MINUTE
        )
      )

/** In service hours: open at `t`, or at the instant just before it (a deadline at closing time is in hours). */
const inServiceHours = (calendar: BusinessCalendar.BusinessCalendar, t: number): boolean =>
  cal.isOpen(calendar.compiled, t) || cal.isOpen(calendar.compiled, t - 1)

/**
 * The levels of the open clocks of an evaluation that have not fired, with the instants they fall due and fire.
 * `record` is the record the evaluation was made from.
 */
export const pending = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  record: CaseEvent.Record,
  evaluation: Sla.Evaluation
): ReadonlyArray<Pending> => {
  const rules = escalatingRules(policy)
  if (rules === null) return []
  let fired: ReadonlySet<string> | undefined
  const out: Array<Pending> = []
  const asOf = evaluation.asOf
  for (const clock of evaluation.clocks) {
    if (clock.outcome !== "open") continue
    const rule = rules.get(clock.rule)
    if (rule === undefined) continue
    fired ??= firedIn(record)
    const paused = clock.state === "paused"
    for (const level of rule.escalations ?? []) {
      if (fired.has(key(clock.metric, clock.instance, level.id))) continue
      let type: Pending["type"]
      let dueAt: number
      let firesAt: number
      if (level.when === "due") {
        type = "slaBreached"
        dueAt = clock.dueAt
        if (paused && dueAt > asOf) continue
        firesAt = dueAt + 1
      } else if ("fractionOfTarget" in level.when) {
        type = "slaWarning"
        const w = rule.warnAt.indexOf(level.when.fractionOfTarget)
        if (w < 0) continue
        dueAt = clock.warningsAt[w]
        if (paused && dueAt > asOf) continue
        firesAt = dueAt
      } else {
        type = "slaEscalated"
        if (paused && clock.dueAt > asOf) continue
        dueAt = addTarget(calendar, clock.dueAt, level.when.afterDue)
        firesAt = dueAt
      }
      if (level.serviceHoursOnly === true) {
        // it fires when it falls due, or now if that has passed: held to the next opening when that is out of hours
        const at = Math.max(firesAt, asOf)
        if (!inServiceHours(calendar, at)) firesAt = cal.nextOpening(calendar.compiled, at)
      }
      out.push({ clock, rule, level, type, dueAt, firesAt })
    }
  }
  return out
}

/** The earliest instant a pending level fires, or null when none is pending: the case's `alertAt`. */
export const nextAlertAt = (levels: ReadonlyArray<Pending>): number | null => {
  let next: number | null = null
  for (const p of levels) if (next === null || p.firesAt < next) next = p.firesAt
  return next
}
