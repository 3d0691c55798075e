/**
 * The API on a real HTTP server for tests: the Global Sources desk on fresh memory stores, fixed bearer tokens, a
 * clock the test sets, `HttpSupportApi.serve` on `NodeHttpServer` at 127.0.0.1 on a free port, and `fetch`.
 */
import { NodeHttpServer } from "@effect/platform-node"
import {
  Actor,
  CaseStore,
  Directory,
  Incident,
  Mailbox,
  MemoryStorage,
  type Outbox,
  Parties,
  PolicyStore,
  Presets,
  Randomness,
  SupportDesk
} from "@support-policy/core"
import { Clock, Context, type Duration, Effect, Exit, Layer, Option, Scope } from "effect"
import { HttpServer } from "effect/http"
import type * as NodeHttp from "node:http"
import { createServer } from "node:http"
import { Temporal } from "temporal-polyfill"
import { Authentication, HttpSupportApi } from "../../src/index.ts"

export const policy = Presets.globalSources

export const buyer = Actor.requester({ id: "buyer-ada", audience: "buyer", email: "ada@example.com", name: "Ada" })
export const otherBuyer = Actor.requester({ id: "buyer-bob", audience: "buyer", email: "bob@example.com" })
export const supplier = Actor.requester({
  id: "supplier-sun",
  audience: "supplier",
  accountManagerId: "am-kim",
  flags: ["dedicatedAccountManager"],
  email: "sun@example.com"
})
export const supplierWithoutManager = Actor.requester({ id: "supplier-lee", audience: "supplier" })
export const agent = Actor.agent("agent-ann")

/** The staff directory of the tests. */
export const people: ReadonlyArray<Directory.Person> = [
  { id: "agent-ann", name: "Ann Lee", role: "agent", queues: ["general"] },
  { id: "agent-zed", name: "Zed Ong", role: "agent" },
  { id: "am-kim", name: "Kim Wong", role: "accountManager" },
  { id: "admin-max", name: "Max Tan", role: "administrator" }
]
export const accountManager = Actor.accountManager("am-kim")
export const administrator = Actor.administrator("admin-max")

export const tokens = {
  buyer: "t-buyer",
  otherBuyer: "t-other-buyer",
  supplier: "t-supplier",
  supplierWithoutManager: "t-supplier-lee",
  agent: "t-agent",
  accountManager: "t-am",
  administrator: "t-admin"
} as const

export type Who = keyof typeof tokens

export const actors: Record<Who, Actor.Actor> = {
  buyer,
  otherBuyer,
  supplier,
  supplierWithoutManager,
  agent,
  accountManager,
  administrator
}

const fixed = new Map<string, Actor.Actor>(Object.entries(tokens).map(([who, token]) => [token, actors[who as Who]]))

/**
 * The fixed tokens above, and any `buyer:<name>` token as a fresh buyer `buyer-<name>` (so a test can stay under the
 * policy's rate limits, or hit them on purpose).
 */
export const authentication = Authentication.layer((request) =>
  Effect.sync(() =>
    Option.flatMap(Authentication.bearerToken(request.headers), (token) => {
      const known = fixed.get(token)
      if (known !== undefined) return Option.some(known)
      const fresh = /^buyer:([a-z0-9-]+)$/.exec(token)
      return fresh === null
        ? Option.none()
        : Option.some(Actor.requester({ id: `buyer-${fresh[1]}`, audience: "buyer" }))
    })
  )
)

/** A fixed actor's name, or a raw token (e.g. `buyer:zoe`). */
export type As = Who | `buyer:${string}`

const tokenOf = (as: As): string => (as in tokens ? tokens[as as Who] : as)

/** An instant given as local wall-clock time at +08:00 (the policy's zone), in epoch milliseconds. */
export const hk = (local: string): number => Temporal.Instant.from(`${local}+08:00`).epochMilliseconds

/** A clock whose time the test sets; sleeping and monotonic time stay real (the server needs them). */
export const settableClock = (start: number) => {
  let now = start
  const live = Clock.Clock.defaultValue()
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: live.monotonicTimeNanos,
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
  return {
    clock,
    set: (ms: number) => {
      now = ms
    },
    get: () => now
  }
}

export interface Response {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

export interface Server {
  readonly url: string
  readonly setNow: (local: string) => void
  readonly request: (
    method: string,
    path: string,
    options?: {
      readonly as?: As | undefined
      readonly token?: string | undefined
      readonly body?: unknown
      readonly rawBody?: string | Uint8Array | undefined
      readonly headers?: Record<string, string> | undefined
    }
  ) => Promise<Response>
  /** Runs an effect on the server's outbox and mailbox (what a host's other processes would write). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Outbox.Outbox | Mailbox.Mailbox>) => Promise<A>
  readonly close: () => Promise<void>
  /** One round of the desk's SLA watcher at the server's time (what `SupportWorker` runs every second). */
  readonly fireAlerts: () => Promise<SupportDesk.FiredAlerts>
}

export type CaseStoreShape = Context.Service.Shape<typeof CaseStore.CaseStore>
export type IncidentStoreShape = Context.Service.Shape<typeof Incident.IncidentStore>

export interface ServerOptions {
  /** Local time at +08:00 the clock starts at (default Monday 2025-06-09 10:00, in business hours). */
  readonly now?: string
  /** Replaces the case store (e.g. one that always conflicts or fails), keeping the memory outbox and incidents. */
  readonly caseStore?: (memory: CaseStoreShape) => CaseStoreShape
  readonly incidentStore?: (memory: IncidentStoreShape) => IncidentStoreShape
  readonly authentication?: Layer.Layer<Authentication.Authentication>
  readonly options?: HttpSupportApi.Options
  /** The desk's options (default: live chat outside hours is taken as an online form). */
  readonly deskOptions?: SupportDesk.Options
  /** The Node server to serve on (default `createServer()`). */
  readonly nodeServer?: () => NodeHttp.Server
  /** The case store, outbox and incident store to run on (default: fresh memory stores). */
  readonly storage?: Layer.Layer<CaseStore.CaseStore | Incident.IncidentStore | Outbox.Outbox | PolicyStore.PolicyStore>
}

/** The orders the server's `Parties` knows: who may mediate with whom (clause 4.5). */
export const orders: ReadonlyArray<Parties.Order> = [
  { reference: "PO-1", buyerId: "buyer-med", supplierId: "supplier-sun" },
  { reference: "PO-2", buyerId: "buyer-med2", supplierId: "supplier-lee" },
  { reference: "PO-3", buyerId: "buyer-ada", supplierId: "supplier-sun" },
  { reference: "PO-4", buyerId: "buyer-ada", supplierId: "supplier-lee" }
]

/** Starts the API on a real HTTP server on 127.0.0.1 and a free port. */
export const startServer = async (options: ServerOptions = {}): Promise<Server> => {
  const time = settableClock(hk(options.now ?? "2025-06-09T10:00"))
  const storage = options.storage ?? MemoryStorage.layerMemory
  const caseStore = Layer.effect(
    CaseStore.CaseStore,
    Effect.map(Effect.service(CaseStore.CaseStore), options.caseStore ?? ((store) => store))
  ).pipe(Layer.provide(storage))
  const incidentStore = Layer.effect(
    Incident.IncidentStore,
    Effect.map(Effect.service(Incident.IncidentStore), options.incidentStore ?? ((store) => store))
  ).pipe(Layer.provide(storage))
  const policyStore = Layer.effect(PolicyStore.PolicyStore, Effect.service(PolicyStore.PolicyStore)).pipe(
    Layer.provide(storage)
  )
  const desk = SupportDesk.layer(policy, options.deskOptions ?? { whenClosed: { "live-chat": "online-form" } }).pipe(
    Layer.provide(
      Layer.mergeAll(
        caseStore,
        incidentStore,
        policyStore,
        Randomness.layerSeeded(7),
        Directory.layerMemory(people),
        Parties.layerMemory(orders)
      )
    )
  )
  const services = Layer.mergeAll(
    desk,
    storage,
    Mailbox.layerMemory,
    options.authentication ?? authentication,
    Layer.succeed(Clock.Clock, time.clock)
  )
  const scope = Scope.makeUnsafe()
  const app = HttpSupportApi.serve({ ...options.options, disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(services),
    // Node answers a request head over 16 KB with a bare 431 before the API sees it; the fuzz tests send long query
    // strings to the API itself, so the test server takes heads up to 64 KB unless a test brings its own server
    Layer.provideMerge(
      NodeHttpServer.layer(options.nodeServer ?? (() => createServer({ maxHeaderSize: 64 * 1024 })), {
        port: 0,
        host: "127.0.0.1"
      })
    )
  )
  const context = await Effect.runPromise(Layer.buildWithScope(app, scope))
  const address = Context.get(context, HttpServer.HttpServer).address
  if (!("port" in address)) throw new Error(`unexpected server address ${address._tag}`)
  const url = `http://127.0.0.1:${address.port}`
  return {
    url,
    setNow: (local) => time.set(hk(local)),
    request: async (method, path, o = {}) => {
      const headers: Record<string, string> = { ...o.headers }
      const token = o.token ?? (o.as === undefined ? undefined : tokenOf(o.as))
      if (token !== undefined) headers.authorization = `Bearer ${token}`
      let body: string | Uint8Array | undefined = o.rawBody
      if (body === undefined && o.body !== undefined) {
        body = JSON.stringify(o.body)
        headers["content-type"] ??= "application/json"
      }
      const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
      const text = await response.text()
      let json: unknown
      try {
        json = text === "" ? undefined : JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, headers: response.headers, text, json }
    },
    run: (effect) => Effect.runPromise(Effect.provideContext(effect, context)),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void)),
    fireAlerts: () =>
      Effect.runPromise(
        SupportDesk.SupportDesk.use((desk) => desk.fireAlerts()).pipe(Effect.provideContext(context), Effect.orDie)
      )
  }
}

/** Asserts a problem+json response of `status` (and `code`), and returns its body. */
export const expectProblem = (response: Response, status: number, code?: string): any => {
  const where = `${response.status} ${response.text.slice(0, 300)}`
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${where}`)
  const type = response.headers.get("content-type") ?? ""
  if (!type.startsWith("application/problem+json"))
    throw new Error(`expected a problem+json body, got ${type}: ${where}`)
  const body = response.json
  if (body?.status !== status || typeof body.type !== "string" || typeof body.title !== "string") {
    throw new Error(`not a problem of status ${status}: ${where}`)
  }
  if (typeof body.detail !== "string" || body.detail.length === 0) throw new Error(`a problem without detail: ${where}`)
  if (code !== undefined && body.code !== code) throw new Error(`expected code ${code}, got ${where}`)
  return body
}

/** Asserts a JSON response of `status` and returns its body. */
export const expectJson = (response: Response, status: number): any => {
  if (response.status !== status)
    throw new Error(`expected HTTP ${status}, got ${response.status} ${response.text.slice(0, 500)}`)
  const type = response.headers.get("content-type") ?? ""
  if (!type.startsWith("application/json")) throw new Error(`expected application/json, got ${type}`)
  return response.json
}

export const submission = (overrides: Record<string, unknown> = {}) => ({
  category: "consultation",
  subject: "How do I add a second user?",
  description: "I cannot find where to add a second user to my account.",
  ...overrides
})

/** Submits a request as `who` and returns its tracking number. */
export const submit = async (server: Server, who: As = "buyer", overrides: Record<string, unknown> = {}) =>
  expectJson(await server.request("POST", "/v1/cases", { as: who, body: submission(overrides) }), 201)
    .trackingNumber as string

/** Runs an action on a case and returns the case view. */
export const act = async (server: Server, who: As, trackingNumber: string, action: string, body: unknown = {}) =>
  expectJson(await server.request("POST", `/v1/cases/${trackingNumber}/actions/${action}`, { as: who, body }), 200)
