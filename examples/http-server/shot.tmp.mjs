import { chromium } from "playwright-core"
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] })
const url = "http://localhost:3917"
const errors = []
for (const [w, h] of [[1366, 900], [390, 844]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, timezoneId: "Asia/Hong_Kong" })
  const page = await ctx.newPage()
  page.on("pageerror", (e) => errors.push(`${w} ${e.message}`))
  page.on("console", (m) => m.type() === "error" && errors.push(`${w} console ${m.text()}`))
  for (const [name, path, screen] of [["requester", "/", null], ["agent", "/agent", null], ["reports", "/agent#reports", "reports"], ["incidents", "/agent#incidents", "incidents"], ["quality", "/agent#quality", "quality"], ["mediation", "/agent#mediation", "mediation"]]) {
    await page.goto(url + path)
    await page.waitForSelector("body[data-ready=true]")
    await page.waitForTimeout(1500)
    if (name === "agent") { await page.locator("button.case-row").first().click(); await page.waitForTimeout(800) }
    const sw = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
    console.log(name, w, "scrollWidth", sw)
    await page.screenshot({ path: `/tmp/shot-${name}-${w}.png`, fullPage: false })
  }
  await ctx.close()
}
console.log(errors)
await browser.close()
