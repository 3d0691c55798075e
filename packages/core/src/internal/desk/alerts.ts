/**
 * SLA alerts (clauses 6.1–6.3 and the policy's `sla[].escalations`): the watcher that fires the escalation levels of
 * cases whose alert instant has passed, and the list of alerts a staff member reads.
 *
 * The watcher claims due cases from the store (`CaseStore.claimAlerts`: `FOR UPDATE SKIP LOCKED` and a lease, so any
 * number of processes may run it), then, with each case locked (`CaseStore.update`), evaluates its clocks now on its
 * clock record and appends one staff-only event per level due (`slaWarning`, `slaBreached`, `slaEscalated`, with the
 * clock, the level and the instant it fell due) and a notification to each person the level names, in one unit of
 * work through the kernel's change, which also writes the case's next alert instant. Exactly once per clock and
 * level: the alerts fired are kept in the clock record, a level already there is never due again
 * (`escalations.ts`), and two watchers of one case run one after the other, the second seeing what the first fired.
 */
import type { PolicyStoreFailure } from "../../PolicyStore.ts"
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import * as SlaAlert from "../../SlaAlert.ts"
import type { CaseStoreFailure } from "../../CaseStore.ts"
import type * as Directory from "../../Directory.ts"
import type { AlertQuery, FireAlertsOptions, FiredAlerts } from "../../SupportDesk.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import * as Escalations from "./escalations.ts"
import type { Draft, Kernel } from "./kernel.ts"
import type { Notice, Recipient } from "./notices.ts"

/** A person to notify: their directory entry, or only the id and role a case names them by. */
type Reachable = Pick<Directory.Person, "id" | "role"> & Partial<Pick<Directory.Person, "name" | "email" | "language">>

/** Whom a level reaches on a case: addressees for the record and the alert list, and people to notify. */
interface Reach {
  readonly to: ReadonlyArray<CaseEvent.Assignee>
  readonly people: ReadonlyArray<Recipient>
}

const positiveInt = (operation: string, field: string, value: number): Effect.Effect<number> =>
  Number.isSafeInteger(value) && value >= 1
    ? Effect.succeed(value)
    : Effect.die(new Error(`SupportDesk.${operation}: ${field}: expected a positive integer, got ${value}`))

export const make = (k: Kernel, staff: Directory.Directory["Service"]) => {
  const { store } = k

  /** The people and queues a level names on a case, looked up in the staff directory. */
  const reach = (c: SupportCase.SupportCase, level: SupportPolicy.EscalationLevel) =>
    Effect.gen(function* () {
      const to: Array<CaseEvent.Assignee> = []
      const people: Array<Recipient> = []
      const seen = new Set<string>()
      const addQueue = (queue: string | undefined) => {
        const key = `queue:${queue ?? ""}`
        if (seen.has(key)) return
        seen.add(key)
        to.push(queue === undefined ? { role: "agent" } : { role: "agent", queue })
      }
      const addPerson = (member: Reachable) => {
        const key = `person:${member.id}`
        if (seen.has(key)) return
        seen.add(key)
        to.push({ role: member.role, id: member.id })
        people.push({
          id: member.id,
          role: member.role,
          language: member.language ?? c.language,
          ...(member.email === undefined ? {} : { email: member.email }),
          ...(member.name === undefined ? {} : { name: member.name })
        })
      }
      /** A person the case names: their directory entry, or what the case says of them. */
      const named = (role: Directory.Person["role"], id: string) =>
        Effect.map(staff.person(id), (found): Reachable => Option.getOrElse(found, () => ({ id, role })))
      for (const recipient of level.notify) {
        if (recipient === "assignee") {
          const assignee = c.assignee
          if (assignee?.id !== undefined) addPerson(yield* named(assignee.role, assignee.id))
          else addQueue(assignee?.queue)
        } else if (recipient === "queueLead") {
          const lead = yield* staff.queueLead(c.assignee?.queue)
          if (Option.isSome(lead)) addPerson(lead.value)
        } else if (recipient === "accountManager") {
          const id = c.requester.accountManagerId
          if (id !== undefined) addPerson(yield* named("accountManager", id))
        } else {
          for (const member of yield* staff.withRole(recipient.role)) addPerson(member)
        }
      }
      // a level that reaches nobody (no lead, no role holder) is addressed to the case's queue, never to no one
      if (to.length === 0) addQueue(c.assignee?.queue)
      return { to, people } satisfies Reach
    })

  /**
   * Fires the levels of one case due now, and writes its next alert instant, with the case locked (`update`), so a
   * concurrent action waits and every write sees the alerts before it. A case with nothing due (claimed after a change
   * moved its instant) only gets its alert instant written again.
   */
  const fireCase = (
    caseId: string
  ): Effect.Effect<
    ReadonlyArray<SlaAlert.SlaAlert>,
    CaseStoreFailure | Directory.DirectoryUnavailable | PolicyStoreFailure
  > =>
    store
      .update(caseId, (current) =>
        Effect.gen(function* () {
          const t = Math.max(yield* k.now, current.case.updatedAt)
          // the levels of the case's version of the policy (clause 7.1)
          const rules = yield* k.rulesOfStored(current)
          const evaluation = rules.evaluate(current.clockRecord, t)
          const due = Escalations.pending(rules.policy, rules.calendar, current.clockRecord, evaluation).filter(
            (p) => p.firesAt <= t
          )
          const events: Array<Draft> = []
          const notices: Array<Notice> = []
          for (const p of due) {
            const { to, people } = yield* reach(current.case, p.level)
            events.push({
              type: p.type,
              actor: Actor.system,
              metric: p.clock.metric,
              rule: p.rule.id,
              instance: p.clock.instance,
              level: p.level.id,
              dueAt: p.dueAt,
              to
            })
            notices.push(
              ...rules.notices.slaAlert(
                current.case,
                { type: p.type, clock: p.clock, rule: p.rule, level: p.level, dueAt: p.dueAt },
                people
              )
            )
          }
          const made = yield* k.change(current, { events, notices }, Actor.system, t, rules)
          return { change: made.change, result: SlaAlert.fromEvents(made.change.case, made.change.events) }
        })
      )
      .pipe(
        // a case that is gone has nothing to fire; the desk's own write carries no requester message to refuse
        Effect.catchTag("CaseNotFound", () => Effect.succeed<ReadonlyArray<SlaAlert.SlaAlert>>([])),
        Effect.catchTag(["MessageLimitReached", "MessageKeyTaken"], (refusal) => Effect.die(refusal))
      )

  const fireAlerts = Effect.fn("SupportDesk.fireAlerts")(function* (options?: FireAlertsOptions) {
    const limit = yield* positiveInt("fireAlerts", "limit", options?.limit ?? 10)
    const leaseMillis = yield* positiveInt("fireAlerts", "leaseMillis", options?.leaseMillis ?? 3_000)
    const concurrency = yield* positiveInt("fireAlerts", "concurrency", options?.concurrency ?? 4)
    const now = yield* k.now
    const claimed = yield* store.claimAlerts({ limit, now, leaseMillis })
    const fired = yield* Effect.forEach(claimed, (claim) => fireCase(claim.caseId), { concurrency })
    return { claimed: claimed.length, fired: fired.flat() } satisfies FiredAlerts
  })

  const alerts = Effect.fn("SupportDesk.alerts")(function* (actor: Actor.Actor, query?: AlertQuery) {
    yield* k.authorizeDesk(actor, "viewAlerts")
    const limit = query?.limit ?? 50
    if (!Number.isSafeInteger(limit) || limit < 0) {
      return yield* Effect.die(new Error(`SupportDesk.alerts: limit: expected a non-negative integer, got ${limit}`))
    }
    if (!Actor.isStaff(actor)) return []
    return yield* store.listAlerts({ recipients: SlaAlert.keysOf(actor), limit, before: query?.before })
  })

  return { fireAlerts, alerts }
}
