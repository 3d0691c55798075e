/**
 * How a request becomes an actor of the desk: the authentication port of the HTTP API. The host knows its users (a
 * session cookie, a JWT, an API gateway's headers); the API only needs to know who is asking: a requester (with
 * their audience, flags and account manager, clause 2.4), an agent, an account manager or an administrator. The
 * desk then decides what they may see and do (`Authorization` in `@support-policy/core`).
 *
 * A request without an actor gets 401 on every endpoint that needs one. `layerBearerTokens` maps fixed bearer tokens
 * to actors, for demos and tests.
 *
 * @since 0.1.0
 */
import { Actor } from "@support-policy/core"
import { Context, Effect, Layer, Option, Schema } from "effect"
import type { Headers } from "effect/http"

/**
 * What the API hands the host's authentication: the request's headers (names in lower case).
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthenticationRequest {
  readonly headers: Headers.Headers
}

/**
 * The host's authentication could not decide (its identity provider is down): the API answers 503.
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationUnavailable extends Schema.TaggedError<AuthenticationUnavailable>()(
  "AuthenticationUnavailable",
  { message: Schema.String, cause: Schema.optionalKey(Schema.Defect()) }
) {}

/**
 * The authentication port: request headers to the actor they authenticate, or none.
 *
 * @since 0.1.0
 * @category services
 */
export class Authentication extends Context.Service<
  Authentication,
  {
    readonly authenticate: (
      request: AuthenticationRequest
    ) => Effect.Effect<Option.Option<Actor.Actor>, AuthenticationUnavailable>
  }
>()("@support-policy/http/Authentication") {}

/**
 * The actor of the current request, provided to handlers once authentication succeeded.
 *
 * @since 0.1.0
 * @category services
 */
export class CurrentActor extends Context.Service<CurrentActor, Actor.Actor>()("@support-policy/http/CurrentActor") {}

/**
 * An authentication from a function of the request.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  authenticate: (request: AuthenticationRequest) => Effect.Effect<Option.Option<Actor.Actor>, AuthenticationUnavailable>
): Layer.Layer<Authentication> => Layer.succeed(Authentication, Authentication.of({ authenticate }))

/**
 * The credential of an `Authorization: Bearer <token>` header, if the request has one.
 *
 * @since 0.1.0
 * @category getters
 */
export const bearerToken = (headers: Headers.Headers): Option.Option<string> => {
  const value = headers.authorization
  if (value === undefined) return Option.none()
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value)
  return match === null ? Option.none() : Option.some(match[1])
}

const decodeActor = Schema.decodeUnknownExit(Actor.Actor)

/**
 * Fixed bearer tokens, each naming an actor: `Authorization: Bearer <token>` authenticates as that actor, anything
 * else as nobody. For demos and tests; a production host authenticates against its own identity provider with
 * {@link layer}. Dies when an actor is not a valid `Actor` (a mistake in the host's configuration).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBearerTokens = (
  tokens: Readonly<Record<string, Actor.Actor>> | Iterable<readonly [string, Actor.Actor]>
): Layer.Layer<Authentication> =>
  Layer.effect(
    Authentication,
    Effect.gen(function* () {
      const entries: Iterable<readonly [string, Actor.Actor]> =
        Symbol.iterator in tokens
          ? (tokens as Iterable<readonly [string, Actor.Actor]>)
          : Object.entries(tokens as Readonly<Record<string, Actor.Actor>>)
      const map = new Map<string, Actor.Actor>()
      for (const [token, actor] of entries) {
        if (!/^\S+$/.test(token)) {
          return yield* Effect.die(new Error(`Authentication.layerBearerTokens: a token must be non-empty, no spaces`))
        }
        const decoded = decodeActor(actor)
        if (decoded._tag === "Failure") {
          return yield* Effect.die(
            new Error(`Authentication.layerBearerTokens: the actor of a token is not a valid actor: ${decoded.cause}`)
          )
        }
        map.set(token, decoded.value)
      }
      return Authentication.of({
        authenticate: (request) =>
          Effect.sync(() =>
            Option.flatMap(bearerToken(request.headers), (token) => Option.fromNullishOr(map.get(token)))
          )
      })
    })
  )
