/**
 * The support desk over HTTP: an Effect `HttpApi` over `SupportDesk`, versioned under `/v1`, with its OpenAPI
 * document at `/openapi.json` and an interactive reference at `/docs`.
 *
 * - **Cases** (clauses 2.2–2.4, 6.4): submit a request (`POST /v1/cases`, 201 with the tracking number and the
 *   reply-by promise), read a case with its handling record and live SLA clocks, write to it, list one's own cases.
 * - **Actions** of agents, account managers and requesters, one endpoint each (`POST
 *   /v1/cases/{trackingNumber}/actions/...`): reply, progress update (6.2), request information, respond, priority,
 *   assign, escalate (2.4), verification hold and conclusion (7.2), resolve, explain (6.3), refuse (7.3), reopen,
 *   close, internal notes.
 * - **Mediation** of disputes (4.5), **incidents** and **announcements** (6.5), the agents' **queue** by earliest due
 *   clock, the **console** (views with counts, search, people, live changes), **SLA reports** (JSON or CSV) and
 *   **quality reviews** (7.4), and the **policy**: the policy in force, the reply-by plan of a hypothetical request, and which channels
 *   are open now (2.1, 2.2).
 * - **Records** (7.1, 7.4): the published **versions** of the policy (administrators list, read and publish them,
 *   and move open cases to one), a requester's **erasure** request (administrators), and the requester's
 *   **satisfaction** rating of their case (signed in, or through a signed link).
 *
 * Who is asking is the host's business: the `Authentication` port turns request headers into an actor. Errors are
 * `application/problem+json` (`HttpProblem`): a bad request is a 400 naming each bad field, never an empty body.
 *
 * Serve it with {@link serve} on any `HttpServer`, merge {@link layer} into a router that has routes of its own, or
 * mount {@link toWebHandler}'s `Request => Promise<Response>` handler inside another server (Express, Hono, …).
 *
 * @since 0.1.0
 */
import {
  BusinessCalendar,
  CaseEvent,
  CaseQuery,
  Incident,
  Reports,
  SupportDesk,
  SupportPolicy,
  Text
} from "@support-policy/core"
import { Effect, type FileSystem, Layer, Option, type Path, Schema } from "effect"
import {
  type Etag,
  HttpEffect,
  type HttpPlatform,
  HttpRouter,
  HttpServer,
  HttpServerRequest,
  HttpServerResponse
} from "effect/http"
import {
  HttpApi,
  HttpApiBuilder,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpApiMiddleware,
  HttpApiScalar,
  HttpApiSchema,
  HttpApiSecurity,
  OpenApi
} from "effect/http-api"
import * as Authentication from "./Authentication.ts"
import { CurrentActor } from "./Authentication.ts"
import {
  Conflict,
  Forbidden,
  InvalidRequest,
  NotFound,
  ServiceUnavailable,
  TooManyRequests,
  Unauthenticated,
  Unprocessable
} from "./HttpProblem.ts"
import * as HttpViews from "./HttpViews.ts"
import { groupLayers } from "./internal/handlers/index.ts"
import type { Options } from "./internal/options.ts"
import { layerFallback, schemaProblem } from "./internal/problems.ts"
import { apiHeaders, layerSecurityHeaders, pageHeaders } from "./internal/security.ts"

// -------------------------------------------------------------------------------------------------------------------
// middleware
// -------------------------------------------------------------------------------------------------------------------

/**
 * Authenticates the request through the `Authentication` port and provides `CurrentActor`; 401 when there is no
 * actor. Documented in OpenAPI as a bearer token (what `Authentication.layerBearerTokens` reads); a host's own
 * authentication may read any header.
 *
 * @since 0.1.0
 * @category middleware
 */
export class Authenticate extends HttpApiMiddleware.Service<Authenticate, { provides: CurrentActor }>()(
  "@support-policy/http/HttpSupportApi/Authenticate",
  { error: [Unauthenticated, ServiceUnavailable], security: { bearer: HttpApiSecurity.bearer } }
) {}

/**
 * Turns a request that does not decode (path, query, headers or JSON body) into a 400 problem naming each bad field.
 *
 * @since 0.1.0
 * @category middleware
 */
export class ValidateRequest extends HttpApiMiddleware.Service<ValidateRequest>()(
  "@support-policy/http/HttpSupportApi/ValidateRequest",
  { error: InvalidRequest }
) {}

// -------------------------------------------------------------------------------------------------------------------
// request schemas
// -------------------------------------------------------------------------------------------------------------------

/** A reference in a path, a query or a body (a tracking number, an incident id): one line of 1 to 100 characters. */
const Ref = (what: string) => Text.identifier(what, 100)

const Limit = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 200 }))

const TimeZone = Text.identifier("a time zone", 64).pipe(Schema.decodeTo(BusinessCalendar.TimeZone))

const CaseParams = { trackingNumber: Ref("a tracking number") }

/** The `next` of a page of alerts: `<firedAt>.<sequence>.<caseId>`. */
const AlertCursor = Schema.String.check(
  Schema.isMaxLength(127, { message: "expected the `next` cursor of a previous page of alerts" }),
  Schema.isPattern(/^\d{1,16}\.\d{1,9}\.[A-Za-z0-9_-]{1,100}$/, {
    message: "expected the `next` cursor of a previous page of alerts"
  })
)

/** What to search for: one line of at most 500 characters (words, a tracking number or a part of one). */
const SearchText = Text.line("a query", 500)

const Ids = Schema.optionalKey(Schema.Array(CaseEvent.Id))

/** The filters, order and page of a list of the console, as query parameters. */
const ConsoleQuery = {
  view: Schema.optionalKey(HttpViews.View),
  assignee: Schema.optionalKey(Ref("an assignee: me, none or a person's id")),
  queue: Ids,
  priority: Ids,
  category: Ids,
  channel: Ids,
  q: Schema.optionalKey(SearchText),
  sort: Schema.optionalKey(CaseQuery.Sort),
  order: Schema.optionalKey(CaseQuery.Order),
  limit: Schema.optionalKey(Limit),
  cursor: Schema.optionalKey(Ref("a cursor from a page's next"))
}

/**
 * The body of `POST /v1/cases`: a request for support. The requester is the authenticated actor; the channel
 * defaults to the online form (clause 2.2) and the language to English. `timeZone` (IANA) is where the requester
 * reads the reply-by promise; the policy's zone when absent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SubmitBody = Schema.Struct({
  channel: Schema.optionalKey(CaseEvent.Id),
  category: CaseEvent.Id,
  subject: SupportDesk.SubmitInput.fields.subject,
  description: SupportDesk.SubmitInput.fields.description,
  orderReference: SupportDesk.SubmitInput.fields.orderReference,
  language: Schema.optionalKey(SupportDesk.Language),
  timeZone: Schema.optionalKey(TimeZone)
}).annotate({ identifier: "SubmitBody" })

/**
 * @since 0.1.0
 * @category models
 */
export type SubmitBody = typeof SubmitBody.Encoded

/**
 * The body of `POST /v1/mediations`: a buyer's request for platform mediation of a dispute on an order, against a
 * supplier (clause 4.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenMediationBody = Schema.Struct({
  ...SubmitBody.fields,
  category: Schema.optionalKey(CaseEvent.Id),
  orderReference: SupportDesk.OpenMediationInput.fields.orderReference,
  counterpartyId: CaseEvent.Id
}).annotate({ identifier: "OpenMediationBody" })

/**
 * @since 0.1.0
 * @category models
 */
export type OpenMediationBody = typeof OpenMediationBody.Encoded

/**
 * The body of `POST /v1/incidents/{incidentId}/cases`: the case to link.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LinkCaseBody = Schema.Struct({ trackingNumber: Ref("a tracking number") }).annotate({
  identifier: "LinkCaseBody"
})

// -------------------------------------------------------------------------------------------------------------------
// endpoints
// -------------------------------------------------------------------------------------------------------------------

const Created = <S extends Schema.Top>(schema: S) => schema.pipe(HttpApiSchema.status(201))

// 429: a requester over the policy's message limit (clause 7.3), or any actor over the limit of failed lookups
const actionErrors = [Forbidden, NotFound, Conflict, Unprocessable, TooManyRequests, ServiceUnavailable] as const
const messageErrors = actionErrors
const submitErrors = [Forbidden, Conflict, Unprocessable, TooManyRequests, ServiceUnavailable] as const

const action = <const Name extends string, const Path extends `/${string}`, P extends Schema.Top>(
  name: Name,
  path: Path,
  payload: P,
  summary: string
) =>
  HttpApiEndpoint.post(name, `/v1/cases/:trackingNumber/actions${path}`, {
    params: CaseParams,
    payload,
    success: HttpViews.CaseView,
    error: actionErrors
  }).annotate(OpenApi.Summary, summary)

/**
 * Submitting, reading and writing to cases.
 *
 * @since 0.1.0
 * @category groups
 */
export class CasesGroup extends HttpApiGroup.make("cases")
  .add(
    HttpApiEndpoint.post("submit", "/v1/cases", {
      headers: { "idempotency-key": SupportDesk.SubmitInput.fields.idempotencyKey },
      payload: SubmitBody,
      success: Created(HttpViews.Submission),
      error: submitErrors
    }).annotate(OpenApi.Summary, "Submit a request for support (requesters)"),
    HttpApiEndpoint.get("list", "/v1/cases", {
      query: {
        limit: Schema.optionalKey(Limit),
        offset: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
        q: Schema.optionalKey(SearchText)
      },
      success: HttpViews.CaseList,
      error: [InvalidRequest, Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "The caller's own cases, newest first (staff: their queue); with q, those matching a tracking number or words"
    ),
    HttpApiEndpoint.get("get", "/v1/cases/:trackingNumber", {
      params: CaseParams,
      query: {
        before: Schema.optionalKey(
          Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)).annotate({
            description:
              "Show the events before this sequence number: the `eventsBefore` cursor of the page you read (the latest events when absent)"
          })
        ),
        limit: Schema.optionalKey(Limit.annotate({ description: "At most this many events (1 to 200, default 50)" }))
      },
      success: HttpViews.CaseView,
      error: [NotFound, TooManyRequests, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "A case with the latest page of its handling record (?before= for earlier pages) and live SLA clocks"
    ),
    HttpApiEndpoint.post("postMessage", "/v1/cases/:trackingNumber/messages", {
      params: CaseParams,
      payload: SupportDesk.MessageInput,
      success: HttpViews.CaseView,
      error: messageErrors
    }).annotate(OpenApi.Summary, "Write to a case: the requester answers (a statement while in mediation); staff reply")
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Cases", description: "Requests for support and their records" })) {}

/**
 * One endpoint per action of agents, account managers and requesters on a case.
 *
 * @since 0.1.0
 * @category groups
 */
export class ActionsGroup extends HttpApiGroup.make("actions")
  .add(
    action("reply", "/reply", SupportDesk.MessageInput, "Reply to the requester"),
    action("progressUpdate", "/progress-update", SupportDesk.MessageInput, "Post a progress update (clause 6.2)"),
    action("requestInformation", "/request-information", SupportDesk.MessageInput, "Ask the requester for information"),
    HttpApiEndpoint.post("respond", "/v1/cases/:trackingNumber/actions/respond", {
      params: CaseParams,
      payload: SupportDesk.MessageInput,
      success: HttpViews.CaseView,
      error: messageErrors
    }).annotate(OpenApi.Summary, "The requester answers a request for information"),
    action("changePriority", "/priority", SupportDesk.ChangePriorityInput, "Change the priority"),
    action("assign", "/assign", SupportDesk.AssignInput, "Assign to an agent, a queue or an account manager"),
    action("escalate", "/escalate", SupportDesk.ReasonInput, "Escalate to the requester's account manager (2.4)"),
    action("holdForVerification", "/verification/hold", SupportDesk.ReasonInput, "Hold for verification (7.2)"),
    action(
      "concludeVerification",
      "/verification/conclude",
      SupportDesk.ConcludeVerificationInput,
      "Conclude a verification (7.2)"
    ),
    action("resolve", "/resolve", SupportDesk.MessageInput, "Resolve the case (clause 6.3)"),
    action("explain", "/explain", SupportDesk.ExplainInput, "Explain instead of a fix (clause 6.3)"),
    action("refuse", "/refuse", SupportDesk.RefuseInput, "Refuse an abusive request (clause 7.3)"),
    action("reopen", "/reopen", SupportDesk.ReasonInput, "Reopen an answered case"),
    action("close", "/close", SupportDesk.ReasonInput, "Close the case"),
    action("addNote", "/notes", SupportDesk.MessageInput, "Add an internal note (staff only)"),
    action(
      "recordQualityReview",
      "/quality-review",
      SupportDesk.QualityReviewInput,
      "Rate a closed case from 1 to 5, with a note (clause 7.4)"
    )
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Actions", description: "What agents and requesters do to a case" })) {}

/**
 * Platform mediation of disputes between buyers and suppliers (clause 4.5).
 *
 * @since 0.1.0
 * @category groups
 */
export class MediationGroup extends HttpApiGroup.make("mediation")
  .add(
    HttpApiEndpoint.post("open", "/v1/mediations", {
      headers: { "idempotency-key": SupportDesk.SubmitInput.fields.idempotencyKey },
      payload: OpenMediationBody,
      success: Created(HttpViews.Submission),
      error: submitErrors
    }).annotate(
      OpenApi.Summary,
      "A buyer opens a mediation of a dispute on an order with its other party (confirmed by the host's order data)"
    ),
    HttpApiEndpoint.post("request", "/v1/cases/:trackingNumber/mediation", {
      params: CaseParams,
      payload: SupportDesk.RequestMediationInput,
      success: HttpViews.CaseView,
      error: messageErrors
    }).annotate(
      OpenApi.Summary,
      "The requester asks for mediation on an existing case, naming the other party of the order (confirmed by the host)"
    ),
    HttpApiEndpoint.post("postStatement", "/v1/cases/:trackingNumber/mediation/statements", {
      params: CaseParams,
      payload: SupportDesk.MessageInput,
      success: HttpViews.CaseView,
      error: messageErrors
    }).annotate(OpenApi.Summary, "A party posts a statement"),
    HttpApiEndpoint.post("recordOutcome", "/v1/cases/:trackingNumber/mediation/outcome", {
      params: CaseParams,
      payload: SupportDesk.MediationOutcomeInput,
      success: HttpViews.CaseView,
      error: actionErrors
    }).annotate(OpenApi.Summary, "The mediator records the outcome")
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Mediation", description: "Disputes on orders (clause 4.5)" })) {}

/**
 * The agents' queue, and who the caller is.
 *
 * @since 0.1.0
 * @category groups
 */
export class DeskGroup extends HttpApiGroup.make("desk")
  .add(
    HttpApiEndpoint.get("queue", "/v1/desk/queue", {
      query: {
        breached: Schema.optionalKey(Schema.Boolean),
        dueSoon: Schema.optionalKey(Schema.Boolean),
        dueSoonMinutes: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100_000 }))),
        priority: Schema.optionalKey(Schema.Array(CaseEvent.Id)),
        category: Schema.optionalKey(Schema.Array(CaseEvent.Id)),
        assignee: Schema.optionalKey(Ref("an assignee id")),
        limit: Schema.optionalKey(Limit)
      },
      success: HttpViews.Queue,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "The agents' queue, earliest due clock first; breached / dueSoon (business minutes) / priority / category / assignee filters"
    ),
    HttpApiEndpoint.get("alerts", "/v1/desk/alerts", {
      query: {
        limit: Schema.optionalKey(Limit),
        before: Schema.optionalKey(AlertCursor)
      },
      success: HttpViews.Alerts,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "The SLA warnings, breaches and escalations addressed to the caller or their queues, newest first (staff only)"
    ),
    HttpApiEndpoint.get("me", "/v1/me", { success: HttpViews.Session }).annotate(OpenApi.Summary, "Who the caller is")
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Desk", description: "The agents' queue and their SLA alerts" })) {}

/**
 * The agents' console: its views with their counts, search, the staff a case can be assigned to, and the live stream
 * of changed cases.
 *
 * @since 0.1.0
 * @category groups
 */
export class ConsoleGroup extends HttpApiGroup.make("console")
  .add(
    HttpApiEndpoint.get("cases", "/v1/desk/cases", {
      query: ConsoleQuery,
      success: HttpViews.CasePage,
      error: [InvalidRequest, Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "A view of the console (status, mine, unassigned, …) with assignee, queue, priority, category, channel and word " +
        "filters, sorted by due, updated or received, a page at a time (cursor) with no cap"
    ),
    HttpApiEndpoint.get("search", "/v1/desk/search", {
      query: { ...ConsoleQuery, q: SearchText },
      success: HttpViews.CasePage,
      error: [InvalidRequest, Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "Search by tracking number (a mistyped one answered with didYouMean), order reference, requester name or " +
        "email, and words of subjects, descriptions and messages, in English and Chinese (requesters: their own cases)"
    ),
    HttpApiEndpoint.get("counts", "/v1/desk/counts", {
      success: HttpViews.ViewCounts,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "How many cases each view of the console holds"),
    HttpApiEndpoint.get("people", "/v1/desk/people", {
      success: HttpViews.People,
      error: [Forbidden]
    }).annotate(OpenApi.Summary, "The staff of the directory: names, roles and queues"),
    HttpApiEndpoint.get("changes", "/v1/desk/changes", {
      query: {
        since: Schema.optionalKey(
          Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).annotate({
            description: "Changes from this instant on (epoch milliseconds; default now)"
          })
        )
      },
      success: HttpApiSchema.StreamSse({ data: HttpViews.Change }),
      error: [Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "Server-sent events: every case the caller may see as it changes (since an instant, default now), and heartbeats"
    )
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Console", description: "Views, search and live updates for staff" })) {}

/**
 * SLA reports (clause 7.4), for agents and administrators.
 *
 * @since 0.1.0
 * @category groups
 */
export class ReportsGroup extends HttpApiGroup.make("reports")
  .add(
    HttpApiEndpoint.get("sla", "/v1/reports/sla", {
      query: {
        from: Ref("a date (YYYY-MM-DD, in the policy's time zone), an ISO instant or epoch milliseconds"),
        to: Ref("a date (YYYY-MM-DD, in the policy's time zone), an ISO instant or epoch milliseconds"),
        groupBy: Schema.optionalKey(Reports.GroupBy)
      },
      success: [HttpViews.SlaReport, Schema.String.pipe(HttpApiSchema.asText({ contentType: "text/csv" }))],
      error: [InvalidRequest, Forbidden, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "Per group (week, category, priority, queue, agent, channel) and metric: counted, met, breached, refused, " +
        "attainment, median and p90 business time, backlog at the end, satisfaction ratings given; " +
        "Accept: text/csv gives CSV"
    )
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Reports", description: "SLA reports from the handling records" })) {}

/**
 * Quality reviews of closed cases (clause 7.4).
 *
 * @since 0.1.0
 * @category groups
 */
export class QualityGroup extends HttpApiGroup.make("quality")
  .add(
    HttpApiEndpoint.get("pending", "/v1/quality-reviews", {
      query: { limit: Schema.optionalKey(Limit) },
      success: HttpViews.QualityReviews,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "The closed cases selected for quality review and not reviewed yet")
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Quality", description: "Quality reviews (clause 7.4)" })) {}

/**
 * System-wide incidents (clause 6.5), for staff.
 *
 * @since 0.1.0
 * @category groups
 */
export class IncidentsGroup extends HttpApiGroup.make("incidents")
  .add(
    HttpApiEndpoint.post("declare", "/v1/incidents", {
      payload: SupportDesk.DeclareIncidentInput,
      success: Created(Incident.Incident),
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Declare a system-wide incident"),
    HttpApiEndpoint.get("list", "/v1/incidents", {
      query: { active: Schema.optionalKey(Schema.Boolean), limit: Schema.optionalKey(Limit) },
      success: HttpViews.Incidents,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Incidents, newest first"),
    HttpApiEndpoint.get("get", "/v1/incidents/:incidentId", {
      params: { incidentId: Ref("an incident id") },
      success: Incident.Incident,
      error: [Forbidden, NotFound, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "An incident"),
    HttpApiEndpoint.patch("update", "/v1/incidents/:incidentId", {
      params: { incidentId: Ref("an incident id") },
      payload: SupportDesk.UpdateIncidentInput,
      success: Incident.Incident,
      error: [Forbidden, NotFound, Conflict, Unprocessable, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Update an active incident"),
    HttpApiEndpoint.post("linkCase", "/v1/incidents/:incidentId/cases", {
      params: { incidentId: Ref("an incident id") },
      payload: LinkCaseBody,
      success: HttpViews.CaseView,
      error: actionErrors
    }).annotate(OpenApi.Summary, "Link a case to an active incident"),
    HttpApiEndpoint.post("resolve", "/v1/incidents/:incidentId/resolve", {
      params: { incidentId: Ref("an incident id") },
      payload: SupportDesk.ResolveIncidentInput,
      success: HttpViews.IncidentResolution,
      error: [Forbidden, NotFound, Conflict, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Resolve an incident and notify every linked requester")
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Incidents", description: "System-wide incidents (clause 6.5)" })) {}

/**
 * Public announcements (clause 6.5): everyone reads them, staff post and edit them.
 *
 * @since 0.1.0
 * @category groups
 */
export class AnnouncementsGroup extends HttpApiGroup.make("announcements")
  .add(
    HttpApiEndpoint.get("list", "/v1/announcements", {
      success: HttpViews.Announcements,
      error: [ServiceUnavailable]
    }).annotate(OpenApi.Summary, "The announcements shown now (public)"),
    HttpApiEndpoint.post("post", "/v1/announcements", {
      payload: SupportDesk.AnnouncementInput,
      success: Created(Incident.Announcement),
      error: [Forbidden, NotFound, ServiceUnavailable]
    })
      .middleware(Authenticate)
      .annotate(OpenApi.Summary, "Post an announcement"),
    HttpApiEndpoint.patch("update", "/v1/announcements/:announcementId", {
      params: { announcementId: Ref("an announcement id") },
      payload: SupportDesk.UpdateAnnouncementInput,
      success: Incident.Announcement,
      error: [Forbidden, NotFound, ServiceUnavailable]
    })
      .middleware(Authenticate)
      .annotate(OpenApi.Summary, "Change an announcement")
  )
  .annotateMerge(OpenApi.annotations({ title: "Announcements", description: "Platform announcements (6.5)" })) {}

/**
 * The policy in force, the reply-by plan of a hypothetical request, and the channels open now. Public.
 *
 * @since 0.1.0
 * @category groups
 */
export class PolicyGroup extends HttpApiGroup.make("policy")
  .add(
    HttpApiEndpoint.get("get", "/v1/policy", {
      success: SupportPolicy.SupportPolicy,
      error: [ServiceUnavailable]
    }).annotate(OpenApi.Summary, "The version of the support policy in force (new cases are opened under it), as JSON"),
    HttpApiEndpoint.get("replyBy", "/v1/policy/reply-by", {
      query: {
        category: CaseEvent.Id,
        priority: Schema.optionalKey(CaseEvent.Id),
        channel: Schema.optionalKey(CaseEvent.Id),
        audience: Schema.optionalKey(CaseEvent.Id),
        receivedAt: Schema.optionalKey(Text.identifier("an instant", 64)),
        timeZone: Schema.optionalKey(TimeZone)
      },
      success: HttpViews.ReplyByPlan,
      error: [ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "The SLA plan of a hypothetical request; receivedAt is an ISO instant or epoch ms (default: now)"
    ),
    HttpApiEndpoint.get("channels", "/v1/channels", {
      success: HttpViews.Channels,
      error: [ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Each contact channel, open now or not, and when it next opens")
  )
  .annotateMerge(OpenApi.annotations({ title: "Policy", description: "The policy, its promises and its hours" })) {}

const VersionParams = { version: Ref("a version number") }

/**
 * The body of `POST /v1/policy/versions`: a support policy document, as a host writes it (the JSON Schema
 * `schema/support-policy.schema.json` of `@support-policy/core` describes it). It is decoded by
 * `SupportPolicy.decode`: a bad document is a 400 naming each bad field.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyDocument = Schema.Record(Schema.String, Schema.Unknown).annotate({
  identifier: "SupportPolicyDocument",
  description:
    "A support policy document (see schema/support-policy.schema.json in @support-policy/core), decoded by SupportPolicy.decode"
})

/**
 * The versions of the policy (clause 7.1), for administrators: list, read, publish, and move open cases to one.
 *
 * @since 0.1.0
 * @category groups
 */
export class PolicyVersionsGroup extends HttpApiGroup.make("policyVersions")
  .add(
    HttpApiEndpoint.get("list", "/v1/policy/versions", {
      success: HttpViews.PolicyVersions,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Every published version of the policy, in publication order (administrators)"),
    HttpApiEndpoint.get("get", "/v1/policy/versions/:version", {
      params: VersionParams,
      success: HttpViews.PublishedPolicy,
      error: [Forbidden, NotFound, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "A published version of the policy, as published (administrators)"),
    HttpApiEndpoint.post("publish", "/v1/policy/versions", {
      payload: PolicyDocument,
      success: Created(HttpViews.PublishedPolicy),
      error: [Forbidden, Conflict, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "Publish a version of the policy: in force for new cases from now; 409 for a version number published before"
    ),
    HttpApiEndpoint.post("moveCases", "/v1/policy/versions/:version/move-cases", {
      params: VersionParams,
      payload: SupportDesk.MovePolicyVersionInput,
      success: HttpViews.PolicyMove,
      error: [Forbidden, NotFound, TooManyRequests, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "Move open cases to this version: their clocks start again under it from now (administrators)"
    )
  )
  .middleware(Authenticate)
  .annotateMerge(
    OpenApi.annotations({ title: "Policy versions", description: "Versions of the policy and their cases (7.1)" })
  ) {}

/**
 * Erasure of a requester's personal data on their request (clause 7.4), for administrators.
 *
 * @since 0.1.0
 * @category groups
 */
export class ErasureGroup extends HttpApiGroup.make("erasure")
  .add(
    HttpApiEndpoint.post("eraseRequester", "/v1/requesters/:id/erasure", {
      params: { id: Ref("a requester id") },
      success: HttpViews.ErasureReport,
      error: [Forbidden, Conflict, ServiceUnavailable]
    }).annotate(
      OpenApi.Summary,
      "Erase a requester's personal data from every case of theirs; held cases wait (administrators)"
    )
  )
  .middleware(Authenticate)
  .annotateMerge(OpenApi.annotations({ title: "Erasure", description: "The right to be forgotten (7.4)" })) {}

/**
 * The body of a satisfaction rating through a signed link.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RateWithTokenBody = Schema.Struct({
  token: Text.identifier("a rating link's token", 1000),
  ...SupportDesk.RateSatisfactionInput.fields
}).annotate({ identifier: "RateWithTokenBody" })

/**
 * The body that asks what a signed rating link opens.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RatingLinkBody = Schema.Struct({
  token: Text.identifier("a rating link's token", 1000)
}).annotate({ identifier: "RatingLinkBody" })

/**
 * The requester's satisfaction rating of their answered case (clause 7.4): signed in, or through the signed link of
 * the resolution e-mail (`POST /v1/satisfaction/form` shows what the link opens, `POST /v1/satisfaction` rates; the
 * token travels in the body, never in a URL).
 *
 * @since 0.1.0
 * @category groups
 */
export class SatisfactionGroup extends HttpApiGroup.make("satisfaction")
  .add(
    HttpApiEndpoint.post("rate", "/v1/cases/:trackingNumber/satisfaction", {
      params: CaseParams,
      payload: SupportDesk.RateSatisfactionInput,
      success: HttpViews.CaseView,
      error: actionErrors
    })
      .middleware(Authenticate)
      .annotate(OpenApi.Summary, "The requester rates how their answered case was handled; once per case (409 after)"),
    HttpApiEndpoint.post("formWithToken", "/v1/satisfaction/form", {
      payload: RatingLinkBody,
      success: HttpViews.RatingForm,
      error: [Forbidden, NotFound, TooManyRequests, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "What a signed rating link opens: the case's question, or its rating (no sign-in)"),
    HttpApiEndpoint.post("rateWithToken", "/v1/satisfaction", {
      payload: RateWithTokenBody,
      success: HttpViews.Rated,
      error: [Forbidden, NotFound, Conflict, Unprocessable, TooManyRequests, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Rate a case through a signed rating link (no sign-in)")
  )
  .annotateMerge(OpenApi.annotations({ title: "Satisfaction", description: "How the requester rates a case (7.4)" })) {}

const Page = {
  limit: Schema.optionalKey(Limit),
  offset: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
}

/**
 * The email channel for staff (clause 2.2): the outbox messages given up and their retry (administrators), the
 * incoming mails with what became of each and their originals, and the addresses that bounced. Answers 503 when the
 * host runs no outbox or mailbox.
 *
 * @since 0.1.0
 * @category groups
 */
export class EmailGroup extends HttpApiGroup.make("email")
  .add(
    HttpApiEndpoint.get("failedMessages", "/v1/outbox/failed", {
      query: Page,
      success: HttpViews.Deliveries,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Notifications given up after their attempts, newest first (administrators)"),
    HttpApiEndpoint.post("retryMessage", "/v1/outbox/:messageId/retry", {
      params: { messageId: Ref("a message id") },
      success: HttpViews.Delivery,
      error: [Forbidden, NotFound, Conflict, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Deliver a given-up notification again, from now (administrators)"),
    HttpApiEndpoint.get("inboundMail", "/v1/mail", {
      query: Page,
      success: HttpViews.InboundMails,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Incoming mail and what became of each, newest first (staff)"),
    HttpApiEndpoint.get("caseMail", "/v1/cases/:trackingNumber/mail", {
      params: CaseParams,
      success: HttpViews.InboundMails,
      error: [Forbidden, NotFound, TooManyRequests, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "The incoming mails of a case, oldest first (staff)"),
    HttpApiEndpoint.get("original", "/v1/mail/:mailId/original", {
      params: { mailId: Ref("a mail id") },
      success: HttpViews.InboundOriginal,
      error: [Forbidden, NotFound, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "An incoming mail with its full original, base64 (staff)"),
    HttpApiEndpoint.get("failingAddresses", "/v1/mail/failing-addresses", {
      query: Page,
      success: HttpViews.FailingAddresses,
      error: [Forbidden, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Addresses that bounced: no mail goes to them (staff)"),
    HttpApiEndpoint.delete("clearFailingAddress", "/v1/mail/failing-addresses/:address", {
      params: { address: Ref("an email address") },
      success: HttpApiSchema.NoContent,
      error: [Forbidden, NotFound, ServiceUnavailable]
    }).annotate(OpenApi.Summary, "Mail an address again, once it is fixed (administrators)")
  )
  .middleware(Authenticate)
  .annotateMerge(
    OpenApi.annotations({ title: "Email", description: "The email channel: delivery failures, incoming mail, bounces" })
  ) {}

/**
 * The support desk's HTTP API.
 *
 * @since 0.1.0
 * @category api
 */
export class Api extends HttpApi.make("support-policy")
  .add(
    CasesGroup,
    ActionsGroup,
    MediationGroup,
    DeskGroup,
    ConsoleGroup,
    ReportsGroup,
    QualityGroup,
    IncidentsGroup,
    AnnouncementsGroup,
    PolicyGroup,
    PolicyVersionsGroup,
    ErasureGroup,
    SatisfactionGroup,
    EmailGroup
  )
  .middleware(ValidateRequest)
  .annotate(HttpApi.PayloadParseOptions, { errors: "all", onExcessProperty: "error" })
  .annotate(HttpApi.QueryParseOptions, { errors: "all" })
  .annotate(HttpApi.ParamsParseOptions, { errors: "all" })
  .annotateMerge(
    OpenApi.annotations({
      title: "Support desk API",
      version: "0.1.0",
      description:
        "A customer-support policy as running software (@support-policy/http). Errors are application/problem+json."
    })
  ) {}

// -------------------------------------------------------------------------------------------------------------------
// security headers
// -------------------------------------------------------------------------------------------------------------------

/**
 * The headers of every response under `/v1` and of the OpenAPI document: a Content-Security-Policy that lets
 * nothing load or run and forbids framing (`frame-ancestors 'none'`), `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer` and `Cache-Control: no-store` (case data is personal).
 *
 * @since 0.1.0
 * @category constants
 */
export const securityHeaders: Readonly<Record<string, string>> = apiHeaders

/**
 * Headers for a host's own pages that load only their own scripts, styles and images and call only their own
 * origin (as the demo's pages do): a Content-Security-Policy without inline scripts or other origins and with
 * `frame-ancestors 'none'`, `nosniff`, `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`.
 *
 * @since 0.1.0
 * @category constants
 */
export const pageSecurityHeaders: Readonly<Record<string, string>> = pageHeaders

// -------------------------------------------------------------------------------------------------------------------
// layers
// -------------------------------------------------------------------------------------------------------------------

export type {
  /**
   * Options of the HTTP API.
   *
   * @since 0.1.0
   * @category models
   */
  Options
} from "./internal/options.ts"

/**
 * The platform services the routes need: what `HttpServer.layerServices` provides, and what a platform's server
 * layer (`NodeHttpServer.layer`) provides with the server.
 *
 * @since 0.1.0
 * @category models
 */
export type PlatformServices = Etag.Generator | FileSystem.FileSystem | HttpPlatform.HttpPlatform | Path.Path

const layerAuthenticate = Layer.effect(
  Authenticate,
  Effect.gen(function* () {
    const authentication = yield* Authentication.Authentication
    const challenge = HttpEffect.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "www-authenticate", 'Bearer realm="support-desk"'))
    )
    return Authenticate.of({
      bearer: (httpEffect) =>
        Effect.gen(function* () {
          const request = yield* HttpServerRequest.HttpServerRequest
          const actor = yield* authentication.authenticate({ headers: request.headers }).pipe(
            Effect.catchTag("AuthenticationUnavailable", (error) =>
              Effect.andThen(
                Effect.logError("support desk HTTP API: authentication unavailable", error),
                Effect.fail(
                  new ServiceUnavailable({
                    code: "AuthenticationUnavailable",
                    detail: "Authentication is unavailable; retry later"
                  })
                )
              )
            )
          )
          if (Option.isNone(actor)) {
            yield* challenge
            return yield* new Unauthenticated({
              code: "Unauthenticated",
              detail:
                request.headers.authorization === undefined
                  ? "This endpoint needs credentials: send Authorization: Bearer <token>"
                  : "The credentials are not valid"
            })
          }
          return yield* Effect.provideService(httpEffect, CurrentActor, actor.value)
        })
    })
  })
)

const layerValidateRequest = HttpApiMiddleware.layerSchemaErrorTransform(ValidateRequest, (error) =>
  // a response that does not encode is a defect of the server, not of the request
  error.kind === "Body" || error.kind === "ResponseHeaders" ? Effect.die(error) : Effect.fail(schemaProblem(error))
)

/**
 * The handlers of every group, with the API's middleware, on the desk and the authentication in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHandlers = (options?: Options) =>
  groupLayers(Api, Layer.mergeAll(layerAuthenticate, layerValidateRequest), options ?? {})

/**
 * The API's routes on an `HttpRouter`: every endpoint, the OpenAPI document, the interactive reference, and the
 * problem+json answer to anything under `/v1` that no endpoint takes (unknown route, non-JSON body, body too large).
 * Its responses carry {@link securityHeaders} (the reference page a framing and sniffing guard); a host's other
 * routes are left alone. Merge it with routes of your own and serve the lot with `HttpRouter.serve`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<
  never,
  never,
  HttpRouter.HttpRouter | PlatformServices | SupportDesk.SupportDesk | Authentication.Authentication
> => {
  const docsPath = options?.docsPath ?? "/docs"
  const openapiPath = options?.openapiPath ?? "/openapi.json"
  const api = options?.basePath === undefined ? Api : Api.annotate(OpenApi.Servers, [{ url: options.basePath }])
  return Layer.mergeAll(
    HttpApiBuilder.layer(api, { openapiPath }),
    docsPath === false ? Layer.empty : HttpApiScalar.layer(api, { path: docsPath }),
    layerFallback({ maxBodyBytes: options?.maxBodyBytes ?? 1024 * 1024 }),
    layerSecurityHeaders({ openapiPath, docsPath })
  ).pipe(Layer.provide(layerHandlers(options)))
}

/**
 * Serves the API on the `HttpServer` in context (e.g. `NodeHttpServer.layer(createServer, { port })`), logging the
 * address it listens on unless `disableListenLog`, and each request unless `disableLogger`.
 *
 * @since 0.1.0
 * @category layers
 */
export const serve = (
  options?: Options & {
    readonly disableLogger?: boolean | undefined
    readonly disableListenLog?: boolean | undefined
  }
): Layer.Layer<
  never,
  never,
  HttpServer.HttpServer | PlatformServices | SupportDesk.SupportDesk | Authentication.Authentication
> =>
  HttpRouter.serve(layer(options), {
    disableLogger: options?.disableLogger ?? false,
    disableListenLog: options?.disableListenLog ?? false
  })

/**
 * A web handler for hosts: `handler(request)` answers a Fetch `Request` with a `Response`; `dispose()` releases the
 * layer. `services` provides the desk and the authentication (e.g. `Layer.mergeAll(SupportDesk.layer(...),
 * Authentication.layerBearerTokens(...))`). The routes start at `/v1`, so a host that mounts the handler under a
 * path strips that path from the request URL first (and gives it as `basePath` for the OpenAPI document). Requests
 * are not logged unless `disableLogger: false`: the host has its own access log.
 *
 * @since 0.1.0
 * @category constructors
 */
export const toWebHandler = <E>(
  services: Layer.Layer<SupportDesk.SupportDesk | Authentication.Authentication, E>,
  options?: Options & { readonly disableLogger?: boolean | undefined }
): {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
} => {
  const { dispose, handler } = HttpRouter.toWebHandler(
    layer(options).pipe(Layer.provide(Layer.mergeAll(services, HttpServer.layerServices))),
    { disableLogger: options?.disableLogger ?? true }
  )
  return { handler: (request) => handler(request), dispose }
}
