/**
 * Clause 7.3, "requests deemed abusive or harassing may be refused": an agent refuses a case with one of the policy's
 * reason codes, and the policy's rate limits refuse what goes over them before it is written (cases opened, checked
 * by the store in the submission's own write; messages sent, checked against the record).
 */
import { Effect } from "effect"
import type * as Actor from "../../Actor.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import type { OpeningLimit, OpeningLimitReached } from "../../CaseStore.ts"
import { decoder, invalid, RefuseInput } from "../../DeskInput.ts"
import { RateLimitExceeded } from "../../DeskError.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { type Kernel, step } from "./kernel.ts"

const HOUR = 3_600_000

/** The policy's case-opening rate limits at `t`, for the store to check in the same write as the case. */
export const openingLimits = (policy: SupportPolicy.SupportPolicy, t: number): ReadonlyArray<OpeningLimit> =>
  policy.refusal.rateLimits
    .filter((limit) => limit.measure === "casesOpened")
    .map((limit) => ({ id: limit.id, since: t - limit.windowHours * HOUR, max: limit.limit }))

const exceeded = (
  policy: SupportPolicy.SupportPolicy,
  requesterId: string,
  limit: SupportPolicy.SupportPolicy["refusal"]["rateLimits"][number],
  count: number
) =>
  new RateLimitExceeded({
    requesterId,
    limitId: limit.id,
    measure: limit.measure,
    limit: limit.limit,
    windowHours: limit.windowHours,
    count,
    message:
      `requester ${requesterId} ${limit.measure === "casesOpened" ? "opened" : "sent"} ${count} ` +
      `${limit.measure === "casesOpened" ? "cases" : "messages"} within ${limit.windowHours} h (limit ${limit.limit}); ` +
      `the requester is due for review (clause ${policy.refusal.clause})`
  })

/** The refusal of a submission the store found over an opening limit. */
export const openingLimitExceeded = (
  policy: SupportPolicy.SupportPolicy,
  requesterId: string,
  reached: OpeningLimitReached
): RateLimitExceeded =>
  exceeded(policy, requesterId, policy.refusal.rateLimits.find((l) => l.id === reached.limitId)!, reached.count)

/** Fails when the requester already sent as many messages to the case as a `messagesSent` limit allows. */
export const checkMessageRate = (
  policy: SupportPolicy.SupportPolicy,
  actor: Actor.Actor,
  record: CaseEvent.Record,
  t: number
): Effect.Effect<void, RateLimitExceeded> => {
  for (const limit of policy.refusal.rateLimits) {
    if (limit.measure !== "messagesSent") continue
    const since = t - limit.windowHours * HOUR
    let count = 0
    for (const e of record) {
      if (e.at >= since && e.actor.id === actor.id && e.actor.role === "requester") count++
    }
    if (count >= limit.limit) return Effect.fail(exceeded(policy, actor.id, limit, count))
  }
  return Effect.void
}

const decodeRefuse = decoder(RefuseInput)

export const make = (k: Kernel) => {
  const { policy } = k

  const refuse = Effect.fn("SupportDesk.refuse")(function* (actor: Actor.Actor, ref: string, input: RefuseInput) {
    const { body, reason } = yield* decodeRefuse(input)
    const code = policy.refusal.reasons.find((r) => r.code === reason)
    if (code === undefined) {
      return yield* invalid([
        {
          path: "reason",
          message: `unknown refusal reason "${reason}"; expected one of ${policy.refusal.reasons.map((r) => r.code).join(", ")}`
        }
      ])
    }
    return yield* k.run(actor, ref, "refuse", (ctx) =>
      step(
        [{ type: "refused", reason, ...(body === undefined ? {} : { body }) }],
        [k.notices.refused(ctx.case, code.description, body)]
      )
    )
  })

  return { refuse }
}
