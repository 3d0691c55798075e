/**
 * Clause 4.5, "buyers may request platform mediation for disputes": a buyer opens a mediation on an order (a new
 * case) or asks for one on an existing case; the counterparty is contacted; both parties post statements, each
 * seeing the other's; the mediator records the outcome, which resolves the case when settled and explains it
 * otherwise.
 */
import { Effect } from "effect"
import * as Actor from "../../Actor.ts"
import { MediationNotAvailable } from "../../DeskError.ts"
import {
  decoder,
  MediationOutcomeInput,
  RespondInput,
  OpenMediationInput,
  RequestMediationInput
} from "../../DeskInput.ts"
import type { IntakeRoom } from "./intake.ts"
import { type Draft, type Kernel, type Step, step } from "./kernel.ts"
import { checkMessageRate } from "./refusal.ts"

const decodeOpenMediation = decoder(OpenMediationInput)
const decodeRequestMediation = decoder(RequestMediationInput)
const decodeRespond = decoder(RespondInput)
const decodeOutcome = decoder(MediationOutcomeInput)

export const make = (k: Kernel, intake: IntakeRoom) => {
  const { policy } = k

  /** Whether the policy mediates for this audience and category, and whether the counterparty is somebody else. */
  const mediationAvailable = (
    requesterId: string,
    audience: string,
    category: string | undefined,
    counterpartyId: string
  ) =>
    Effect.gen(function* () {
      if (category === undefined) {
        return yield* new MediationNotAvailable({ reason: "category", message: "the policy mediates no category" })
      }
      if (!policy.mediation.audiences.includes(audience)) {
        return yield* new MediationNotAvailable({
          reason: "audience",
          message:
            `platform mediation is offered to ${policy.mediation.audiences.join(", ")} only ` +
            `(clause ${policy.mediation.clause})`
        })
      }
      if (!policy.mediation.categories.includes(category)) {
        return yield* new MediationNotAvailable({
          reason: "category",
          message:
            `category "${category}" is not mediated; mediation categories: ` +
            `${policy.mediation.categories.join(", ")} (clause ${policy.mediation.clause})`
        })
      }
      if (counterpartyId === requesterId) {
        return yield* new MediationNotAvailable({
          reason: "counterparty",
          message: "the counterparty of a mediation is another person than the requester"
        })
      }
      return category
    })

  const openMediation = Effect.fn("SupportDesk.openMediation")(function* (input: OpenMediationInput) {
    const decoded = yield* decodeOpenMediation(input)
    const { counterpartyId, ...request } = decoded
    const category = yield* mediationAvailable(
      decoded.requester.id,
      decoded.requester.audience,
      decoded.category ?? policy.mediation.categories[0],
      counterpartyId
    )
    return yield* intake.openCase({ ...request, category }, { counterpartyId })
  })

  const requestMediation = Effect.fn("SupportDesk.requestMediation")(function* (
    actor: Actor.Actor,
    ref: string,
    input: RequestMediationInput
  ) {
    const { counterpartyId, statement } = yield* decodeRequestMediation(input)
    return yield* k.run(actor, ref, "requestMediation", (ctx) =>
      Effect.gen(function* () {
        const category = yield* mediationAvailable(
          ctx.case.requester.id,
          ctx.case.requester.audience,
          policy.mediation.categories.includes(ctx.facts.category)
            ? ctx.facts.category
            : policy.mediation.categories[0],
          counterpartyId
        )
        const events: Array<Draft> = []
        if (category !== ctx.facts.category) {
          events.push({
            type: "categoryChanged",
            from: ctx.facts.category,
            to: category,
            reason: "mediation requested"
          })
        }
        events.push(
          { type: "mediationRequested", counterpartyId, body: statement },
          { type: "counterpartyContacted", counterpartyId, actor: Actor.system }
        )
        return { events, notices: [k.notices.mediationInvitation(ctx.case, counterpartyId)] } satisfies Step
      })
    )
  })

  const postStatement = Effect.fn("SupportDesk.postStatement")(function* (
    actor: Actor.Actor,
    ref: string,
    input: RespondInput
  ) {
    const { body, messageKey } = yield* decodeRespond(input)
    const key = messageKey === undefined ? {} : { messageKey }
    return yield* k.run(actor, ref, "postStatement", (ctx) =>
      k.alreadyHas(ctx, messageKey)
        ? step([])
        : Effect.as(checkMessageRate(policy, actor, ctx.stored.events, ctx.now), {
            events: [
              actor.id === ctx.case.requester.id
                ? { type: "requesterResponded", body, ...key }
                : { type: "counterpartyResponded", counterpartyId: actor.id, body, ...key }
            ],
            notices: k.notices.statement(ctx.case, actor.id, body)
          } satisfies Step)
    )
  })

  const recordMediationOutcome = Effect.fn("SupportDesk.recordMediationOutcome")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MediationOutcomeInput
  ) {
    const { outcome, body } = yield* decodeOutcome(input)
    return yield* k.run(actor, ref, "recordMediationOutcome", (ctx) =>
      step(
        [
          { type: "mediationConcluded", outcome, body },
          outcome === "settled"
            ? { type: "resolved", body }
            : { type: "explained", reason: `mediation-${outcome}`, body }
        ],
        k.notices.mediationOutcome(ctx.case, outcome, body, ctx.now)
      )
    )
  })

  return { openMediation, requestMediation, postStatement, recordMediationOutcome }
}
