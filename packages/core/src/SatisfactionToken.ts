/**
 * A signed rating link (filed under clause 7.4): a token that lets whoever holds it rate one case without signing in,
 * until it expires, as the resolution e-mail's "rate us" link does. It is made and checked with a secret the host
 * keeps (HMAC-SHA-256 over the case id, the requester's id and the expiry, Web Crypto), so it cannot be forged or pointed at
 * another case or person. It does not replace the policy's rules: the desk still checks the rating window and one
 * rating per case.
 *
 * A token is `v1.<payload>.<signature>`, both base64url; the payload is `{"c": caseId, "r": requesterId, "e":
 * expiresAt}`.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Result, Schema } from "effect"
import { Base64Url } from "effect/encoding"

/**
 * What a token says: the case it rates (by id), the requester it was given to (by id; the desk refuses it when the
 * case's requester is no longer that one, after an erasure say), and until when it may be used (epoch ms).
 *
 * @since 0.1.0
 * @category models
 */
export interface Claims {
  readonly caseId: string
  readonly requesterId: string
  readonly expiresAt: number
}

/**
 * The token is malformed, forged, for another secret, or expired.
 *
 * @since 0.1.0
 * @category errors
 */
export class SatisfactionTokenInvalid extends Schema.TaggedError<SatisfactionTokenInvalid>()(
  "SatisfactionTokenInvalid",
  { reason: Schema.Literals(["malformed", "signature", "expired"]), message: Schema.String }
) {}

const PREFIX = "v1"
const encoder = new TextEncoder()

const keyOf = (secret: Redacted.Redacted<string>) =>
  Effect.promise(() =>
    globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(Redacted.value(secret)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"]
    )
  )

const invalid = (reason: SatisfactionTokenInvalid["reason"], message: string) =>
  new SatisfactionTokenInvalid({ reason, message })

/**
 * Makes a token for a case, valid until `claims.expiresAt`. The secret must be at least 32 characters (a host's
 * defect otherwise: it dies).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (secret: Redacted.Redacted<string>, claims: Claims): Effect.Effect<string> =>
  Effect.gen(function* () {
    if (Redacted.value(secret).length < 32) {
      return yield* Effect.die(new Error("SatisfactionToken.make: the secret must be at least 32 characters"))
    }
    const payload = Base64Url.encode(JSON.stringify({ c: claims.caseId, r: claims.requesterId, e: claims.expiresAt }))
    const signed = `${PREFIX}.${payload}`
    const key = yield* keyOf(secret)
    const signature = yield* Effect.promise(() => globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(signed)))
    return `${signed}.${Base64Url.encode(new Uint8Array(signature))}`
  })

/**
 * Checks a token at `now`: its signature with the secret, its shape, and its expiry. Gives its claims.
 *
 * @since 0.1.0
 * @category combinators
 */
export const verify = (
  secret: Redacted.Redacted<string>,
  token: string,
  now: number
): Effect.Effect<Claims, SatisfactionTokenInvalid> =>
  Effect.gen(function* () {
    const parts = token.length <= 1000 ? token.split(".") : []
    if (parts.length !== 3 || parts[0] !== PREFIX) {
      return yield* invalid("malformed", "not a rating link of this desk")
    }
    const signature = Base64Url.decode(parts[2])
    if (Result.isFailure(signature)) return yield* invalid("malformed", "not a rating link of this desk")
    const key = yield* keyOf(secret)
    const valid = yield* Effect.promise(() =>
      globalThis.crypto.subtle.verify(
        "HMAC",
        key,
        signature.success as Uint8Array<ArrayBuffer>,
        encoder.encode(`${parts[0]}.${parts[1]}`)
      )
    )
    if (!valid) return yield* invalid("signature", "the rating link is not valid")
    const payload = Base64Url.decodeString(parts[1])
    const claims = Result.isSuccess(payload)
      ? Result.try(
          () => JSON.parse(payload.success) as { readonly c?: unknown; readonly r?: unknown; readonly e?: unknown }
        )
      : Result.fail(undefined)
    if (
      Result.isFailure(claims) ||
      typeof claims.success !== "object" ||
      claims.success === null ||
      typeof claims.success.c !== "string" ||
      typeof claims.success.r !== "string" ||
      typeof claims.success.e !== "number" ||
      !Number.isSafeInteger(claims.success.e)
    ) {
      return yield* invalid("malformed", "not a rating link of this desk")
    }
    if (now > claims.success.e) return yield* invalid("expired", "the rating link has expired")
    return { caseId: claims.success.c, requesterId: claims.success.r, expiresAt: claims.success.e }
  })
