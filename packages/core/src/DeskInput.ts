/**
 * What the support desk takes: the input of every service of `SupportDesk` as a schema (re-exported by
 * `SupportDesk`), and the one decoder that turns an unknown value into a checked input or an `InputInvalid` naming
 * every bad field.
 *
 * Texts are checked for what a person can type (`Text`: not blank, no control characters but tab and line breaks,
 * well-formed Unicode, at most a documented length: a subject or title 200 characters, a message 20,000, a reason
 * 2,000, an order reference 100, an idempotency key 200); ids are one line of at most 256 characters
 * (`CaseEvent.Id`).
 *
 * @since 0.1.0
 */
import { Effect, Exit, Schema } from "effect"
import * as Actor from "./Actor.ts"
import * as CaseEvent from "./CaseEvent.ts"
import { InputInvalid } from "./DeskError.ts"
import * as FieldProblem from "./FieldProblem.ts"
import * as Text from "./Text.ts"

const text = Text.message

const Body = text("a message", 20_000)
const Reason = text("a reason", 2_000)

/**
 * A language tag (BCP 47 shape): `"en"`, `"zh-Hant-HK"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Language = Schema.String.check(
  Schema.isMaxLength(35, { message: "expected a language tag of at most 35 characters" }),
  Schema.isPattern(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, {
    message: 'expected a language tag such as "en" or "zh-HK"'
  })
)

/**
 * A request for support, as a host hands it to {@link SupportDesk} (`submit`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SubmitInput = Schema.Struct({
  requester: Actor.RequesterProfile,
  channel: CaseEvent.Id,
  category: CaseEvent.Id,
  subject: text("a subject", 200),
  description: Body,
  orderReference: Schema.optionalKey(text("an order reference", 100)),
  language: Language,
  /** Retrying a submission with the same key (same requester, same request) returns the case created first. */
  idempotencyKey: Schema.optionalKey(text("an idempotency key", 200))
})

/**
 * @since 0.1.0
 * @category models
 */
export type SubmitInput = typeof SubmitInput.Encoded

/**
 * A buyer's request for platform mediation of a dispute on an order, against a supplier (clause 4.5). The category
 * defaults to the policy's first mediation category.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenMediationInput = Schema.Struct({
  ...SubmitInput.fields,
  category: Schema.optionalKey(CaseEvent.Id),
  orderReference: text("an order reference", 100),
  counterpartyId: CaseEvent.Id
})

/**
 * @since 0.1.0
 * @category models
 */
export type OpenMediationInput = typeof OpenMediationInput.Encoded

/**
 * A message to the case: a reply, a progress update, a request for information, an answer, a statement, a note.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageInput = Schema.Struct({ body: Body })

/**
 * @since 0.1.0
 * @category models
 */
export type MessageInput = typeof MessageInput.Encoded

/**
 * What a requester (or a party of a mediation) writes to a case: the message, and optionally the key of the message
 * in the channel it came through (an email's Message-ID). A message whose key the case already holds is not written
 * again: the same email delivered twice appends one event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RespondInput = Schema.Struct({ body: Body, messageKey: Schema.optionalKey(text("a message key", 1_000)) })

/**
 * @since 0.1.0
 * @category models
 */
export type RespondInput = typeof RespondInput.Encoded

/**
 * An explanation instead of a fix (clause 6.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExplainInput = Schema.Struct({ body: Body, reason: Schema.optionalKey(Reason) })

/**
 * @since 0.1.0
 * @category models
 */
export type ExplainInput = typeof ExplainInput.Encoded

/**
 * A new priority (an id of the policy's priorities).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChangePriorityInput = Schema.Struct({ priority: CaseEvent.Id, reason: Schema.optionalKey(Reason) })

/**
 * @since 0.1.0
 * @category models
 */
export type ChangePriorityInput = typeof ChangePriorityInput.Encoded

/**
 * Whom to assign the case to.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AssignInput = Schema.Struct({ to: CaseEvent.Assignee })

/**
 * @since 0.1.0
 * @category models
 */
export type AssignInput = typeof AssignInput.Encoded

/**
 * Why, optionally: for escalations, verification holds, reopenings and closures.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReasonInput = Schema.Struct({ reason: Schema.optionalKey(Reason) })

/**
 * @since 0.1.0
 * @category models
 */
export type ReasonInput = typeof ReasonInput.Encoded

/**
 * A quality review of a closed case (clause 7.4): a rating from 1 (poor) to 5 (excellent), and a note.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReviewInput = Schema.Struct({
  rating: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })),
  note: Schema.optionalKey(Reason)
})

/**
 * @since 0.1.0
 * @category models
 */
export type QualityReviewInput = typeof QualityReviewInput.Encoded

/**
 * The requester's satisfaction rating of their case (the policy's `satisfaction`): a whole number on the policy's
 * scale, and a comment when the policy allows one.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RateSatisfactionInput = Schema.Struct({
  rating: Schema.Int,
  comment: Schema.optionalKey(text("a comment", 2_000))
})

/**
 * @since 0.1.0
 * @category models
 */
export type RateSatisfactionInput = typeof RateSatisfactionInput.Encoded

/**
 * Which open cases an administrator moves to a version of the policy (clause 7.1): those under one of the versions
 * `from` (every other version when absent), or only those of `trackingNumbers`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MovePolicyVersionInput = Schema.Struct({
  from: Schema.optionalKey(Schema.Array(Text.identifier("a version number", 100)).check(Schema.isMaxLength(100))),
  trackingNumbers: Schema.optionalKey(
    Schema.Array(Text.identifier("a tracking number", 100)).check(Schema.isMinLength(1), Schema.isMaxLength(1_000))
  )
})

/**
 * @since 0.1.0
 * @category models
 */
export type MovePolicyVersionInput = typeof MovePolicyVersionInput.Encoded

/**
 * The outcome of a verification (clause 7.2). A rejection explains the case to the requester: `explanation` is
 * required then.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ConcludeVerificationInput = Schema.Struct({
  outcome: Schema.Literals(["verified", "rejected"]),
  note: Schema.optionalKey(Reason),
  explanation: Schema.optionalKey(Body)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ConcludeVerificationInput = typeof ConcludeVerificationInput.Encoded

/**
 * A refusal (clause 7.3): a reason code of the policy, and optionally a message to the requester.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RefuseInput = Schema.Struct({ reason: CaseEvent.Id, body: Schema.optionalKey(Body) })

/**
 * @since 0.1.0
 * @category models
 */
export type RefuseInput = typeof RefuseInput.Encoded

/**
 * A hypothetical request, for `SupportDesk.quote`: what a request of this category through this channel, received at
 * `receivedAt` (now when absent), would be promised. `audience` defaults to the category's first audience;
 * `priority` overrides triage.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QuoteInput = Schema.Struct({
  category: CaseEvent.Id,
  channel: CaseEvent.Id,
  audience: Schema.optionalKey(CaseEvent.Id),
  requesterFlags: Schema.optionalKey(Schema.Array(CaseEvent.Id)),
  priority: Schema.optionalKey(CaseEvent.Id),
  receivedAt: Schema.optionalKey(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type QuoteInput = typeof QuoteInput.Encoded

/**
 * A request for mediation on an existing case (clause 4.5): the other party of the order in dispute (the host
 * confirms them, `Parties`), and the requester's statement. `orderReference` names the order when the case was
 * opened without one.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RequestMediationInput = Schema.Struct({
  counterpartyId: CaseEvent.Id,
  statement: Body,
  orderReference: Schema.optionalKey(text("an order reference", 100))
})

/**
 * @since 0.1.0
 * @category models
 */
export type RequestMediationInput = typeof RequestMediationInput.Encoded

/**
 * The mediator's outcome (clause 4.5). A settlement resolves the case; otherwise the outcome explains it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationOutcomeInput = Schema.Struct({
  outcome: Schema.Literals(["settled", "notSettled", "withdrawn"]),
  body: Body
})

/**
 * @since 0.1.0
 * @category models
 */
export type MediationOutcomeInput = typeof MediationOutcomeInput.Encoded

const AnnouncementText = Schema.Struct({ title: Schema.optionalKey(text("a title", 200)), body: Body })

/**
 * A system-wide incident (clause 6.5), optionally with the text of its first announcement (the title and
 * description are announced when it is absent and the policy announces incidents).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeclareIncidentInput = Schema.Struct({
  title: text("a title", 200),
  description: Body,
  announcement: Schema.optionalKey(AnnouncementText)
})

/**
 * @since 0.1.0
 * @category models
 */
export type DeclareIncidentInput = typeof DeclareIncidentInput.Encoded

/**
 * A change to an active incident: its status (resolution is `resolveIncident`), its description, and optionally a
 * new announcement.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdateIncidentInput = Schema.Struct({
  status: Schema.optionalKey(Schema.Literals(["investigating", "identified", "monitoring"])),
  description: Schema.optionalKey(Body),
  announcement: Schema.optionalKey(AnnouncementText)
})

/**
 * @since 0.1.0
 * @category models
 */
export type UpdateIncidentInput = typeof UpdateIncidentInput.Encoded

/**
 * The resolution of an incident, with a note for the notifications of linked requesters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResolveIncidentInput = Schema.Struct({ note: Schema.optionalKey(Body) })

/**
 * @since 0.1.0
 * @category models
 */
export type ResolveIncidentInput = typeof ResolveIncidentInput.Encoded

/**
 * A public announcement, for an incident or on its own.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnnouncementInput = Schema.Struct({
  incidentId: Schema.optionalKey(CaseEvent.Id),
  title: text("a title", 200),
  body: Body,
  expiresAt: Schema.optionalKey(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type AnnouncementInput = typeof AnnouncementInput.Encoded

/**
 * A change to an announcement.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdateAnnouncementInput = Schema.Struct({
  title: Schema.optionalKey(text("a title", 200)),
  body: Schema.optionalKey(Body),
  expiresAt: Schema.optionalKey(Schema.NullOr(CaseEvent.EpochMillis))
})

/**
 * @since 0.1.0
 * @category models
 */
export type UpdateAnnouncementInput = typeof UpdateAnnouncementInput.Encoded

// -------------------------------------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------------------------------------

/**
 * An `InputInvalid` naming each problem.
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalid = (problems: ReadonlyArray<FieldProblem.FieldProblem>): InputInvalid =>
  new InputInvalid({ message: `Invalid input: ${FieldProblem.summary(problems)}`, problems })

/** Inputs decoded by {@link decoder} or handed over by {@link assumeDecoded}: the desk does not decode them again. */
const decodedInputs = new WeakSet<object>()

/**
 * For adapters that decoded a request with this module's field schemas already (the HTTP adapter decodes a request
 * body with them): marks `input` so that the desk takes it as decoded instead of decoding it a second time. What is
 * not checked by those schemas (the requester's profile from the host's authentication, say) is the caller's
 * responsibility. The desk's checks against the policy (known categories, channels, audiences) still run.
 *
 * @since 0.1.0
 * @category constructors
 */
export const assumeDecoded = <A extends object>(input: A): A => {
  decodedInputs.add(input)
  return input
}

/**
 * A decoder for `schema`: the checked input, or an `InputInvalid` naming every bad field (unknown fields are
 * errors). An input marked by {@link assumeDecoded} is returned as it is.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decoder = <S extends Schema.Codec<unknown, unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownExit(schema as unknown as Schema.Codec<S["Type"], unknown>)
  return (input: unknown): Effect.Effect<S["Type"], InputInvalid> => {
    if (typeof input === "object" && input !== null && decodedInputs.has(input)) {
      return Effect.succeed(input as S["Type"])
    }
    const exit = decode(input, { errors: "all", onExcessProperty: "error" })
    if (Exit.isSuccess(exit)) return Effect.succeed(exit.value)
    const found = Exit.findErrorOption(exit)
    return Effect.fail(
      invalid(
        found._tag === "Some"
          ? FieldProblem.fromIssue(found.value.issue)
          : [{ path: "(root)", message: "invalid input" }]
      )
    )
  }
}
