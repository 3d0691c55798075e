/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (`/usr/bin/chromium`, or `CHROMIUM_PATH`)
 * driven by playwright-core. Playwright's own browser download does not work on these machines, and is not used.
 *
 * A missing Chromium fails the tests in CI (`CI` set) and wherever `SUPPORT_POLICY_BROWSER=require`; elsewhere the
 * browser tests are skipped with a message saying how to install it. `SUPPORT_POLICY_BROWSER=skip` leaves them out on
 * purpose (the report shows them skipped).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type Browser, chromium } from "playwright-core"

export const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

const installHint =
  `Chromium not found at ${executablePath}. Install Debian's package: ` +
  "`apt-get update && apt-get install -y chromium` (.ci/run does this), or set CHROMIUM_PATH."

/** Whether the browser tests run here; when they must run and cannot, the reason is thrown by {@link launch}. */
export const availability = ((): { readonly run: true } | { readonly run: false; readonly reason: string } => {
  if (process.env.SUPPORT_POLICY_BROWSER === "skip") return { run: false, reason: "SUPPORT_POLICY_BROWSER=skip" }
  const required = process.env.CI !== undefined || process.env.SUPPORT_POLICY_BROWSER === "require"
  if (Fs.existsSync(executablePath) || required) return { run: true }
  return { run: false, reason: installHint }
})()

/** The flags this machine needs: no sandbox as root, and no background connections to Google's hosts. */
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage"
]

/** Launches headless Chromium with a fresh profile; throws with the install hint when it is missing. */
export const launch = async (): Promise<Browser> => {
  if (!Fs.existsSync(executablePath)) throw new Error(installHint)
  // playwright-core gives the browser a fresh, temporary --user-data-dir of its own
  return chromium.launch({ executablePath, headless: true, args, timeout: 60_000 })
}

/** Where screenshots go: `DEMO_SCREENSHOTS`, else a folder in the system's temp dir (never the repository). */
export const screenshotDir = (): string => {
  const dir = process.env.DEMO_SCREENSHOTS ?? Path.join(Os.tmpdir(), "support-policy-demo-screenshots")
  Fs.mkdirSync(dir, { recursive: true })
  return dir
}
