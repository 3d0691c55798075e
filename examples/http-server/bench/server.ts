/**
 * The server side of `pnpm bench http`, run in a child process (`node bench/server.ts`, with an IPC channel): one
 * desk on a PostgreSQL pool, served twice on two ports:
 *
 * - `api`: the demo's routes (`HttpSupportApi` and the pages), as `pnpm demo` serves them, without the demo's email
 *   and worker (their loops would share the database's connections), on a Node server with the demo's limits
 *   (`NodeServer.harden`);
 * - `bare`: a bare `node:http` handler for the same two calls (`GET /v1/cases/{trackingNumber}`, `POST /v1/cases`)
 *   that authenticates with the same `Authentication` port, makes the same desk calls (a read with the display names
 *   of the staff it names, as the API's), answers with the same views as JSON, and does nothing else: no router, no
 *   middleware, no schema encoding, on a Node server with the same limits. What the API costs beyond it is the
 *   framework's share.
 *
 * It answers `{ type: "cpu" }` messages with this process's CPU time and the monotonic clock, so the bench can tell
 * the server's CPU per request apart from the load generator's, and mark the window of a run in a CPU profile
 * (started with `--cpu-prof`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { Actor, SupportDesk } from "@support-policy/core"
import { Authentication, NodeServer } from "@support-policy/http"
import { Context, Effect, Exit, Layer, Option, Scope } from "effect"
import { Headers, HttpRouter, HttpServer } from "effect/http"
import { intakeOf } from "../../../packages/http/src/internal/handlers/shared.ts"
import * as views from "../../../packages/http/src/internal/views.ts"
import * as DemoActors from "../src/DemoActors.ts"
import * as DemoServer from "../src/DemoServer.ts"

/** Messages from the bench to this process, and its answers. */
export type Request = { readonly type: "cpu" } | { readonly type: "stop" }
export interface Ready {
  readonly type: "ready"
  readonly api: number
  readonly bare: number
}
export interface Cpu {
  readonly type: "cpu"
  /** CPU time of this process so far (user + system, every thread), µs. */
  readonly cpuUs: number
  /** `process.hrtime.bigint()` in µs: the clock of `--cpu-prof` profiles. */
  readonly clockUs: number
}

/**
 * The demo's tokens, and `load-<n>`: buyer `load-<n>`, a requester per token, so that a load of submissions is not
 * throttled by the policy's rate limit per requester (clause 7.3).
 */
export const loadAuthentication: Layer.Layer<Authentication.Authentication> = Authentication.layer((request) =>
  Effect.sync(() =>
    Option.flatMap(Authentication.bearerToken(request.headers), (token) => {
      const demo = DemoActors.actorOf(token)
      if (demo !== undefined) return Option.some(demo)
      const load = /^load-(\d{1,12})$/.exec(token)
      return load === null
        ? Option.none()
        : Option.some(Actor.requester({ id: `load-buyer-${load[1]}`, audience: "buyer" }))
    })
  )
)

const send = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

/** The bare handler: the desk's read and submission with the API's views, and a status for each failure. */
const bareHandler = (context: Context.Context<SupportDesk.SupportDesk | Authentication.Authentication>) => {
  const run = Effect.runPromiseWith(context)
  const desk = Context.get(context, SupportDesk.SupportDesk)
  const authentication = Context.get(context, Authentication.Authentication)
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const found = await run(authentication.authenticate({ headers: Headers.fromInput(req.headers) }))
    if (Option.isNone(found)) return send(res, 401, { title: "Unauthenticated" })
    const actor = found.value
    const url = req.url ?? "/"
    if (req.method === "GET" && url.startsWith("/v1/cases/")) {
      // the case, and the display names of the staff it names, as the API answers it
      const read = desk.getCase(actor, decodeURIComponent(url.slice("/v1/cases/".length))).pipe(
        Effect.flatMap((view) =>
          Effect.map(desk.displayNames(actor, views.staffIdsOf(view)), (names) => ({
            ...views.caseView(actor, view),
            names
          }))
        )
      )
      const exit = await run(Effect.exit(read))
      return Exit.isSuccess(exit) ? send(res, 200, exit.value) : send(res, 404, { title: "Not found" })
    }
    if (req.method === "POST" && url === "/v1/cases") {
      if (actor.role !== "requester") return send(res, 403, { title: "Forbidden" })
      const body = JSON.parse(await readBody(req))
      // the version in force, as the API reads it (cached by the desk between refreshes)
      const policy = await run(desk.policyInForce)
      // not marked as decoded: the desk decodes the input itself, as the API's schemas do for the API
      const input: SupportDesk.SubmitInput = {
        ...intakeOf(policy, {}, actor, body, undefined),
        category: body.category
      }
      const exit = await run(Effect.exit(desk.submit(input)))
      return Exit.isSuccess(exit)
        ? send(res, 201, views.submission(exit.value.policy, actor, exit.value, views.policyZone(exit.value.policy)))
        : send(res, 422, { title: "Unprocessable", detail: String(exit.cause) })
    }
    send(res, 404, { title: "Not found" })
  }
}

/** A Node server with the demo's limits (`NodeServer.harden`), for both routes alike. */
const nodeServer = () => NodeServer.harden(createServer({ connectionsCheckingInterval: 1_000 }))

const listen = (server: ReturnType<typeof createServer>): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve(typeof address === "object" && address !== null ? address.port : 0)
    })
  })

/** Starts both servers on `databaseUrl` with a pool of `maxConnections`; resolves with their ports. */
export const start = async (databaseUrl: string, maxConnections: number) => {
  const scope = Scope.makeUnsafe()
  const desk = await Effect.runPromise(
    Layer.buildWithScope(Layer.merge(DemoServer.deskLayer({ databaseUrl, maxConnections }), loadAuthentication), scope)
  )
  const api = HttpRouter.serve(DemoServer.routes, { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(nodeServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(Layer.succeedContext(desk))
  )
  const apiContext = await Effect.runPromise(Layer.buildWithScope(api, scope))
  const address = Context.get(apiContext, HttpServer.HttpServer).address
  const handler = bareHandler(desk)
  const bare = nodeServer().on("request", (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, { title: "Internal error", detail: String(error) })
    })
  })
  const barePort = await listen(bare)
  return {
    api: address._tag === "UnixPathAddress" ? 0 : address.port,
    bare: barePort,
    close: async () => {
      await new Promise((resolve) => bare.close(resolve))
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
}

if (process.send !== undefined && process.env.SP_BENCH_DATABASE_URL !== undefined) {
  const servers = await start(process.env.SP_BENCH_DATABASE_URL, Number(process.env.SP_BENCH_POOL ?? 10))
  process.on("message", (message: Request) => {
    if (message.type === "cpu") {
      const usage = process.cpuUsage()
      const answer: Cpu = {
        type: "cpu",
        cpuUs: usage.user + usage.system,
        clockUs: Number(process.hrtime.bigint() / 1000n)
      }
      process.send?.(answer)
    } else if (message.type === "stop") {
      // a normal exit, so that `--cpu-prof` writes its profile
      void servers.close().finally(() => process.exit(0))
    }
  })
  const ready: Ready = { type: "ready", api: servers.api, bare: servers.bare }
  process.send(ready)
}
