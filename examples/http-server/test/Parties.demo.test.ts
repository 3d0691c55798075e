/**
 * The demo's `Parties` adapter (the orders of the demo's people) holds to the port's contract: only the two parties
 * of a demo order can name each other as the counterparty of a mediation.
 */
import { PartiesContract } from "@support-policy/core/testing"
import * as DemoActors from "../src/DemoActors.ts"
import * as DemoServer from "../src/DemoServer.ts"

PartiesContract.suite("demo orders", DemoServer.parties, { orders: DemoActors.orders, stranger: DemoActors.agent.id })
