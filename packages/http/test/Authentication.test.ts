import { assert, describe, it } from "@effect/vitest"
import { Actor } from "@support-policy/core"
import { Effect, Exit, Option } from "effect"
import { Headers } from "effect/http"
import { Authentication } from "../src/index.ts"

const authenticate = (layer: ReturnType<typeof Authentication.layerBearerTokens>, authorization?: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication.Authentication
    return yield* auth.authenticate({
      headers: Headers.fromInput(authorization === undefined ? {} : { authorization })
    })
  }).pipe(Effect.provide(layer))

describe("Authentication", () => {
  it("bearerToken reads an Authorization: Bearer header, in any case, and nothing else", () => {
    assert.deepStrictEqual(
      Authentication.bearerToken(Headers.fromInput({ authorization: "Bearer abc" })),
      Option.some("abc")
    )
    assert.deepStrictEqual(
      Authentication.bearerToken(Headers.fromInput({ authorization: "bearer  abc " })),
      Option.some("abc")
    )
    for (const value of ["Basic abc", "Bearer", "Bearer ", "Bearer a b", "abc", ""]) {
      assert.isTrue(Option.isNone(Authentication.bearerToken(Headers.fromInput({ authorization: value }))), value)
    }
    assert.isTrue(Option.isNone(Authentication.bearerToken(Headers.fromInput({}))))
  })

  const agent = Actor.agent("agent-1")
  const buyer = Actor.requester({ id: "buyer-1", audience: "buyer" })

  it.effect("layerBearerTokens authenticates each token as its actor, anything else as nobody", () =>
    Effect.gen(function* () {
      const layer = Authentication.layerBearerTokens({ "t-agent": agent, "t-buyer": buyer })
      assert.deepStrictEqual(yield* authenticate(layer, "Bearer t-agent"), Option.some(agent))
      assert.deepStrictEqual(yield* authenticate(layer, "Bearer t-buyer"), Option.some(buyer))
      assert.isTrue(Option.isNone(yield* authenticate(layer, "Bearer t-nobody")))
      assert.isTrue(Option.isNone(yield* authenticate(layer)))
      const fromEntries = Authentication.layerBearerTokens(new Map([["t-1", agent]]))
      assert.deepStrictEqual(yield* authenticate(fromEntries, "Bearer t-1"), Option.some(agent))
    })
  )

  it.effect("layerBearerTokens refuses an actor that is not valid, or a token with spaces", () =>
    Effect.gen(function* () {
      const invalid = Authentication.layerBearerTokens({ t: { role: "wizard", id: "x" } as unknown as Actor.Actor })
      const exit = yield* Effect.exit(authenticate(invalid, "Bearer t"))
      assert.isTrue(Exit.hasDies(exit))
      const spaced = Authentication.layerBearerTokens({ "a b": agent })
      assert.isTrue(Exit.hasDies(yield* Effect.exit(authenticate(spaced, "Bearer a"))))
    })
  )
})
