/**
 * Answering a case (clauses 6.1–6.3, 2.4): replies, progress updates (6.2), requests for information and the
 * requester's answers, internal notes, a new priority, an assignment, an escalation to the requester's account
 * manager, and the answer that ends the desk's work: a resolution or an explanation (6.3). Each notifies whom it
 * concerns; an answer reaches every party of the case.
 */
import { Effect } from "effect"
import type * as Actor from "../../Actor.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import { AccountManagerMissing } from "../../DeskError.ts"
import {
  AssignInput,
  ChangePriorityInput,
  decoder,
  ExplainInput,
  invalid,
  MessageInput,
  ReasonInput,
  RespondInput
} from "../../DeskInput.ts"
import { type Kernel, type Step, step } from "./kernel.ts"
import { messageLimitExceeded } from "./refusal.ts"
import { ratingLink } from "./satisfaction.ts"

const decodeMessage = decoder(MessageInput)
const decodeRespond = decoder(RespondInput)
const decodeExplain = decoder(ExplainInput)
const decodeChangePriority = decoder(ChangePriorityInput)
const decodeAssign = decoder(AssignInput)
const decodeReason = decoder(ReasonInput)

export const make = (k: Kernel) => {
  const reply = Effect.fn("SupportDesk.reply")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* k.run(actor, ref, "reply", (ctx) =>
      step([{ type: "replied", body }], ctx.notices.reply(ctx.case, body))
    )
  })

  const progressUpdate = Effect.fn("SupportDesk.progressUpdate")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MessageInput
  ) {
    const { body } = yield* decodeMessage(input)
    return yield* k.run(actor, ref, "progressUpdate", (ctx) =>
      step([{ type: "progressUpdated", body }], ctx.notices.progressUpdate(ctx.case, body))
    )
  })

  const requestInformation = Effect.fn("SupportDesk.requestInformation")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MessageInput
  ) {
    const { body } = yield* decodeMessage(input)
    return yield* k.run(actor, ref, "requestInformation", (ctx) =>
      step([{ type: "informationRequested", body }], ctx.notices.informationRequested(ctx.case, body))
    )
  })

  const respond = Effect.fn("SupportDesk.respond")(function* (actor: Actor.Actor, ref: string, input: RespondInput) {
    const { body, messageKey } = yield* decodeRespond(input)
    return yield* k.runMessage(
      actor,
      ref,
      "respond",
      () => step([{ type: "requesterResponded", body, ...(messageKey === undefined ? {} : { messageKey }) }]),
      messageLimitExceeded(actor.id)
    )
  })

  const addNote = Effect.fn("SupportDesk.addNote")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* k.run(actor, ref, "addNote", () => step([{ type: "noteAdded", body }]))
  })

  const changePriority = Effect.fn("SupportDesk.changePriority")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ChangePriorityInput
  ) {
    const { priority, reason } = yield* decodeChangePriority(input)
    return yield* k.run(actor, ref, "changePriority", (ctx) =>
      !ctx.policy.priorities.some((p) => p.id === priority)
        ? Effect.fail(
            invalid([
              {
                path: "priority",
                message: `unknown priority "${priority}"; expected one of ${ctx.policy.priorities.map((p) => p.id).join(", ")}`
              }
            ])
          )
        : ctx.facts.priority === priority
          ? Effect.fail(invalid([{ path: "priority", message: `the case already has priority "${priority}"` }]))
          : step([
              {
                type: "priorityChanged",
                from: ctx.facts.priority,
                to: priority,
                ...(reason === undefined ? {} : { reason })
              }
            ])
    )
  })

  const assign = Effect.fn("SupportDesk.assign")(function* (actor: Actor.Actor, ref: string, input: AssignInput) {
    const { to } = yield* decodeAssign(input)
    if (to.role !== "agent" && to.id === undefined) {
      return yield* invalid([{ path: "to.id", message: `an assignment to an ${to.role} names them` }])
    }
    return yield* k.run(actor, ref, "assign", (ctx) =>
      step([{ type: "assigned", to }], ctx.notices.assigned(ctx.case, to, ctx.facts.priority))
    )
  })

  /** Clause 2.4: priority issues expedited through the requester's dedicated account manager. */
  const escalate = Effect.fn("SupportDesk.escalate")(function* (actor: Actor.Actor, ref: string, input: ReasonInput) {
    const { reason } = yield* decodeReason(input)
    return yield* k.run(actor, ref, "escalate", (ctx) =>
      Effect.gen(function* () {
        const managerId = ctx.case.requester.accountManagerId
        if (managerId === undefined) {
          return yield* new AccountManagerMissing({
            caseId: ctx.case.id,
            message: `the requester of case ${ctx.case.trackingNumber} has no dedicated account manager (clause 2.4)`
          })
        }
        const to: CaseEvent.Assignee = { role: "accountManager", id: managerId }
        return {
          events: [{ type: "escalated", to, ...(reason === undefined ? {} : { reason }) }],
          notices: [ctx.notices.escalated(ctx.case, managerId, reason)]
        } satisfies Step
      })
    )
  })

  const resolve = Effect.fn("SupportDesk.resolve")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* k.run(actor, ref, "resolve", (ctx) =>
      Effect.flatMap(ratingLink(k, ctx), (link) =>
        step([{ type: "resolved", body }], ctx.notices.resolved(ctx.case, body, ctx.now, link))
      )
    )
  })

  const explain = Effect.fn("SupportDesk.explain")(function* (actor: Actor.Actor, ref: string, input: ExplainInput) {
    const { body, reason } = yield* decodeExplain(input)
    return yield* k.run(actor, ref, "explain", (ctx) =>
      Effect.flatMap(ratingLink(k, ctx), (link) =>
        step(
          [{ type: "explained", body, ...(reason === undefined ? {} : { reason }) }],
          ctx.notices.explained(ctx.case, body, ctx.now, link)
        )
      )
    )
  })

  return {
    reply,
    progressUpdate,
    requestInformation,
    respond,
    addNote,
    changePriority,
    assign,
    escalate,
    resolve,
    explain
  }
}
