// SLA alerts for the agent console: a count in the page header, a list of the warnings, breaches and escalations
// addressed to the caller or their queues (GET /v1/desk/alerts, newest first), and a link to each case.
// Self-contained: `mount` builds its own markup inside the element it is given; the page decides where that goes.
import * as SP from "./common.js"

const { el, api, when } = SP

const TYPE = {
  slaWarning: ["due-soon", "Warning"],
  slaBreached: ["breached", "Breached"],
  slaEscalated: ["breached", "Escalated"]
}

/**
 * Mounts the alerts into `host` (an element in the page header): a button with the count that opens the list.
 * `onOpen(trackingNumber)` opens a case in the page. Returns `refresh()`, which reloads the alerts (call it when the
 * identity changes, and now and then).
 */
export const mount = (host, { onOpen }) => {
  const count = el("span", { class: "alerts-count", id: "alerts-count", "aria-live": "polite" }, "0")
  const toggle = el(
    "button",
    {
      type: "button",
      id: "alerts-toggle",
      class: "alerts-toggle",
      "aria-expanded": "false",
      "aria-controls": "alerts-panel"
    },
    "SLA alerts ",
    count
  )
  const list = el("ol", { id: "alerts-list", class: "alerts-list" })
  const error = el("p", { class: "error", role: "alert", hidden: true })
  const panel = el("div", { id: "alerts-panel", class: "alerts-panel", hidden: true }, error, list)
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden
    toggle.setAttribute("aria-expanded", String(!panel.hidden))
  })
  host.replaceChildren(el("div", { class: "alerts" }, toggle, panel))

  const item = (alert) => {
    const [cls, label] = TYPE[alert.type] ?? ["neutral", alert.type]
    const link = el("a", { href: `#${alert.trackingNumber}`, class: "mono" }, alert.trackingNumber)
    link.addEventListener("click", (event) => {
      event.preventDefault()
      panel.hidden = true
      toggle.setAttribute("aria-expanded", "false")
      onOpen(alert.trackingNumber)
    })
    return el(
      "li",
      { dataset: { type: alert.type, tracking: alert.trackingNumber, level: alert.level } },
      el("span", { class: `badge ${cls}` }, label),
      " ",
      link,
      el("div", {}, `${SP.METRIC[alert.metric] ?? alert.metric} — ${alert.level}, due ${when(alert.dueAt)}`),
      el("div", { class: "hint" }, `fired ${when(alert.firedAt)}`)
    )
  }

  const refresh = async () => {
    error.hidden = true
    try {
      const page = await api("GET", "/v1/desk/alerts?limit=50")
      count.textContent = page.next === null ? String(page.items.length) : `${page.items.length}+`
      host.dataset.count = String(page.items.length)
      list.replaceChildren(
        ...(page.items.length === 0 ? [el("li", { class: "empty" }, "No SLA alerts for you.")] : page.items.map(item))
      )
    } catch (e) {
      count.textContent = "?"
      SP.showError(error, e)
    }
  }
  return { refresh }
}
