/**
 * Who the other party of an order is: the port through which the host confirms the counterparty of a mediation
 * (clause 4.5, "buyers may request platform mediation for disputes"). A requester names an order and a counterparty;
 * the desk asks the host's order data for the other party of that order for that requester, and takes the mediation
 * only when they are the same. So nobody can draw staff, themselves or an unrelated person into a mediation, send
 * them notices, or show them a case.
 *
 * A host implements it from its order data (`layer`); `layerMemory` knows the orders it is given (tests, demos). A
 * desk without the port confirms no counterparty: mediations with a counterparty are refused.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"

/**
 * An order between a buyer and a supplier, by its reference (`PO-1234`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Order {
  readonly reference: string
  readonly buyerId: string
  readonly supplierId: string
}

/**
 * A request for the counterparty of an order: the requester who names it and the order's reference.
 *
 * @since 0.1.0
 * @category models
 */
export interface CounterpartyRequest {
  readonly requesterId: string
  readonly orderReference: string
}

/**
 * The host's order data could not be read (a back end failed). The desk refuses the mediation for now.
 *
 * @since 0.1.0
 * @category errors
 */
export class PartiesFailure extends Schema.TaggedError<PartiesFailure>()("PartiesFailure", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The port: the counterparty of an order for a requester, or none when the requester is no party to such an order.
 *
 * @since 0.1.0
 * @category services
 */
export class Parties extends Context.Service<
  Parties,
  {
    readonly counterpartyOf: (request: CounterpartyRequest) => Effect.Effect<Option.Option<string>, PartiesFailure>
  }
>()("@support-policy/core/Parties") {}

/**
 * The other party of `order` for `requesterId`: its supplier for its buyer, its buyer for its supplier, none for
 * anybody else.
 *
 * @since 0.1.0
 * @category getters
 */
export const otherParty = (order: Order, requesterId: string): Option.Option<string> =>
  requesterId === order.buyerId
    ? Option.some(order.supplierId)
    : requesterId === order.supplierId
      ? Option.some(order.buyerId)
      : Option.none()

/**
 * The port from a host's function (its order data).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  counterpartyOf: (request: CounterpartyRequest) => Effect.Effect<Option.Option<string>, PartiesFailure>
): Layer.Layer<Parties> => Layer.succeed(Parties, Parties.of({ counterpartyOf }))

/**
 * The port on a fixed list of orders, by reference (exactly as given).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (orders: ReadonlyArray<Order>): Layer.Layer<Parties> => {
  const byReference = new Map(orders.map((order) => [order.reference, order]))
  return layer(({ requesterId, orderReference }) =>
    Effect.sync(() => {
      const order = byReference.get(orderReference)
      return order === undefined ? Option.none() : otherParty(order, requesterId)
    })
  )
}
