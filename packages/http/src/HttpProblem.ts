/**
 * The errors of the HTTP API, as RFC 9457 problems (`application/problem+json`). Every error response of the API has
 * one of these bodies: a `type` URI per HTTP status, a `title`, a `code` naming what went wrong (the tag of the
 * desk's error where one caused it, e.g. `TransitionNotAllowed`), and a `detail` in plain words.
 *
 * | status | problem              | raised for                                                                     |
 * | ------ | -------------------- | ------------------------------------------------------------------------------ |
 * | 400    | {@link InvalidRequest}     | a request that does not decode, an input the desk refuses (`InputInvalid`), a
 * |        |                            | policy document that does not decode (`PolicyDecodeFailure`)                    |
 * | 401    | {@link Unauthenticated}    | no credentials, or credentials the host does not know                        |
 * | 403    | {@link Forbidden}          | an action the caller may not take (`ActionForbidden`)                         |
 * | 404    | {@link NotFound}           | a case the caller may not see (answered exactly like a missing one), incident  |
 * | 409    | {@link Conflict}           | a concurrent change (`SequenceConflict`), an idempotency key reused, a policy |
 * |        |                            | version published before, a case rated before                                 |
 * | 413    | {@link PayloadTooLarge}    | a body over the API's size limit                                              |
 * | 415    | {@link UnsupportedMediaType} | a body that is not JSON                                                     |
 * | 422    | {@link Unprocessable}      | an action the case's state or the policy does not allow                       |
 * | 429    | {@link TooManyRequests}    | a requester over a rate limit of the policy (clause 7.3), with `Retry-After`  |
 * | 503    | {@link ServiceUnavailable} | a storage or authentication back end that failed                              |
 *
 * HTTP status codes belong here, never to `@support-policy/core`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { HttpApiError } from "effect/http-api"

const base = {
  /** What went wrong, as a stable identifier: the tag of the desk's error, or an HTTP-level code. */
  code: Schema.String,
  /** What went wrong, in plain words. */
  detail: Schema.String
}

/**
 * Where a bad value of a request is: its JSON body, its query string, its path, a header, or the authenticated
 * actor (a requester profile the host's authentication supplied).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Location = Schema.Literals(["body", "query", "path", "header", "actor"])

/**
 * @since 0.1.0
 * @category models
 */
export type Location = typeof Location.Type

/**
 * One bad value of a request: where it is (`in`), its path there (`"requester.audience"`, `"priority[0]"`, a header
 * name) and what is wrong with it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FieldProblem = Schema.Struct({ in: Location, path: Schema.String, message: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export type FieldProblem = typeof FieldProblem.Type

/**
 * 400: the request does not decode (`code: "RequestInvalid"`), or the desk refused its input
 * (`code: "InputInvalid"`). `problems` names every bad field.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends HttpApiError.Problem<InvalidRequest>()(
  "InvalidRequest",
  { type: "urn:support-policy:problem:invalid-request", status: 400, title: "The request is invalid" },
  { ...base, problems: Schema.Array(FieldProblem) }
) {}

/**
 * 401: the request carries no credentials the host accepts.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthenticated extends HttpApiError.Problem<Unauthenticated>()(
  "Unauthenticated",
  { type: "urn:support-policy:problem:unauthenticated", status: 401, title: "Authentication required" },
  base
) {}

/**
 * 403: the caller may see the case (or the desk) but may not do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends HttpApiError.Problem<Forbidden>()(
  "Forbidden",
  { type: "urn:support-policy:problem:forbidden", status: 403, title: "The action is not allowed to you" },
  {
    ...base,
    action: Schema.optionalKey(Schema.String),
    /** Why a signed rating link was refused: `malformed`, `signature` or `expired`. */
    reason: Schema.optionalKey(Schema.String)
  }
) {}

/**
 * 404: no such case (or a case the caller may not see: the answer is the same), incident, announcement or route.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends HttpApiError.Problem<NotFound>()(
  "NotFound",
  { type: "urn:support-policy:problem:not-found", status: 404, title: "Not found" },
  base
) {}

/**
 * 409: the case (or incident) kept changing while the desk tried to write (`SequenceConflict`,
 * `IncidentVersionConflict`), or an idempotency key was used before with another request (`IdempotencyConflict`).
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends HttpApiError.Problem<Conflict>()(
  "Conflict",
  { type: "urn:support-policy:problem:conflict", status: 409, title: "Conflicting change" },
  base
) {}

/**
 * 413: the request body is larger than the API accepts.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends HttpApiError.Problem<PayloadTooLarge>()(
  "PayloadTooLarge",
  { type: "urn:support-policy:problem:payload-too-large", status: 413, title: "The request body is too large" },
  base
) {}

/**
 * 415: the request body is not JSON.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedMediaType extends HttpApiError.Problem<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  { type: "urn:support-policy:problem:unsupported-media-type", status: 415, title: "Unsupported media type" },
  base
) {}

/**
 * 422: the request is well formed but the case's state or the policy does not allow it: `TransitionNotAllowed`
 * (with the case's `caseStatus` and the `action`), `ReopenWindowClosed` (with `reopenWindowEndedAt`),
 * `AccountManagerMissing`, `VerificationNotApplicable`, `MediationNotAvailable`, `IncidentAlreadyResolved`,
 * `ChannelNotAccepted`, `SatisfactionNotAvailable` (with its `reason`, and `windowEndedAt` when the rating window
 * closed).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unprocessable extends HttpApiError.Problem<Unprocessable>()(
  "Unprocessable",
  { type: "urn:support-policy:problem:unprocessable", status: 422, title: "The action cannot be taken now" },
  {
    ...base,
    caseStatus: Schema.optionalKey(Schema.String),
    action: Schema.optionalKey(Schema.String),
    reopenWindowEndedAt: Schema.optionalKey(Schema.Int),
    reason: Schema.optionalKey(Schema.String),
    windowEndedAt: Schema.optionalKey(Schema.Int)
  }
) {}

/**
 * 429: the requester went over a rate limit of the policy (clause 7.3) and is due for review. The response carries
 * `Retry-After` (seconds): the length of the limit's window, after which everything counted now has left it.
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequests extends HttpApiError.Problem<TooManyRequests>()(
  "TooManyRequests",
  { type: "urn:support-policy:problem:too-many-requests", status: 429, title: "Too many requests" },
  {
    ...base,
    limitId: Schema.String,
    limit: Schema.Int,
    windowHours: Schema.Finite,
    retryAfterSeconds: Schema.Int
  }
) {}

/**
 * 500: a defect of the server. Never expected: reported to the host's logs, the body says nothing of the cause.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalError extends HttpApiError.Problem<InternalError>()(
  "InternalError",
  { type: "urn:support-policy:problem:internal-error", status: 500, title: "Internal error" },
  base
) {}

/**
 * 503: a back end failed (the case store, the incident store, the host's authentication). Retry later.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends HttpApiError.Problem<ServiceUnavailable>()(
  "ServiceUnavailable",
  { type: "urn:support-policy:problem:service-unavailable", status: 503, title: "Service unavailable" },
  base
) {}

/**
 * Any problem of the API.
 *
 * @since 0.1.0
 * @category models
 */
export type Problem =
  | InvalidRequest
  | Unauthenticated
  | Forbidden
  | NotFound
  | Conflict
  | PayloadTooLarge
  | UnsupportedMediaType
  | Unprocessable
  | TooManyRequests
  | InternalError
  | ServiceUnavailable
