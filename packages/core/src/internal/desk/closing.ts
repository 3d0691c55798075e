/**
 * The end of a case (clause 6.3): the requester may reopen an answered case within the policy's window (an
 * administrator may reopen any answered or refused case); a case is closed by hand, or by the idle sweep once it has
 * been answered and left alone, or has waited for the requester, for the policy's business days.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import * as BusinessCalendar from "../../BusinessCalendar.ts"
import { ReopenWindowClosed } from "../../DeskError.ts"
import { decoder, ReasonInput } from "../../DeskInput.ts"
import * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import type { CloseIdleOptions } from "../../SupportDesk.ts"
import { type Kernel, type Step, step } from "./kernel.ts"
import * as Policies from "./policies.ts"
import { reopenableUntil } from "./views.ts"

const decodeReason = decoder(ReasonInput)

const DAY = 86_400_000

/** A sweep's batch size: a positive integer, 100 unless given. Dies naming the operation otherwise (a host's bug). */
export const batchSizeOf = (operation: string, options: CloseIdleOptions | undefined): Effect.Effect<number> => {
  const batchSize = options?.batchSize ?? 100
  return Number.isSafeInteger(batchSize) && batchSize >= 1
    ? Effect.succeed(batchSize)
    : Effect.die(new Error(`SupportDesk.${operation}: batchSize: expected a positive integer, got ${batchSize}`))
}

export const make = (k: Kernel) => {
  const reopen = Effect.fn("SupportDesk.reopen")(function* (actor: Actor.Actor, ref: string, input: ReasonInput) {
    const { reason } = yield* decodeReason(input)
    return yield* k.run(actor, ref, "reopen", (ctx) =>
      Effect.gen(function* () {
        const policy = ctx.policy
        if (actor.role === "requester") {
          const until = reopenableUntil(policy, ctx.calendar, ctx.facts)
          if (until === null || ctx.now > until) {
            const answeredAt = ctx.facts.answeredAt ?? ctx.facts.updatedAt
            return yield* new ReopenWindowClosed({
              caseId: ctx.case.id,
              answeredAt,
              windowEndedAt: until ?? answeredAt,
              message:
                `case ${ctx.case.trackingNumber} can be reopened within ` +
                `${policy.lifecycle.reopenWithinBusinessDays} business days of its answer ` +
                `(clause ${policy.lifecycle.clause})` +
                (until === null ? "" : `, until ${Sla.formatInstant(until, policy.calendar.spec.timeZone)}`)
            })
          }
        }
        return {
          events: [{ type: "reopened", ...(reason === undefined ? {} : { reason }) }],
          notices: ctx.notices.reopened(ctx.case, actor, reason)
        } satisfies Step
      })
    )
  })

  const close = Effect.fn("SupportDesk.close")(function* (actor: Actor.Actor, ref: string, input: ReasonInput) {
    const { reason } = yield* decodeReason(input)
    return yield* k.run(actor, ref, "close", (ctx) =>
      step(
        [{ type: "closed", ...(reason === undefined ? {} : { reason }) }],
        actor.role === "requester" ? [] : [ctx.notices.closed(ctx.case, reason)]
      )
    )
  })

  /**
   * The auto-closing rules of clause 6.3: the statuses, the business days of inactivity (in the case's version of the
   * policy), and the close reason.
   */
  const idleRules = [
    {
      statuses: ["resolved", "explained"],
      days: (p: SupportPolicy.SupportPolicy) => p.lifecycle.closeResolvedAfterBusinessDays,
      reason: "inactiveAfterAnswer"
    },
    {
      statuses: ["awaitingRequester"],
      days: (p: SupportPolicy.SupportPolicy) => p.lifecycle.closeAwaitingRequesterAfterBusinessDays,
      reason: "requesterDidNotRespond"
    }
  ] as const satisfies ReadonlyArray<{ readonly statuses: ReadonlyArray<SupportCase.Status> } & Record<string, unknown>>

  /** Whether a case last updated at `updatedAt` has been idle for `days` business days of `calendar` at `t`. */
  const idleFor = (calendar: BusinessCalendar.BusinessCalendar, updatedAt: number, days: number, t: number) =>
    BusinessCalendar.addBusinessDays(calendar, Sla.instant(updatedAt), days).epochMilliseconds <= t

  const closeIdle = Effect.fn("SupportDesk.closeIdle")(function* (options?: CloseIdleOptions) {
    const batchSize = yield* batchSizeOf("closeIdle", options)
    const t = yield* k.now
    const versions = yield* k.policies.all
    const closed: Array<string> = []
    for (const rule of idleRules) {
      const statuses: ReadonlyArray<SupportCase.Status> = rule.statuses
      // N business days after an instant is more than N - 2 days after it (the N-th business day can end earlier in
      // its day, and the zone can change its offset), so a case updated after `t - (N - 2) days` cannot be idle
      // yet: the store lists the candidates up to that bound (N the least of every version), and each is checked
      // exactly against the calendar of its own version.
      const least = Math.min(...versions.map(rule.days))
      const updatedBefore = t - Math.max(0, least - 2) * DAY + 1
      yield* k.forEachByStatus({ statuses, updatedBefore }, batchSize, (candidate) =>
        Effect.gen(function* () {
          const version = Policies.rulesOf(yield* k.policies.require(candidate.policyVersion))
          if (!idleFor(version.calendar, candidate.updatedAt, rule.days(version.policy), t)) return true
          const done = yield* k
            .commitTo(
              candidate.id,
              (current, _t, rules) =>
                Effect.succeed(
                  !statuses.includes(current.facts.status) ||
                    !idleFor(rules.calendar, current.case.updatedAt, rule.days(rules.policy), t)
                    ? Option.none()
                    : Option.some<Step>({
                        events: [{ type: "closed", reason: rule.reason }],
                        notices: [rules.notices.closedIdle(current.case, rule.reason)]
                      })
                ),
              Actor.system
            )
            .pipe(
              Effect.map(Option.isSome),
              Effect.catchTag("CaseNotFound", () => Effect.succeed(false))
            )
          if (done) closed.push(candidate.id)
          return true
        })
      )
    }
    return closed
  })

  return { reopen, close, closeIdle }
}
