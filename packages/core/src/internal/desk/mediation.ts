/**
 * Clause 4.5, "buyers may request platform mediation for disputes": a buyer opens a mediation on an order (a new
 * case) or asks for one on an existing case, naming the order and the other party; the host confirms that party
 * through the `Parties` port (its order data), so nobody can draw staff, themselves or a stranger into a mediation.
 * The counterparty is contacted; both parties post statements, each seeing the other's (and nothing of the
 * requester's earlier thread: `Authorization.recordQuery`); the mediator records the outcome, which resolves the case
 * when settled and explains it otherwise.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import { MediationNotAvailable } from "../../DeskError.ts"
import {
  decoder,
  invalid,
  MediationOutcomeInput,
  RespondInput,
  OpenMediationInput,
  RequestMediationInput
} from "../../DeskInput.ts"
import type * as Parties from "../../Parties.ts"
import type { IntakeRoom } from "./intake.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { type Draft, type Kernel, type Step, step } from "./kernel.ts"
import { ratingLink } from "./satisfaction.ts"
import { messageLimitExceeded } from "./refusal.ts"

const decodeOpenMediation = decoder(OpenMediationInput)
const decodeRequestMediation = decoder(RequestMediationInput)
const decodeRespond = decoder(RespondInput)
const decodeOutcome = decoder(MediationOutcomeInput)

export const make = (k: Kernel, intake: IntakeRoom, parties: Option.Option<Parties.Parties["Service"]>) => {
  /** Whether the policy (the case's version) mediates for this audience and category. */
  const mediationAvailable = (policy: SupportPolicy.SupportPolicy, audience: string, category: string | undefined) =>
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
      return category
    })

  /**
   * The counterparty named, confirmed by the host as the other party of the order for the requester: a 400 naming
   * the field otherwise (an unknown order, or somebody who is not its other party: staff, the requester, a stranger).
   */
  const confirmCounterparty = (
    policy: SupportPolicy.SupportPolicy,
    requesterId: string,
    orderReference: string | undefined,
    counterpartyId: string
  ) =>
    Effect.gen(function* () {
      if (orderReference === undefined) {
        return yield* invalid([
          { path: "orderReference", message: "a mediation concerns an order: give the order's reference" }
        ])
      }
      const confirmed = Option.isNone(parties)
        ? Option.none<string>()
        : yield* parties.value.counterpartyOf({ requesterId, orderReference })
      if (Option.isNone(confirmed)) {
        return yield* invalid([
          {
            path: "orderReference",
            message: `no order "${orderReference}" of yours is known, so it cannot be mediated (clause ${policy.mediation.clause})`
          }
        ])
      }
      if (confirmed.value !== counterpartyId) {
        return yield* invalid([
          {
            path: "counterpartyId",
            message: `"${counterpartyId}" is not the other party of order "${orderReference}"`
          }
        ])
      }
      return counterpartyId
    })

  const openMediation = Effect.fn("SupportDesk.openMediation")(function* (input: OpenMediationInput) {
    const decoded = yield* decodeOpenMediation(input)
    const { counterpartyId, ...request } = decoded
    const policy = yield* k.inForce
    const category = yield* mediationAvailable(
      policy,
      decoded.requester.audience,
      decoded.category ?? policy.mediation.categories[0]
    )
    yield* confirmCounterparty(policy, decoded.requester.id, decoded.orderReference, counterpartyId)
    return yield* intake.openCase({ ...request, category }, { counterpartyId })
  })

  const requestMediation = Effect.fn("SupportDesk.requestMediation")(function* (
    actor: Actor.Actor,
    ref: string,
    input: RequestMediationInput
  ) {
    const { counterpartyId, statement, orderReference } = yield* decodeRequestMediation(input)
    // the order is the case's (or, for a case opened without one, the one named now); its parties come from the host
    const found = yield* k.load(actor, ref, "requestMediation")
    const order = found.case.orderReference ?? orderReference
    if (found.case.orderReference !== undefined && orderReference !== undefined && orderReference !== order) {
      return yield* invalid([
        { path: "orderReference", message: `the case concerns order "${found.case.orderReference}"` }
      ])
    }
    yield* confirmCounterparty((yield* k.rulesOfStored(found)).policy, found.case.requester.id, order, counterpartyId)
    return yield* k.runMessage(
      actor,
      ref,
      "requestMediation",
      (ctx) =>
        Effect.gen(function* () {
          const policy = ctx.policy
          const category = yield* mediationAvailable(
            policy,
            ctx.case.requester.audience,
            policy.mediation.categories.includes(ctx.facts.category)
              ? ctx.facts.category
              : policy.mediation.categories[0]
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
            {
              type: "mediationRequested",
              counterpartyId,
              body: statement,
              ...(order === undefined ? {} : { orderReference: order })
            },
            { type: "counterpartyContacted", counterpartyId, actor: Actor.system }
          )
          return { events, notices: [ctx.notices.mediationInvitation(ctx.case, counterpartyId)] } satisfies Step
        }),
      messageLimitExceeded(actor.id)
    )
  })

  const postStatement = Effect.fn("SupportDesk.postStatement")(function* (
    actor: Actor.Actor,
    ref: string,
    input: RespondInput
  ) {
    const { body, messageKey } = yield* decodeRespond(input)
    const key = messageKey === undefined ? {} : { messageKey }
    return yield* k.runMessage(
      actor,
      ref,
      "postStatement",
      (ctx) =>
        step(
          [
            actor.id === ctx.case.requester.id
              ? { type: "requesterResponded", body, ...key }
              : { type: "counterpartyResponded", counterpartyId: actor.id, body, ...key }
          ],
          ctx.notices.statement(ctx.case, actor.id, body)
        ),
      messageLimitExceeded(actor.id)
    )
  })

  const recordMediationOutcome = Effect.fn("SupportDesk.recordMediationOutcome")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MediationOutcomeInput
  ) {
    const { outcome, body } = yield* decodeOutcome(input)
    return yield* k.run(actor, ref, "recordMediationOutcome", (ctx) =>
      Effect.flatMap(ratingLink(k, ctx), (link) =>
        step(
          [
            { type: "mediationConcluded", outcome, body },
            outcome === "settled"
              ? { type: "resolved", body }
              : { type: "explained", reason: `mediation-${outcome}`, body }
          ],
          ctx.notices.mediationOutcome(ctx.case, outcome, body, ctx.now, link)
        )
      )
    )
  })

  return { openMediation, requestMediation, postStatement, recordMediationOutcome }
}
