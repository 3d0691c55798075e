/**
 * The demo's pages: the requester page at `/`, the support console at `/agent`, the policy's promises at `/policy`, the
 * rating page of the resolution mail's signed link at `/rate`,
 * their scripts and style sheet under `/assets/`, the libraries they load as ES modules under `/vendor/` (Chart.js and
 * its colour helper, eventsource-parser: the files their packages ship, no build step), and `/demo/identities` (the
 * demo's people and tokens, for the pages' identity picker). Plain files, read once at start-up and served from
 * memory, with `HttpSupportApi.pageSecurityHeaders` (a Content-Security-Policy without inline scripts or other
 * origins, no framing, no sniffing, no referrer).
 *
 * `/demo/identities` hands out every demo token, the administrator's included: it answers requests from this machine
 * (a loopback address) only, and 404 to anybody else, even when the demo listens on every interface (`HOST`).
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
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

/** The ES module a package ships for `import`, by the package's own `exports`, so an upgrade keeps working. */
const esm = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier))
const chartJs = esm("chart.js")

/** The library files the pages import, by their URL under `/vendor/`. */
export const vendorFiles: Readonly<Record<string, string>> = {
  "chart.js/chart.js": chartJs,
  "chart.js/chunks/index.js": Path.join(Path.dirname(chartJs), "chunks", "index.js"),
  // Chart.js's own dependency (not the example's), found from Chart.js's folder; its ES module beside its main file
  "kurkle-color.js": Path.join(Path.dirname(createRequire(chartJs).resolve("@kurkle/color")), "color.esm.js"),
  "eventsource-parser.js": esm("eventsource-parser")
}

/**
 * The page's security headers: `HttpSupportApi.pageSecurityHeaders`, its `script-src` allowing by hash the page's own
 * inline scripts (the console's import map), and nothing else inline.
 */
export const securityHeadersOf = (html: string): Readonly<Record<string, string>> => {
  const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${Crypto.createHash("sha256").update(m[1]).digest("base64")}'`
  )
  const headers = HttpSupportApi.pageSecurityHeaders
  return hashes.length === 0
    ? headers
    : {
        ...headers,
        "content-security-policy": headers["content-security-policy"].replace(
          "script-src 'self'",
          `script-src 'self' ${hashes.join(" ")}`
        )
      }
}

const file = (path: string): HttpServerResponse.HttpServerResponse => {
  const text = Fs.readFileSync(path, "utf8")
  return HttpServerResponse.text(text, {
    contentType: types[Path.extname(path)] ?? "application/octet-stream",
    // a demo: always revalidate, so an edited page shows on reload
    headers: {
      ...(path.endsWith(".html") ? securityHeadersOf(text) : HttpSupportApi.pageSecurityHeaders),
      "cache-control": "no-cache"
    }
  })
}

const page = (name: string): HttpServerResponse.HttpServerResponse => file(Path.join(publicDir, name))

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
  email: DemoActors.emailOf(i),
  ...(i.actor.role === "requester" ? { audience: i.actor.audience, flags: i.actor.flags ?? [] } : {})
}))

/** The routes of the pages. */
export const layer: Layer.Layer<never, never, HttpRouter.HttpRouter> = Layer.unwrap(
  Effect.sync(() => {
    const assets = Fs.readdirSync(publicDir).filter((f) => !f.endsWith(".html"))
    const routes: ReadonlyArray<HttpRouter.Route> = [
      HttpRouter.route("GET", "/", page("requester.html")),
      HttpRouter.route("GET", "/agent", page("agent.html")),
      HttpRouter.route("GET", "/policy", page("policy.html")),
      // the rating page of the signed link in the resolution mail (`/rate#<token>`)
      HttpRouter.route("GET", "/rate", page("rate.html")),
      ...Object.entries(vendorFiles).map(([url, path]) => HttpRouter.route("GET", `/vendor/${url}`, file(path))),
      ...assets.map((name) => HttpRouter.route("GET", `/assets/${name}`, page(name))),
      HttpRouter.route("GET", "/demo/identities", identitiesRoute)
    ]
    return HttpRouter.addAll(routes)
  })
)
