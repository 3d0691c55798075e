/**
 * The contract of the `Parties` port, as a test suite every adapter runs against itself with orders it knows: the
 * counterparty of an order is its other party for each of its two parties, and nobody's for anybody else (another
 * requester, staff, an unknown order, a reference that differs in case or spacing).
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import * as Parties from "../Parties.ts"

/**
 * Options of the suite: orders the adapter under test knows (at least one), and a person who is party to none.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly orders: ReadonlyArray<Parties.Order>
  readonly stranger: string
}

/**
 * Registers the contract tests of `Parties` in the current test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<Parties.Parties, E>, options: Options): void => {
  describe(`${name}: Parties contract`, () => {
    const counterpartyOf = (requesterId: string, orderReference: string): Promise<Option.Option<string>> =>
      Effect.runPromise(
        Effect.gen(function* () {
          const parties = yield* Parties.Parties
          return yield* parties.counterpartyOf({ requesterId, orderReference })
        }).pipe(Effect.provide(layer), Effect.orDie)
      )

    it("names the other party of an order, for each of its parties", async () => {
      assert.isAbove(options.orders.length, 0, "the suite needs at least one order")
      for (const order of options.orders) {
        assert.deepStrictEqual(await counterpartyOf(order.buyerId, order.reference), Option.some(order.supplierId))
        assert.deepStrictEqual(await counterpartyOf(order.supplierId, order.reference), Option.some(order.buyerId))
      }
    })

    it("names nobody for a person who is no party to the order, or for an unknown order", async () => {
      for (const order of options.orders) {
        assert.isTrue(Option.isNone(await counterpartyOf(options.stranger, order.reference)), order.reference)
        assert.isTrue(Option.isNone(await counterpartyOf(order.buyerId, `${order.reference}-unknown`)))
        assert.isTrue(Option.isNone(await counterpartyOf(order.buyerId, ` ${order.reference}`)))
        assert.isTrue(Option.isNone(await counterpartyOf(order.buyerId, `${order.reference.toLowerCase()}\u0000`)))
        for (const other of options.orders) {
          if (other.reference === order.reference) continue
          if (other.buyerId !== order.buyerId && other.supplierId !== order.buyerId) {
            assert.isTrue(Option.isNone(await counterpartyOf(other.buyerId, order.reference)))
          }
        }
      }
    })
  })
}
