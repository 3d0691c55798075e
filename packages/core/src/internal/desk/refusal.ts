/**
 * Clause 7.3, "requests deemed abusive or harassing may be refused": an agent refuses a case with one of the policy's
 * reason codes, and the policy's rate limits refuse what goes over them before it is written: cases opened and
 * messages sent, each counted per requester over all their cases by the store, in the write's own unit of work.
 */
import { Effect } from "effect"
import type * as Actor from "../../Actor.ts"
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

/** The refusal of a message the store found over a message limit (counted over all the requester's cases). */
export const messageLimitExceeded =
  (requesterId: string) =>
  (policy: SupportPolicy.SupportPolicy) =>
  (reached: { readonly limitId: string; readonly count: number }): RateLimitExceeded =>
    exceeded(policy, requesterId, policy.refusal.rateLimits.find((l) => l.id === reached.limitId)!, reached.count)

const decodeRefuse = decoder(RefuseInput)

export const make = (k: Kernel) => {
  const refuse = Effect.fn("SupportDesk.refuse")(function* (actor: Actor.Actor, ref: string, input: RefuseInput) {
    const { body, reason } = yield* decodeRefuse(input)
    return yield* k.run(actor, ref, "refuse", (ctx) => {
      const code = ctx.policy.refusal.reasons.find((r) => r.code === reason)
      if (code === undefined) {
        return Effect.fail(
          invalid([
            {
              path: "reason",
              message: `unknown refusal reason "${reason}"; expected one of ${ctx.policy.refusal.reasons.map((r) => r.code).join(", ")}`
            }
          ])
        )
      }
      return step(
        [{ type: "refused", reason, ...(body === undefined ? {} : { body }) }],
        [ctx.notices.refused(ctx.case, code.description, body)]
      )
    })
  })

  return { refuse }
}
