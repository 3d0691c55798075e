/**
 * Clause 7.2, "submitted content must be genuine and lawful; the platform may verify as needed": a case of a category
 * the policy verifies is held while its content is verified (its clocks pause as the policy's holds say), and the
 * verification is concluded: verified, the case goes on; rejected, the case is explained to the requester.
 */
import { Effect } from "effect"
import type * as Actor from "../../Actor.ts"
import { VerificationNotApplicable } from "../../DeskError.ts"
import { ConcludeVerificationInput, decoder, invalid, ReasonInput } from "../../DeskInput.ts"
import { type Draft, type Kernel, type Step, step } from "./kernel.ts"
import { ratingLink } from "./satisfaction.ts"

const decodeReason = decoder(ReasonInput)
const decodeConclude = decoder(ConcludeVerificationInput)

export const make = (k: Kernel) => {
  const holdForVerification = Effect.fn("SupportDesk.holdForVerification")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    const { reason } = yield* decodeReason(input)
    return yield* k.run(actor, ref, "holdForVerification", (ctx) =>
      Effect.gen(function* () {
        if (!ctx.policy.verification.categories.includes(ctx.facts.category)) {
          return yield* new VerificationNotApplicable({
            caseId: ctx.case.id,
            category: ctx.facts.category,
            message:
              `the policy does not hold "${ctx.facts.category}" cases for verification ` +
              `(clause ${ctx.policy.verification.clause})`
          })
        }
        return {
          events: [{ type: "verificationStarted", ...(reason === undefined ? {} : { reason }) }],
          notices: [ctx.notices.verificationHold(ctx.case, reason)]
        } satisfies Step
      })
    )
  })

  const concludeVerification = Effect.fn("SupportDesk.concludeVerification")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ConcludeVerificationInput
  ) {
    const decoded = yield* decodeConclude(input)
    if (decoded.outcome === "rejected" && decoded.explanation === undefined) {
      return yield* invalid([
        {
          path: "explanation",
          message: "a rejected verification explains the case to the requester: an explanation is required"
        }
      ])
    }
    const concluded: Draft = {
      type: "verificationConcluded",
      outcome: decoded.outcome,
      ...(decoded.note === undefined ? {} : { note: decoded.note })
    }
    const explanation = decoded.outcome === "rejected" ? decoded.explanation : undefined
    return yield* k.run(actor, ref, "concludeVerification", (ctx) =>
      explanation === undefined
        ? step([concluded])
        : Effect.flatMap(ratingLink(k, ctx), (link) =>
            step(
              [concluded, { type: "explained", reason: "verification-rejected", body: explanation }],
              ctx.notices.explained(ctx.case, explanation, ctx.now, link)
            )
          )
    )
  })

  return { holdForVerification, concludeVerification }
}
