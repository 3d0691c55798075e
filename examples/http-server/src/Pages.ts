/**
 * The demo's pages: the requester page at `/`, the agent console at `/agent`, their scripts and style sheet under
 * `/assets/`, and `/demo/identities` (the demo's people and tokens, for the pages' identity picker). Plain files from
 * `public/`, read once at start-up and served from memory, with `HttpSupportApi.pageSecurityHeaders` (a
 * Content-Security-Policy without inline scripts or other origins, no framing, no sniffing, no referrer).
 *
 * `/demo/identities` hands out every demo token, the administrator's included: it answers requests from this machine
 * (a loopback address) only, and 404 to anybody else, even when the demo listens on every interface (`HOST`).
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { HttpSupportApi } from "@support-policy/http"
import { Effect, Layer, Option } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as DemoActors from "./DemoActors.ts"

const publicDir = Path.join(import.meta.dirname, "..", "public")

const types: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml"
}

const page = (file: string): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(Fs.readFileSync(Path.join(publicDir, file), "utf8"), {
    contentType: types[Path.extname(file)] ?? "application/octet-stream",
    // a demo: always revalidate, so an edited page shows on reload
    headers: { ...HttpSupportApi.pageSecurityHeaders, "cache-control": "no-cache" }
  })

/** Whether an address is this machine's: 127.0.0.0/8, ::1, or an IPv4 loopback written as IPv6. */
export const isLoopback = (address: string): boolean =>
  address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.")

const identitiesRoute = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const from = Option.getOrUndefined(request.remoteAddress)
  return from !== undefined && isLoopback(from)
    ? HttpServerResponse.jsonUnsafe(identitiesJson, {
        headers: { ...HttpSupportApi.securityHeaders, "cache-control": "no-store" }
      })
    : HttpServerResponse.text("Not found", { status: 404, headers: HttpSupportApi.securityHeaders })
})

/** The identities the pages offer: token, label, role and audience. */
export const identitiesJson = DemoActors.identities.map((i) => ({
  token: i.token,
  label: i.label,
  role: i.actor.role,
  id: i.actor.id,
  ...(i.actor.role === "requester" ? { audience: i.actor.audience, flags: i.actor.flags ?? [] } : {})
}))

/** The routes of the pages. */
export const layer: Layer.Layer<never, never, HttpRouter.HttpRouter> = Layer.unwrap(
  Effect.sync(() => {
    const assets = Fs.readdirSync(publicDir).filter((f) => !f.endsWith(".html"))
    const routes: ReadonlyArray<HttpRouter.Route> = [
      HttpRouter.route("GET", "/", page("requester.html")),
      HttpRouter.route("GET", "/agent", page("agent.html")),
      ...assets.map((file) => HttpRouter.route("GET", `/assets/${file}`, page(file))),
      HttpRouter.route("GET", "/demo/identities", identitiesRoute)
    ]
    return HttpRouter.addAll(routes)
  })
)
