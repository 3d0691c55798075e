/**
 * A support policy as data: a versioned, validated document that a host marketplace writes (as JSON) to get the
 * same machinery as the Global Sources Support Policy v1.8 preset (`Presets.globalSources`).
 *
 * The document holds the policy's identity, its business calendar (clause 2.1), channels (2.2–2.4), audiences and
 * roles, the scope of service as categories (sections 1, 3, 4 and 5), priorities and triage rules, the SLA rules of
 * section 6 (what starts, pauses and stops each clock, warning points, and what a priority change or a reopen does),
 * content verification (7.2), refusal of abusive requests (7.3), record retention, quality review and the
 * requester's satisfaction rating (7.4).
 * Every entry names the clause it implements, so an auditor can trace each behaviour back to the policy text.
 *
 * {@link decode} validates the shape of every field and then the cross-references between them (a rule that names
 * an unknown category, channel, priority or hold is an error), reporting each problem with the path of the field.
 * A JSON Schema of the document ships as `schema/support-policy.schema.json` for editor completion.
 *
 * @since 0.1.0
 */
import { Effect, Exit, Schema } from "effect"
import * as BusinessCalendar from "./BusinessCalendar.ts"
import * as CaseEvent from "./CaseEvent.ts"
import * as FieldProblem from "./FieldProblem.ts"
import { checkReferences } from "./internal/policyCheck.ts"
import * as Text from "./Text.ts"

// -------------------------------------------------------------------------------------------------------------------
// building blocks
// -------------------------------------------------------------------------------------------------------------------

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * An identifier of a policy entry: letters, digits, `.`, `_` and `-`, starting with a letter or digit.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Id = Schema.String.check(
  Schema.isPattern(idPattern, {
    message: 'expected an id of letters, digits, ".", "_" or "-"',
    toJsonSchema: () => ({ pattern: idPattern.source })
  })
)

/**
 * The clause of the policy text an entry implements, e.g. `"6.1"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Clause = Schema.String.annotate({
  description: 'The clause of the policy text this entry implements, e.g. "6.1"'
}).check(Schema.isMinLength(1, { message: 'expected the clause this entry implements, e.g. "6.1"' }))

const Ids = Schema.Array(Id)
const text = Schema.String

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const PositiveFinite = Schema.Finite.check(Schema.isGreaterThan(0))

/**
 * Where the holidays of the calendar come from, kept for provenance. The holidays themselves are resolved into
 * `calendar.spec.holidays`, so no holiday library is needed at run time.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HolidaySource = Schema.Union([
  Schema.Struct({
    kind: Schema.Literal("date-holidays"),
    country: Schema.String,
    state: Schema.optionalKey(Schema.String),
    region: Schema.optionalKey(Schema.String),
    types: Schema.Array(Schema.String),
    language: Schema.optionalKey(Schema.String),
    years: Schema.Struct({ from: Schema.Int, to: Schema.Int })
  }),
  Schema.Struct({ kind: Schema.Literal("ics"), url: Schema.String }),
  Schema.Struct({ kind: Schema.Literal("manual"), note: Schema.optionalKey(Schema.String) })
])

/**
 * @since 0.1.0
 * @category models
 */
export type HolidaySource = typeof HolidaySource.Type

/**
 * The business calendar of the policy: the spec that SLA targets are counted in, and where its holidays came from.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CalendarSection = Schema.Struct({
  clause: Clause,
  spec: BusinessCalendar.CalendarSpec,
  holidaySource: Schema.optionalKey(HolidaySource)
})

/**
 * A group of people the service is offered to (buyers, suppliers).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Audience = Schema.Struct({ id: Id, name: text, clause: Clause })

/**
 * @since 0.1.0
 * @category models
 */
export type Audience = typeof Audience.Type

/**
 * The roles the desk gives permissions to: a requester, an agent, an account manager and an administrator.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeskRole = Schema.Literals(["requester", "agent", "accountManager", "administrator"])

/**
 * A role in the handling of cases. The desk gives its own roles ({@link DeskRole}) their permissions; any other id
 * names a role of the host's organisation (a support manager, a team lead) that SLA escalations notify, whose people
 * the host's staff `Directory` gives.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Role = Schema.Struct({
  id: Id.annotate({
    description:
      'requester, agent, accountManager and administrator are the desk\'s own; any other id (e.g. "supportManager") names a role that escalations may notify'
  }),
  name: text,
  clause: Schema.optionalKey(Clause),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "Audience" })

/**
 * @since 0.1.0
 * @category models
 */
export type Role = typeof Role.Type

/**
 * A flag a requester may carry that triage rules and channels can test (e.g. `dedicatedAccountManager`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RequesterFlag = Schema.Struct({
  id: Id,
  description: text,
  clause: Schema.optionalKey(Clause)
}).annotate({ identifier: "RequesterFlag" })

/**
 * @since 0.1.0
 * @category models
 */
export type RequesterFlag = typeof RequesterFlag.Type

/**
 * A contact channel: when it is available, whether it opens a case, and who may use it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Channel = Schema.Struct({
  id: Id,
  name: text,
  clause: Clause,
  availability: Schema.Literals(["businessHours", "always"]).annotate({
    description: '"businessHours": only while the calendar is open (e.g. live chat); "always": 24/7'
  }),
  opensCase: Schema.Boolean.annotate({ description: "Whether a request through this channel opens a tracked case" }),
  audiences: Schema.optionalKey(Ids).annotate({ description: "Audiences that may use the channel (all when absent)" }),
  requesterFlags: Schema.optionalKey(Ids).annotate({
    description: "Flags a requester must carry to use the channel (e.g. a dedicated account manager)"
  }),
  whenClosed: Schema.optionalKey(Id).annotate({
    description:
      "For a businessHours channel: the always-available channel a request through it is taken as while it is closed"
  }),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "Channel" })

/**
 * @since 0.1.0
 * @category models
 */
export type Channel = typeof Channel.Type

/**
 * A priority. A higher `rank` is more urgent; triage never lowers a priority.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Priority = Schema.Struct({
  id: Id,
  name: text,
  rank: Schema.Int,
  clause: Schema.optionalKey(Clause),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "Priority" })

/**
 * @since 0.1.0
 * @category models
 */
export type Priority = typeof Priority.Type

/**
 * A category of the scope of service, with the audiences it serves and its default priority.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Category = Schema.Struct({
  id: Id,
  name: text,
  clause: Clause,
  audiences: Schema.Array(Id).check(Schema.isMinLength(1)),
  defaultPriority: Id,
  description: Schema.optionalKey(text)
}).annotate({ identifier: "Category" })

/**
 * @since 0.1.0
 * @category models
 */
export type Category = typeof Category.Type

/**
 * Which cases an entry applies to. Every listed dimension must match (a case's value is one of the listed ones);
 * `requesterFlags` matches when the requester carries every listed flag. An empty object matches every case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Match = Schema.Struct({
  priorities: Schema.optionalKey(Ids),
  categories: Schema.optionalKey(Ids),
  channels: Schema.optionalKey(Ids),
  audiences: Schema.optionalKey(Ids),
  requesterFlags: Schema.optionalKey(Ids)
}).annotate({ identifier: "Match" })

/**
 * @since 0.1.0
 * @category models
 */
export type Match = typeof Match.Type

/**
 * Where triage sends a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Routing = Schema.Struct({
  role: Schema.Literals(["agent", "accountManager"]),
  queue: Schema.optionalKey(Id)
}).annotate({ identifier: "Role" })

/**
 * @since 0.1.0
 * @category models
 */
export type Routing = typeof Routing.Type

/**
 * A triage rule: when a new case matches `when`, raise its priority to `setPriority` and/or route it to `routeTo`.
 * Priority rules run in order and only ever raise the priority; the first matching rule with `routeTo` routes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TriageRule = Schema.Struct({
  id: Id,
  clause: Clause,
  when: Match,
  setPriority: Schema.optionalKey(Id),
  routeTo: Schema.optionalKey(Routing),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "TriageRule" })

/**
 * @since 0.1.0
 * @category models
 */
export type TriageRule = typeof TriageRule.Type

const EventTypes = Schema.Array(CaseEvent.EventType)
const NonEmptyEventTypes = EventTypes.check(Schema.isMinLength(1))

/**
 * A hold: a condition of the case, between an event that starts it and one that ends it, that may pause clocks
 * (awaiting the requester, a verification hold, a link to an open system-wide incident). Incident links are held per
 * incident: the hold lasts while the case is linked to any incident.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Hold = Schema.Struct({
  id: Id,
  clause: Clause,
  startOn: NonEmptyEventTypes,
  endOn: NonEmptyEventTypes,
  description: Schema.optionalKey(text)
}).annotate({ identifier: "Hold" })

/**
 * @since 0.1.0
 * @category models
 */
export type Hold = typeof Hold.Type

/**
 * An SLA target in business time: exactly one of `businessDays` (whole business days, counted as the calendar's
 * `addBusinessDays` counts them), `businessHours` or `businessMinutes`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Target = Schema.Struct({
  businessDays: Schema.optionalKey(PositiveInt),
  businessHours: Schema.optionalKey(PositiveFinite),
  businessMinutes: Schema.optionalKey(PositiveInt)
})
  .annotate({ identifier: "Target", description: "Exactly one of businessDays, businessHours, businessMinutes" })
  .check(
    Schema.makeFilter(
      (t: { readonly [k: string]: unknown }) =>
        Object.keys(t).length === 1
          ? undefined
          : "expected exactly one of businessDays, businessHours, businessMinutes",
      { toJsonSchema: () => ({ minProperties: 1, maxProperties: 1 }) }
    )
  )

/**
 * @since 0.1.0
 * @category models
 */
export type Target = typeof Target.Type

/**
 * What an SLA clock measures:
 * - `firstResponse`: once per cycle, from the start until the first qualifying reply,
 * - `progressUpdate`: rolling; each qualifying update meets the current period and opens the next, until the case
 *   is resolved,
 * - `resolution`: once per cycle, until the case is resolved or explained.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Metric = Schema.Literals(["firstResponse", "progressUpdate", "resolution"])

/**
 * @since 0.1.0
 * @category models
 */
export type Metric = typeof Metric.Type

/**
 * How a clock reacts when the rule that applies to it changes mid-way (a priority or category change), or when a
 * case is reopened: `keepElapsed` keeps the business time already used and applies the (new) target; `restart`
 * starts a new clock from the change with the full target; `none` (reopen only) measures nothing more.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Recalculation = Schema.Literals(["keepElapsed", "restart"])

/**
 * @since 0.1.0
 * @category models
 */
export type Recalculation = typeof Recalculation.Type

/**
 * See {@link Recalculation}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReopenRecalculation = Schema.Literals(["keepElapsed", "restart", "none"])

/**
 * @since 0.1.0
 * @category models
 */
export type ReopenRecalculation = typeof ReopenRecalculation.Type

const Fraction = Schema.Finite.check(
  Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true })
)

/**
 * When an escalation level falls due, for each clock of its rule:
 * - `{ "fractionOfTarget": 0.75 }`: when that share of the target is used (one of the rule's `warnAt` points): an
 *   `slaWarning`,
 * - `"due"`: at the due instant, when the clock breaches: an `slaBreached`,
 * - `{ "afterDue": { "businessDays": 1 } }`: that much business time after the due instant: an `slaEscalated`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EscalationWhen = Schema.Union([
  Schema.Literal("due"),
  Schema.Struct({ fractionOfTarget: Fraction }).annotate({ identifier: "EscalationAtFraction" }),
  Schema.Struct({ afterDue: Target }).annotate({ identifier: "EscalationAfterDue" })
]).annotate({
  identifier: "EscalationWhen",
  message: 'expected "due", { "fractionOfTarget": <a warnAt point> } or { "afterDue": <business time> }',
  description: '"due", { "fractionOfTarget": f } (one of the rule\'s warnAt points), or { "afterDue": <business time> }'
})

/**
 * @since 0.1.0
 * @category models
 */
export type EscalationWhen = typeof EscalationWhen.Type

/**
 * Who an escalation level notifies: `"assignee"` (the person the case is assigned to, or its queue when it is
 * assigned to none), `"queueLead"` (the lead of the case's queue), `"accountManager"` (the requester's dedicated
 * account manager), or `{ "role": id }` (everyone holding a role of the policy's `roles`). People are looked up in the
 * host's staff `Directory`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EscalationRecipient = Schema.Union([
  Schema.Literals(["assignee", "queueLead", "accountManager"]),
  Schema.Struct({ role: Id }).annotate({ identifier: "EscalationRole" })
]).annotate({
  identifier: "EscalationRecipient",
  message: 'expected "assignee", "queueLead", "accountManager" or { "role": <a role id> }'
})

/**
 * @since 0.1.0
 * @category models
 */
export type EscalationRecipient = typeof EscalationRecipient.Type

/**
 * An escalation level of an SLA rule: when it falls due for a clock, whom it notifies, and whether only in service
 * hours (a level falling due outside them fires at the next opening). Each level fires once per clock.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EscalationLevel = Schema.Struct({
  id: Id.annotate({ description: "The level's id, unique within its rule" }),
  when: EscalationWhen,
  notify: Schema.Array(EscalationRecipient).check(Schema.isMinLength(1)),
  serviceHoursOnly: Schema.optionalKey(Schema.Boolean).annotate({
    description: "Notify only in the calendar's service hours: a level due outside them fires at the next opening"
  }),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "EscalationLevel" })

/**
 * @since 0.1.0
 * @category models
 */
export type EscalationLevel = typeof EscalationLevel.Type

/**
 * An SLA rule. For each metric, the first rule in policy order whose `appliesTo` matches the case applies.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaRule = Schema.Struct({
  id: Id,
  clause: Clause,
  metric: Metric,
  appliesTo: Match,
  target: Target,
  startOn: NonEmptyEventTypes.annotate({
    description: "Events that start the clock when it applies and is not running"
  }),
  stopOn: NonEmptyEventTypes.annotate({ description: "Events that meet the clock (or the current period)" }),
  pauseWhile: Ids.annotate({ description: "Holds (by id) during which the clock is paused" }),
  warnAt: Schema.Array(Fraction).annotate({
    description: "Warning points as fractions of the target, increasing, each between 0 and 1"
  }),
  onPriorityChange: Recalculation.annotate({
    description: "When a priority (or category) change makes this rule apply mid-way: keep elapsed time or restart"
  }),
  onReopen: ReopenRecalculation,
  escalations: Schema.optionalKey(Schema.Array(EscalationLevel)).annotate({
    description: "Escalation levels: warnings, the breach and escalations after it, and whom each notifies"
  }),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "SlaRule" })

/**
 * @since 0.1.0
 * @category models
 */
export type SlaRule = typeof SlaRule.Type

/**
 * Content verification (clause 7.2): the categories whose content may be held for verification, and the hold that
 * records it (whether that pauses a clock is said by each SLA rule's `pauseWhile`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Verification = Schema.Struct({
  clause: Clause,
  categories: Ids,
  hold: Id,
  description: Schema.optionalKey(text)
})

/**
 * System-wide incidents (clause 6.5): whether an announcement is posted, and the hold a link to an open incident
 * puts on a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Incidents = Schema.Struct({
  clause: Clause,
  announce: Schema.Boolean,
  hold: Id,
  description: Schema.optionalKey(text)
})

/**
 * Platform mediation of disputes (clause 4.5): who may request it, for which categories, and the hold while the
 * counterparty is awaited.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Mediation = Schema.Struct({
  clause: Clause,
  categories: Ids,
  audiences: Ids,
  hold: Schema.optionalKey(Id),
  description: Schema.optionalKey(text)
})

/**
 * A reason code for refusing a request (clause 7.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RefusalReason = Schema.Struct({ code: Id, description: text })

/**
 * A per-requester rate limit: more than `limit` of `measure` within `windowHours` sends the requester to review.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RateLimit = Schema.Struct({
  id: Id,
  measure: Schema.Literals(["casesOpened", "messagesSent"]),
  limit: PositiveInt,
  windowHours: PositiveFinite,
  action: Schema.Literals(["review"])
})

/**
 * Refusal of abusive or harassing requests (clause 7.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Refusal = Schema.Struct({
  clause: Clause,
  reasons: Schema.Array(RefusalReason).check(Schema.isMinLength(1)),
  rateLimits: Schema.Array(RateLimit),
  description: Schema.optionalKey(text)
})

/**
 * The life of a case around resolution: how long a requester may reopen it, and when the desk closes cases.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Lifecycle = Schema.Struct({
  clause: Clause,
  reopenWithinBusinessDays: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  closeResolvedAfterBusinessDays: PositiveInt,
  closeAwaitingRequesterAfterBusinessDays: PositiveInt,
  description: Schema.optionalKey(text)
})

/**
 * Tracking numbers and handling records (clause 6.4).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Tracking = Schema.Struct({
  clause: Clause,
  prefix: Schema.String.check(
    Schema.isPattern(/^[A-Z][A-Z0-9]*$/, {
      message: "expected capital letters and digits",
      toJsonSchema: () => ({ pattern: "^[A-Z][A-Z0-9]*$" })
    })
  ),
  requesterSeesRecord: Schema.Boolean,
  description: Schema.optionalKey(text)
})

/**
 * Record retention: how long the records of a closed case are kept, what happens then, and whether a legal hold
 * suspends that.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Retention = Schema.Struct({
  clause: Clause,
  keepClosedCasesForDays: PositiveInt,
  afterwards: Schema.Literals(["anonymise", "delete"]),
  legalHoldSuspends: Schema.Boolean,
  description: Schema.optionalKey(text)
})

/**
 * Quality assessment of support records (clause 7.4): the share of closed cases sampled for review, and the cases
 * always reviewed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReview = Schema.Struct({
  clause: Clause,
  sampleRate: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  alwaysReview: Schema.Array(Schema.Literals(["breached", "refused", "reopened"])),
  description: Schema.optionalKey(text)
})

/**
 * What the desk does with a low satisfaction rating: select the case for quality review (`review`, reason
 * `lowSatisfaction`), or reopen an answered case as well (`reopen`; a closed case is only selected for review).
 *
 * @since 0.1.0
 * @category schemas
 */
export const LowRatingAction = Schema.Literals(["review", "reopen"])

/**
 * Asking the requester how their case was handled (filed under clause 7.4, quality assessment): one question on a
 * scale, with an optional comment, answered once per case within `withinBusinessDays` business days of the answer
 * (resolution or explanation; the closing, for a case closed unanswered). A rating at or below `lowRating.atMost`
 * is low.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Satisfaction = Schema.Struct({
  clause: Clause,
  question: text,
  scale: Schema.Struct({
    min: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
    max: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
  }).annotate({ description: "The ratings the requester chooses from, min to max (at most 11 points)" }),
  comment: Schema.Literals(["none", "optional"]).annotate({
    description: "Whether the requester may add a comment to the rating"
  }),
  withinBusinessDays: PositiveInt.annotate({
    description: "How many business days after the answer (or the closing) the requester may rate the case"
  }),
  lowRating: Schema.Struct({ atMost: Schema.Int, action: LowRatingAction }).annotate({
    description: "A rating at or below atMost is low: the case is selected for review, and reopened when action says so"
  }),
  description: Schema.optionalKey(text)
}).annotate({ identifier: "Satisfaction" })

/**
 * @since 0.1.0
 * @category models
 */
export type Satisfaction = typeof Satisfaction.Type

/**
 * A clause that states something without machinery behind it (e.g. "interpretation of this policy is reserved"),
 * kept so every clause of the text is represented.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Notice = Schema.Struct({ clause: Clause, text })

const SupportPolicyFields = Schema.Struct({
  $schema: Schema.optionalKey(Schema.String),
  id: Id.annotate({ description: 'A stable id of the policy, e.g. "global-sources"' }),
  version: Schema.String.check(Schema.isMinLength(1)),
  effectiveDate: BusinessCalendar.IsoDate,
  title: text,
  publisher: text,
  url: Schema.optionalKey(Schema.String),
  calendar: CalendarSection,
  audiences: Schema.Array(Audience).check(Schema.isMinLength(1)),
  roles: Schema.Array(Role),
  requesterFlags: Schema.Array(RequesterFlag),
  channels: Schema.Array(Channel).check(Schema.isMinLength(1)),
  priorities: Schema.Array(Priority).check(Schema.isMinLength(1)),
  categories: Schema.Array(Category).check(Schema.isMinLength(1)),
  triage: Schema.Array(TriageRule),
  holds: Schema.Array(Hold).check(Schema.isMaxLength(30)),
  sla: Schema.Array(SlaRule),
  verification: Verification,
  incidents: Incidents,
  mediation: Mediation,
  refusal: Refusal,
  lifecycle: Lifecycle,
  tracking: Tracking,
  retention: Retention,
  qualityReview: QualityReview,
  satisfaction: Schema.optionalKey(Satisfaction),
  notices: Schema.Array(Notice)
}).annotate({
  title: "Support policy",
  description: "A customer-support policy as data, for @support-policy/core"
})

/**
 * The support policy document, as a schema (shape only; {@link decode} also checks cross-references).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SupportPolicy = SupportPolicyFields

/**
 * A decoded, validated support policy.
 *
 * @since 0.1.0
 * @category models
 */
export type SupportPolicy = typeof SupportPolicy.Type

/**
 * The JSON form of a support policy (what a host writes).
 *
 * @since 0.1.0
 * @category models
 */
export type Encoded = typeof SupportPolicy.Encoded

// -------------------------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------------------------

/**
 * One problem found in a policy document: the path of the field (`"sla[2].appliesTo.priorities[0]"`) and what is
 * wrong with it.
 *
 * @since 0.1.0
 * @category models
 */
export const PolicyProblem = FieldProblem.FieldProblem

/**
 * @since 0.1.0
 * @category models
 */
export type PolicyProblem = typeof PolicyProblem.Type

/**
 * A policy document was refused. `problems` names every bad field; `message` lists them.
 *
 * @since 0.1.0
 * @category errors
 */
export class PolicyDecodeFailure extends Schema.TaggedError<PolicyDecodeFailure>()("PolicyDecodeFailure", {
  message: Schema.String,
  problems: Schema.Array(PolicyProblem)
}) {}

// -------------------------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------------------------

const decodeExit = Schema.decodeUnknownExit(SupportPolicy)

const failure = (problems: ReadonlyArray<PolicyProblem>): PolicyDecodeFailure =>
  new PolicyDecodeFailure({
    message: `Invalid support policy: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
    problems
  })

const decodeEither = (u: unknown): SupportPolicy | PolicyDecodeFailure => {
  const exit = decodeExit(u, { errors: "all", onExcessProperty: "error" })
  if (Exit.isFailure(exit)) {
    const found = Exit.findErrorOption(exit)
    const problems =
      found._tag === "Some"
        ? FieldProblem.fromIssue(found.value.issue)
        : [{ path: "(root)", message: "invalid support policy" }]
    return failure(problems)
  }
  // texts no store could keep (the schema checks shapes; a name or a title may be any text but these)
  const problems = [...Text.documentProblems(exit.value), ...checkReferences(exit.value)]
  return problems.length > 0 ? failure(problems) : exit.value
}

/**
 * Decodes a support policy document (parsed JSON): checks the shape of every field (unknown fields are errors), the
 * calendar, and the cross-references between entries. Fails with every problem found, each naming its path.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decode = (u: unknown): Effect.Effect<SupportPolicy, PolicyDecodeFailure> => {
  const result = decodeEither(u)
  return result instanceof PolicyDecodeFailure ? Effect.fail(result) : Effect.succeed(result)
}

/**
 * Like {@link decode}, but throws the {@link PolicyDecodeFailure}. For presets and tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUnsafe = (u: unknown): SupportPolicy => {
  const result = decodeEither(u)
  if (result instanceof PolicyDecodeFailure) throw result
  return result
}

/**
 * The JSON Schema (draft 2020-12) of a policy document, as shipped in `schema/support-policy.schema.json`. It
 * checks shapes only; {@link decode} remains the authority (it also checks the calendar and cross-references).
 *
 * @since 0.1.0
 * @category schemas
 */
export const jsonSchema = (): Record<string, unknown> => {
  const document = Schema.toJsonSchemaDocument(SupportPolicy, { onExcessProperty: "error" })
  const definitions = document.definitions as Record<string, unknown>
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://unpkg.com/@support-policy/core/schema/support-policy.schema.json",
    ...(document.schema as Record<string, unknown>),
    ...(Object.keys(definitions).length > 0 ? { $defs: definitions } : {})
  }
}

/**
 * {@link jsonSchema} as the text of `schema/support-policy.schema.json` (two-space indented, final newline).
 *
 * @since 0.1.0
 * @category schemas
 */
export const jsonSchemaText = (): string => `${JSON.stringify(jsonSchema(), null, 2)}\n`

// -------------------------------------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------------------------------------

export {
  /** The business calendar of the policy, compiled once per policy value and cached. @since 0.1.0 @category getters */
  calendar,
  /** Whether a case with these facts matches a {@link Match}. @since 0.1.0 @category predicates */
  matches,
  /** The outcome of triage: the priority, the route, and the rules that decided. @since 0.1.0 @category models */
  type Triage,
  /**
   * Triages a new request: the category's default priority, raised by every matching rule with `setPriority`, then
   * routed by the first matching rule with `routeTo` (to the agents when none does). @since 0.1.0 @category combinators
   */
  triage,
  /** The facts triage looks at for a new request. @since 0.1.0 @category models */
  type TriageRequest
} from "./internal/policyQueries.ts"
