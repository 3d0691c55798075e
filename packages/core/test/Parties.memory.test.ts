import * as Parties from "../src/Parties.ts"
import * as PartiesContract from "../src/testing/PartiesContract.ts"

const orders: ReadonlyArray<Parties.Order> = [
  { reference: "PO-1", buyerId: "buyer-1", supplierId: "supplier-1" },
  { reference: "PO-2", buyerId: "buyer-2", supplierId: "supplier-1" },
  { reference: "po-3", buyerId: "buyer-1", supplierId: "supplier-3" }
]

PartiesContract.suite("memory", Parties.layerMemory(orders), { orders, stranger: "agent-1" })
