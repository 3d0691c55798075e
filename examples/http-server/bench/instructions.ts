/**
 * One read of a case, `GET /v1/cases/{trackingNumber}` as an agent, repeated in one process on the memory stores:
 * through the API (`HttpSupportApi.toWebHandler`), or through the bare path of `bench/server.ts` (authenticate, the
 * same desk calls: the case and the display names of its staff; the same view, `JSON.stringify`), each with a Fetch
 * `Request` and `Response` around it. Made to be counted by callgrind, whose instruction counts do not depend on what
 * else the machine runs:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *     node --conditions=@support-policy/source examples/http-server/bench/instructions.ts api 1000
 *
 * and again with `0` requests: the difference over 1,000 is the count per request (the 300 warm-up requests and the
 * start-up are in both runs). Paths: `api`, `bare`.
 */
import { Authentication, HttpSupportApi } from "@support-policy/http"
import { Presets, SupportDesk } from "@support-policy/core"
import { Context, Effect, Layer, Option } from "effect"
import { Headers } from "effect/http"
import * as views from "../../../packages/http/src/internal/views.ts"
import { loadAuthentication } from "./server.ts"

const WARMUP = 300

const services = await Effect.runPromise(
  Layer.build(Layer.mergeAll(SupportDesk.layerMemory(Presets.globalSources), loadAuthentication)).pipe(Effect.scoped)
)
const { handler } = HttpSupportApi.toWebHandler(Layer.succeedContext(services))
const desk = Context.get(services, SupportDesk.SupportDesk)
const authentication = Context.get(services, Authentication.Authentication)
const run = Effect.runPromiseWith(services)

const trackingNumbers: Array<string> = []
for (let i = 0; i < 50; i++) {
  const response = await handler(
    new Request("http://bench/v1/cases", {
      method: "POST",
      headers: { authorization: `Bearer load-${i}`, "content-type": "application/json" },
      body: JSON.stringify({ category: "order-delivery", subject: "Where is my order?", description: "Not here yet." })
    })
  )
  if (response.status !== 201) throw new Error(`POST /v1/cases answered ${response.status}: ${await response.text()}`)
  trackingNumbers.push(((await response.json()) as { trackingNumber: string }).trackingNumber)
}

const agent = { authorization: "Bearer demo-agent" }
const request = (i: number) =>
  new Request(`http://bench/v1/cases/${trackingNumbers[i % trackingNumbers.length]}`, { headers: agent })

const paths: Record<string, (i: number) => Promise<unknown>> = {
  api: async (i) => (await handler(request(i))).text(),
  bare: async (i) => {
    const req = request(i)
    const actor = Option.getOrThrow(await run(authentication.authenticate({ headers: Headers.fromInput(req.headers) })))
    const view = await run(desk.getCase(actor, trackingNumbers[i % trackingNumbers.length]))
    const names = await run(desk.displayNames(actor, views.staffIdsOf(view)))
    return new Response(JSON.stringify({ ...views.caseView(actor, view), names }), {
      headers: { "content-type": "application/json" }
    }).text()
  }
}

const path = paths[process.argv[2] ?? ""]
const count = Number(process.argv[3] ?? Number.NaN)
if (path === undefined || !Number.isInteger(count)) {
  console.error("usage: instructions.ts api|bare <requests>")
  process.exit(2)
}
for (let i = 0; i < WARMUP + count; i++) await path(i)
process.exit(0)
