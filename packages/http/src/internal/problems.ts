/**
 * From the desk's errors to HTTP problems, from schema failures to 400 problems naming each field, and the fallback
 * that answers anything else under `/v1` (unknown route, non-JSON body, body too large, a defect) with a problem.
 */
import {
  type CaseStore,
  FieldProblem as CoreFieldProblem,
  type Erasure,
  type Incident,
  type Parties,
  type PolicyStore,
  type SatisfactionToken,
  type SupportDesk,
  type SupportPolicy
} from "@support-policy/core"
import { ByteSize, Cause, Effect, type Layer, SchemaIssue, type Types } from "effect"
import {
  HttpEffect,
  HttpIncomingMessage,
  HttpRouter,
  HttpServerRequest,
  HttpServerRespondable,
  HttpServerResponse
} from "effect/http"
import type { HttpApiError } from "effect/http-api"
import {
  Conflict,
  type FieldProblem,
  Forbidden,
  InternalError,
  InvalidRequest,
  type Location,
  NotFound,
  PayloadTooLarge,
  type Problem,
  ServiceUnavailable,
  TooManyRequests,
  Unprocessable
} from "../HttpProblem.ts"
import { apiHeaders, withHeaders } from "./security.ts"

// -------------------------------------------------------------------------------------------------------------------
// paths
// -------------------------------------------------------------------------------------------------------------------

type Segment = PropertyKey | { readonly key: PropertyKey }

/** `["requester", "flags", 0]` as `"requester.flags[0]"`; the root as `"(root)"`: core's `FieldProblem.formatPath`. */
export const formatPath: (path: ReadonlyArray<Segment> | undefined) => string = CoreFieldProblem.formatPath

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const slotLocation: Record<HttpApiError.HttpApiSchemaError["kind"], Location> = {
  Params: "path",
  Query: "query",
  Headers: "header",
  Payload: "body",
  Body: "body",
  ResponseHeaders: "header"
}

/** Schema's terse messages for a missing or an unknown field, in the words of the API. */
const friendly = (message: string, location: Location): string =>
  message === "Missing key"
    ? "required"
    : message === "Expected no excess property"
      ? location === "body"
        ? "unknown field"
        : "unknown parameter"
      : message

/** A request that did not decode, as a 400 problem naming each bad value. */
export const schemaProblem = (error: HttpApiError.HttpApiSchemaError): InvalidRequest => {
  const location = slotLocation[error.kind]
  const problems: Array<FieldProblem> = formatter(error.cause.issue).issues.map((issue) => ({
    in: location,
    path: formatPath(issue.path as ReadonlyArray<Segment> | undefined),
    message: friendly(issue.message, location)
  }))
  return invalidRequest("RequestInvalid", problems)
}

export const invalidRequest = (code: string, problems: ReadonlyArray<FieldProblem>): InvalidRequest =>
  new InvalidRequest({
    code,
    detail: `Invalid request: ${problems.map((p) => `${p.in} ${p.path}: ${p.message}`).join("; ")}`,
    problems
  })

// -------------------------------------------------------------------------------------------------------------------
// desk errors
// -------------------------------------------------------------------------------------------------------------------

/** Every error the desk's services fail with. */
export type DeskError =
  | SupportDesk.InputInvalid
  | SupportDesk.ActionForbidden
  | SupportDesk.TransitionNotAllowed
  | SupportDesk.ChannelNotAccepted
  | SupportDesk.RateLimitExceeded
  | SupportDesk.ReopenWindowClosed
  | SupportDesk.AccountManagerMissing
  | SupportDesk.VerificationNotApplicable
  | SupportDesk.MediationNotAvailable
  | SupportDesk.IncidentAlreadyResolved
  | SupportDesk.AnnouncementNotFound
  | SupportDesk.LookupThrottled
  | CaseStore.CaseNotFound
  | CaseStore.SequenceConflict
  | CaseStore.IdempotencyConflict
  | CaseStore.CaseStoreFailure
  | Incident.IncidentNotFound
  | Incident.IncidentVersionConflict
  | Incident.IncidentStoreFailure
  | PolicyStore.PolicyStoreFailure
  | PolicyStore.PolicyVersionNotFound
  | PolicyStore.PolicyVersionExists
  | SupportPolicy.PolicyDecodeFailure
  | SupportDesk.SatisfactionNotAvailable
  | SupportDesk.SatisfactionAlreadyRated
  | SatisfactionToken.SatisfactionTokenInvalid
  | Erasure.HolderFailure
  | Parties.PartiesFailure

type Tagged<T extends string> = { readonly _tag: T }

/** The problem each desk error becomes. */
export type ProblemOf<E> =
  E extends Tagged<"InputInvalid" | "PolicyDecodeFailure">
    ? InvalidRequest
    : E extends Tagged<"CaseNotFound" | "IncidentNotFound" | "AnnouncementNotFound" | "PolicyVersionNotFound">
      ? NotFound
      : E extends Tagged<"ActionForbidden" | "SatisfactionTokenInvalid">
        ? Forbidden
        : E extends Tagged<
              | "SequenceConflict"
              | "IdempotencyConflict"
              | "IncidentVersionConflict"
              | "PolicyVersionExists"
              | "SatisfactionAlreadyRated"
            >
          ? Conflict
          : E extends Tagged<"RateLimitExceeded" | "LookupThrottled">
            ? TooManyRequests
            : E extends Tagged<"CaseStoreFailure" | "IncidentStoreFailure">
              ? ServiceUnavailable | InvalidRequest
              : E extends Tagged<"PartiesFailure" | "PolicyStoreFailure" | "HolderFailure">
                ? ServiceUnavailable
                : E extends Tagged<
                      | "TransitionNotAllowed"
                      | "ChannelNotAccepted"
                      | "ReopenWindowClosed"
                      | "AccountManagerMissing"
                      | "VerificationNotApplicable"
                      | "MediationNotAvailable"
                      | "IncidentAlreadyResolved"
                      | "SatisfactionNotAvailable"
                    >
                  ? Unprocessable
                  : never

/** Where the paths of the desk's `InputInvalid` problems are in the request. */
export type Locate = (path: string) => { readonly in: Location; readonly path: string }

export const inBody: Locate = (path) => ({ in: "body", path })

export const inQuery: Locate = (path) => ({ in: "query", path })

export const inPath: Locate = (path) => ({ in: "path", path })

/** A submission's input is the body, the authenticated requester (`requester.*`) and the `Idempotency-Key`. */
export const inSubmission: Locate = (path) =>
  path === "requester" || path.startsWith("requester.") || path.startsWith("requester[")
    ? { in: "actor", path }
    : path === "idempotencyKey"
      ? { in: "header", path: "idempotency-key" }
      : { in: "body", path }

const caseNotFound = (ref: string) => `No case "${ref}" that you may see`

/** The problem a desk error becomes. */
export const problemOf = (error: DeskError, locate: Locate = inBody): Problem => {
  switch (error._tag) {
    case "InputInvalid":
      return invalidRequest(
        "InputInvalid",
        error.problems.map((p) => ({ ...locate(p.path), message: p.message }))
      )
    case "CaseNotFound":
      return new NotFound({ code: error._tag, detail: caseNotFound(error.caseId) })
    case "IncidentNotFound":
      return new NotFound({ code: error._tag, detail: `No incident "${error.incidentId}"` })
    case "AnnouncementNotFound":
      return new NotFound({ code: error._tag, detail: `No announcement "${error.announcementId}"` })
    case "ActionForbidden":
      return new Forbidden({ code: error._tag, detail: error.message, action: error.action })
    case "SequenceConflict":
      return new Conflict({
        code: error._tag,
        detail: "The case kept changing while your change was being written; read it again and retry"
      })
    case "IdempotencyConflict":
      return new Conflict({
        code: error._tag,
        detail: `The Idempotency-Key "${error.key}" was used before with another request`
      })
    case "IncidentVersionConflict":
      return new Conflict({
        code: error._tag,
        detail: "The incident kept changing while your change was being written; read it again and retry"
      })
    case "RateLimitExceeded":
      return new TooManyRequests({
        code: error._tag,
        detail: error.message,
        limitId: error.limitId,
        limit: error.limit,
        windowHours: error.windowHours,
        retryAfterSeconds: Math.max(1, Math.ceil(error.windowHours * 3600))
      })
    case "LookupThrottled":
      return new TooManyRequests({
        code: error._tag,
        detail: error.message,
        limitId: "failed-lookups",
        limit: error.maxFailures,
        windowHours: error.windowMs / 3_600_000,
        retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000))
      })
    case "CaseStoreFailure":
    case "IncidentStoreFailure":
      // a value the store refused is the request's (the desk's checks should have refused it first): never "retry"
      return error.reason === "Rejected"
        ? invalidRequest("StoreRejected", [
            { in: "body", path: "(root)", message: "a value of the request was refused by the store" }
          ])
        : new ServiceUnavailable({
            code: error._tag,
            detail: `The ${error._tag === "CaseStoreFailure" ? "case" : "incident"} store is unavailable; retry later`
          })
    case "PartiesFailure":
      return new ServiceUnavailable({ code: error._tag, detail: "The order data is unavailable; retry later" })
    case "PolicyStoreFailure":
      return new ServiceUnavailable({ code: error._tag, detail: "The policy store is unavailable; retry later" })
    case "HolderFailure":
      return new ServiceUnavailable({
        code: error._tag,
        detail: "A store of personal data could not erase it; nothing was erased from the cases: retry later"
      })
    case "PolicyDecodeFailure":
      return invalidRequest(
        "PolicyDecodeFailure",
        error.problems.map((p) => ({ ...locate(p.path), message: p.message }))
      )
    case "PolicyVersionNotFound":
      return new NotFound({ code: error._tag, detail: `No version "${error.version}" of the policy was published` })
    case "PolicyVersionExists":
      return new Conflict({
        code: error._tag,
        detail: `Version "${error.version}" of the policy was published before; a published version never changes`
      })
    case "SatisfactionAlreadyRated":
      return new Conflict({ code: error._tag, detail: error.message })
    case "SatisfactionTokenInvalid":
      return new Forbidden({ code: error._tag, detail: error.message, reason: error.reason })
    case "SatisfactionNotAvailable":
      return new Unprocessable({
        code: error._tag,
        detail: error.message,
        reason: error.reason,
        ...(error.windowEndedAt === undefined ? {} : { windowEndedAt: error.windowEndedAt })
      })
    case "TransitionNotAllowed":
      return new Unprocessable({
        code: error._tag,
        detail: error.message,
        caseStatus: error.status,
        action: error.action
      })
    case "ReopenWindowClosed":
      return new Unprocessable({ code: error._tag, detail: error.message, reopenWindowEndedAt: error.windowEndedAt })
    case "ChannelNotAccepted":
    case "AccountManagerMissing":
    case "VerificationNotApplicable":
    case "MediationNotAvailable":
    case "IncidentAlreadyResolved":
      return new Unprocessable({ code: error._tag, detail: error.message })
  }
}

const retryAfter = (seconds: number) =>
  HttpEffect.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(seconds)))
  )

/**
 * Maps the desk's errors to problems: a store failure is logged (its cause stays out of the response), a rate limit
 * sets `Retry-After`.
 */
export const deskErrors =
  (locate: Locate = inBody) =>
  <A, E extends DeskError, R>(
    self: Effect.Effect<A, E, R>
  ): Effect.Effect<A, ProblemOf<E>, R | HttpServerRequest.HttpServerRequest> =>
    Effect.catch(self, (error: DeskError): Effect.Effect<never, Problem, HttpServerRequest.HttpServerRequest> => {
      const problem = problemOf(error, locate)
      switch (problem._tag) {
        case "ServiceUnavailable":
          return Effect.andThen(Effect.logError("support desk back end failed", error), Effect.fail(problem))
        case "InvalidRequest":
          return problem.code === "StoreRejected"
            ? Effect.andThen(
                Effect.logWarning("support desk: the store refused a value the input checks let through", error),
                Effect.fail(problem)
              )
            : Effect.fail(problem)
        case "TooManyRequests":
          return Effect.andThen(retryAfter(problem.retryAfterSeconds), Effect.fail(problem))
        default:
          return Effect.fail(problem)
      }
    }) as Effect.Effect<A, ProblemOf<E>, R | HttpServerRequest.HttpServerRequest>

// -------------------------------------------------------------------------------------------------------------------
// fallback
// -------------------------------------------------------------------------------------------------------------------

const PROBLEM_JSON = "application/problem+json"

const currentRequest = Effect.gen(function* () {
  return yield* HttpServerRequest.HttpServerRequest
})

const isApiPath = (url: string): boolean => {
  const path = url.startsWith("/") ? url : new URL(url, "http://localhost").pathname
  return path === "/v1" || path.startsWith("/v1/") || path.startsWith("/v1?")
}

const respond = (problem: Problem) => HttpServerRespondable.toResponse(problem)

const bodyText = (response: HttpServerResponse.HttpServerResponse): string | undefined => {
  const body = response.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : undefined
    default:
      return undefined
  }
}

const known: Record<number, { readonly slug: string; readonly title: string; readonly code: string }> = {
  400: { slug: "invalid-request", title: "The request is invalid", code: "RequestInvalid" },
  401: { slug: "unauthenticated", title: "Authentication required", code: "Unauthenticated" },
  403: { slug: "forbidden", title: "The action is not allowed to you", code: "Forbidden" },
  404: { slug: "not-found", title: "Not found", code: "NotFound" },
  409: { slug: "conflict", title: "Conflicting change", code: "Conflict" },
  413: { slug: "payload-too-large", title: "The request body is too large", code: "PayloadTooLarge" },
  415: { slug: "unsupported-media-type", title: "Unsupported media type", code: "UnsupportedMediaType" },
  422: { slug: "unprocessable", title: "The action cannot be taken now", code: "Unprocessable" },
  500: { slug: "internal-error", title: "Internal error", code: "InternalError" },
  503: { slug: "service-unavailable", title: "Service unavailable", code: "ServiceUnavailable" }
}

/**
 * An error response that is not a problem (an empty 404, a text 415, …) as a problem of the same status, keeping its
 * headers (`Allow`, `Retry-After`, …). A server error's body is not repeated.
 */
const asProblem = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  const status = response.status
  const text = status >= 500 ? undefined : bodyText(response)?.trim()
  const entry = known[status]
  const detail =
    text !== undefined && text !== ""
      ? text.slice(0, 500) + (status === 415 ? "; send application/json" : "")
      : status >= 500
        ? "The server failed to answer"
        : `The request was refused (HTTP ${status})`
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => name !== "content-type" && name !== "content-length")
  )
  return HttpServerResponse.jsonUnsafe(
    {
      type: entry === undefined ? "about:blank" : `urn:support-policy:problem:${entry.slug}`,
      title: entry?.title ?? `HTTP ${status}`,
      status,
      code: entry?.code ?? `Http${status}`,
      detail,
      ...(status === 400 ? { problems: [] } : {})
    },
    { status, headers, contentType: PROBLEM_JSON }
  )
}

interface Failure {
  readonly _tag?: string
  readonly reason?: {
    readonly _tag?: string
    readonly reason?: string
    readonly methodAndUrl?: string
    readonly description?: string
  }
}

const fromCause = (cause: Cause.Cause<unknown>): Effect.Effect<HttpServerResponse.HttpServerResponse, unknown> => {
  if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause)
  for (const reason of cause.reasons) {
    const error = (reason._tag === "Fail" ? reason.error : reason._tag === "Die" ? reason.defect : undefined) as
      | Failure
      | undefined
    if (HttpServerResponse.isHttpServerResponse(error)) return Effect.succeed(error)
    if (error instanceof InvalidRequest || error instanceof PayloadTooLarge) return respond(error)
    if (error?._tag !== "HttpServerError" || error.reason === undefined) continue
    switch (error.reason._tag) {
      case "RouteNotFound":
        // the router refuses a path parameter over its length limit before any endpoint sees it
        if (error.reason.description?.includes("maxParamLength")) {
          return respond(
            invalidRequest("RequestInvalid", [
              { in: "path", path: "(root)", message: "a path parameter is longer than 100 characters" }
            ])
          )
        }
        return respond(
          new NotFound({ code: "RouteNotFound", detail: `No endpoint ${error.reason.methodAndUrl ?? ""}`.trim() })
        )
      case "RequestParseError":
        return error.reason.reason === "BodyTooLarge"
          ? respond(new PayloadTooLarge({ code: "PayloadTooLarge", detail: "The request body is too large" }))
          : respond(
              new InvalidRequest({ code: "RequestInvalid", detail: "The request body could not be read", problems: [] })
            )
    }
  }
  return Effect.andThen(
    Effect.logError("support desk HTTP API: unexpected failure", cause),
    respond(new InternalError({ code: "InternalError", detail: "The server failed to answer" }))
  )
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

const hasBody = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.method !== "GET" &&
  request.method !== "HEAD" &&
  (request.headers["transfer-encoding"] !== undefined ||
    (request.headers["content-length"] !== undefined && request.headers["content-length"] !== "0"))

/** Whether percent-encoded text decodes to well-formed UTF-8 (`decodeURIComponent` throws on anything else). */
const isUtf8Url = (text: string): boolean => {
  try {
    decodeURIComponent(text)
    return true
  } catch {
    return false
  }
}

/**
 * A path or query that is not percent-encoded UTF-8 is refused (a decoder would turn the bad bytes into U+FFFD).
 */
const checkUrl = (request: HttpServerRequest.HttpServerRequest) => {
  const url = request.url
  const at = url.indexOf("?")
  const path = at < 0 ? url : url.slice(0, at)
  const query = at < 0 ? "" : url.slice(at + 1)
  const bad = !isUtf8Url(path) ? "path" : !isUtf8Url(query) ? "query" : undefined
  return bad === undefined
    ? Effect.void
    : Effect.fail(
        invalidRequest("RequestInvalid", [
          { in: bad, path: "(root)", message: `the ${bad} is not percent-encoded UTF-8` }
        ])
      )
}

/**
 * A body whose declared length (`Content-Length`) is over the limit is refused at once, before any of it is read:
 * the client learns it without sending it, and the server does not wait for bytes it would refuse.
 */
const checkDeclaredLength = (request: HttpServerRequest.HttpServerRequest, maxBodyBytes: number) => {
  const declared = request.headers["content-length"]
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes
    ? Effect.fail(
        new PayloadTooLarge({
          code: "PayloadTooLarge",
          detail: `The request body is too large: ${declared} bytes, at most ${maxBodyBytes}`
        })
      )
    : Effect.void
}

/**
 * A body that is not well-formed UTF-8 is refused before any endpoint decodes it (a decoder would turn the bad bytes
 * into U+FFFD and store that). The body is read once: the endpoint reads the same bytes afterwards.
 */
const checkUtf8 = (request: HttpServerRequest.HttpServerRequest) =>
  hasBody(request)
    ? Effect.flatMap(request.arrayBuffer, (bytes) => {
        try {
          utf8.decode(bytes)
          return Effect.void
        } catch {
          return Effect.fail(
            invalidRequest("RequestInvalid", [
              { in: "body", path: "(root)", message: "the body is not well-formed UTF-8" }
            ])
          )
        }
      })
    : Effect.void

/**
 * Global router middleware for requests under `/v1`: limits the body size, refuses a body that is not UTF-8, answers
 * with a problem whatever would otherwise be an empty or non-problem error response, and sets the API's security
 * headers on every answer. Other paths of the router are left alone.
 */
export const layerFallback = (options: {
  readonly maxBodyBytes: number
}): Layer.Layer<never, never, HttpRouter.HttpRouter> => {
  const maxBodySize = ByteSize.fromInputUnsafe(options.maxBodyBytes)
  return HttpRouter.middleware(
    (httpEffect) =>
      Effect.flatMap(currentRequest, (request) =>
        !isApiPath(request.url)
          ? httpEffect
          : Effect.andThen(
              Effect.andThen(
                Effect.andThen(checkUrl(request), checkDeclaredLength(request, options.maxBodyBytes)),
                checkUtf8(request)
              ),
              httpEffect
            ).pipe(
              Effect.provideService(HttpIncomingMessage.MaxBodySize, maxBodySize),
              Effect.catchCause(fromCause),
              Effect.map((response) =>
                withHeaders(
                  response.status >= 400 && !(response.headers["content-type"] ?? "").startsWith(PROBLEM_JSON)
                    ? asProblem(response)
                    : response,
                  apiHeaders
                )
              )
            )
      ) as Effect.Effect<HttpServerResponse.HttpServerResponse, Types.unhandled>,
    { global: true }
  )
}
