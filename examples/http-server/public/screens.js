// The console's screens for incidents and announcements (clause 6.5), mediation (4.5) and quality reviews (7.4).
// Each renders into its section when shown. Calls the /v1 API.
import * as SP from "./common.js"

const { el, api, when, whenZoned, showError } = SP

/** A small form: fields as [name, label, kind, options], a submit label, and what to do with the values. */
const form = (id, fields, submit, onSubmit) => {
  const error = el("p", { class: "error", role: "alert", hidden: true })
  const node = el(
    "form",
    { id, novalidate: true },
    fields.map(([name, label, kind = "input", options = []]) =>
      el(
        "label",
        {},
        label,
        kind === "textarea"
          ? el("textarea", { name, rows: 3 })
          : kind === "select"
            ? el(
                "select",
                { name },
                options.map(([value, text]) => el("option", { value }, text))
              )
            : el("input", { name, type: kind === "datetime" ? "datetime-local" : "text", autocomplete: "off" })
      )
    ),
    el("button", { type: "submit" }, submit),
    error
  )
  node.addEventListener("submit", async (event) => {
    event.preventDefault()
    error.hidden = true
    const values = {}
    for (const [key, value] of new FormData(node)) if (String(value).trim() !== "") values[key] = String(value).trim()
    try {
      await onSubmit(values)
      node.reset()
    } catch (e) {
      showError(error, e)
    }
  })
  return node
}

// --- incidents and announcements ----------------------------------------------------------------------------------

const STATUS = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved"
}

export const incidents = {
  show: async (root) => {
    root.replaceChildren(
      el("h1", { id: "incidents-title" }, "Incidents and announcements"),
      el("p", { class: "hint" }, "Loading…")
    )
    let list
    let notices
    try {
      ;[list, notices] = await Promise.all([api("GET", "/v1/incidents?limit=50"), api("GET", "/v1/announcements")])
    } catch (error) {
      root.replaceChildren(
        el("h1", { id: "incidents-title" }, "Incidents and announcements"),
        el("p", { class: "error" }, error.message)
      )
      return
    }
    const refresh = () => incidents.show(root)
    const incidentCard = (i) =>
      el(
        "article",
        { class: "card incident", dataset: { incident: i.id, status: i.status } },
        el(
          "h3",
          {},
          i.title,
          " ",
          el("span", { class: `badge ${i.status === "resolved" ? "on-track" : "breached"}` }, STATUS[i.status])
        ),
        el("p", {}, i.description),
        el(
          "p",
          { class: "hint" },
          `Declared ${whenZoned(i.declaredAt)}${i.resolvedAt ? `, resolved ${whenZoned(i.resolvedAt)}` : ""} · ${i.linkedCaseIds.length} linked case(s)`
        ),
        i.status === "resolved"
          ? null
          : el(
              "div",
              { class: "incident-actions" },
              form(
                `update-${i.id}`,
                [
                  ["status", "Status", "select", Object.entries(STATUS).filter(([k]) => k !== "resolved")],
                  ["description", "What we know now", "textarea"]
                ],
                "Update",
                async (v) => {
                  await api("PATCH", `/v1/incidents/${encodeURIComponent(i.id)}`, v)
                  refresh()
                }
              ),
              form(`link-${i.id}`, [["trackingNumber", "Link a case (tracking number)"]], "Link case", async (v) => {
                await api("POST", `/v1/incidents/${encodeURIComponent(i.id)}/cases`, v)
                refresh()
              }),
              form(
                `resolve-${i.id}`,
                [["note", "Note to the linked requesters", "textarea"]],
                "Resolve incident",
                async (v) => {
                  await api("POST", `/v1/incidents/${encodeURIComponent(i.id)}/resolve`, v)
                  refresh()
                }
              )
            )
      )
    const announcementCard = (a) =>
      el(
        "article",
        { class: "card", dataset: { announcement: a.id } },
        el("h3", {}, a.title),
        el("p", {}, a.body),
        el(
          "p",
          { class: "hint" },
          `Posted ${whenZoned(a.postedAt)}${a.expiresAt ? ` · shown until ${whenZoned(a.expiresAt)}` : ""}`
        ),
        form(
          `edit-${a.id}`,
          [
            ["title", "New title"],
            ["body", "New text", "textarea"]
          ],
          "Change",
          async (v) => {
            await api("PATCH", `/v1/announcements/${encodeURIComponent(a.id)}`, v)
            refresh()
          }
        )
      )
    root.replaceChildren(
      el("h1", { id: "incidents-title" }, "Incidents and announcements"),
      el(
        "div",
        { class: "two" },
        el(
          "section",
          { "aria-labelledby": "incident-list-title" },
          el("h2", { id: "incident-list-title" }, "Incidents"),
          el(
            "div",
            { class: "card" },
            el("h3", {}, "Declare an incident"),
            form(
              "declare-incident",
              [
                ["title", "Title"],
                ["description", "What is happening", "textarea"],
                ["announce", "Public announcement (optional)", "textarea"]
              ],
              "Declare",
              async (v) => {
                await api("POST", "/v1/incidents", {
                  title: v.title ?? "",
                  description: v.description ?? "",
                  ...(v.announce ? { announcement: { body: v.announce } } : {})
                })
                refresh()
              }
            )
          ),
          list.items.length === 0 ? el("p", { class: "empty" }, "No incidents.") : list.items.map(incidentCard)
        ),
        el(
          "section",
          { "aria-labelledby": "announcement-list-title" },
          el("h2", { id: "announcement-list-title" }, "Announcements shown now"),
          el(
            "div",
            { class: "card" },
            el("h3", {}, "Post an announcement"),
            form(
              "post-announcement",
              [
                ["title", "Title"],
                ["body", "Text", "textarea"]
              ],
              "Post",
              async (v) => {
                await api("POST", "/v1/announcements", { title: v.title ?? "", body: v.body ?? "" })
                refresh()
              }
            )
          ),
          notices.items.length === 0
            ? el("p", { class: "empty" }, "No announcements.")
            : notices.items.map(announcementCard)
        )
      )
    )
  }
}

// --- mediation ----------------------------------------------------------------------------------------------------

const STATEMENT = new Set(["mediationRequested", "requesterResponded", "counterpartyResponded", "mediationConcluded"])

export const mediation = {
  show: async (root) => {
    const title = el("h1", { id: "mediation-title" }, "Mediation")
    let page
    try {
      page = await api("GET", "/v1/desk/cases?view=inMediation&sort=updated&limit=50")
    } catch (error) {
      root.replaceChildren(title, el("p", { class: "error" }, error.message))
      return
    }
    const detail = el("div", { class: "card", id: "mediation-case" }, el("p", { class: "empty" }, "Pick a mediation."))
    const open = async (tn) => {
      const view = await api("GET", `/v1/cases/${encodeURIComponent(tn)}`)
      const m = view.mediation
      const sideName = (side) =>
        side === "requester"
          ? `Buyer (${view.case.requester.name ?? view.case.requester.id})`
          : `Other party (${m.counterpartyId})`
      detail.replaceChildren(
        el("h2", {}, view.case.subject),
        el(
          "p",
          { class: "mono" },
          view.case.trackingNumber,
          view.case.orderReference ? ` · order ${view.case.orderReference}` : ""
        ),
        el(
          "table",
          {},
          el(
            "thead",
            {},
            el("tr", {}, el("th", {}, "Party"), el("th", {}, "Statements"), el("th", {}, "Waiting for them"))
          ),
          el(
            "tbody",
            {},
            (m?.parties ?? []).map((p) =>
              el(
                "tr",
                {},
                el("td", {}, sideName(p.side)),
                el("td", {}, String(p.statements)),
                el(
                  "td",
                  {},
                  p.awaitingSince === null
                    ? "—"
                    : `since ${when(p.awaitingSince)} (${SP.duration(p.waitedBusinessMs)} business time)`
                )
              )
            )
          )
        ),
        el("h3", { class: "spaced" }, "Statements"),
        el(
          "ol",
          { class: "statements" },
          view.events
            .filter((e) => STATEMENT.has(e.type) && e.body)
            .map((e) =>
              el(
                "li",
                {
                  class:
                    e.type === "counterpartyResponded" ? "other" : e.type === "mediationConcluded" ? "outcome" : "buyer"
                },
                el(
                  "div",
                  { class: "when" },
                  `${when(e.at)} · ${e.type === "counterpartyResponded" ? "other party" : e.type === "mediationConcluded" ? "mediator" : "buyer"}`
                ),
                el("div", { class: "body" }, e.body)
              )
            )
        ),
        view.case.status === "inMediation"
          ? form(
              "mediation-outcome",
              [
                [
                  "outcome",
                  "Outcome",
                  "select",
                  [
                    ["settled", "Settled"],
                    ["notSettled", "Not settled"],
                    ["withdrawn", "Withdrawn"]
                  ]
                ],
                ["body", "Decision, in words to both parties", "textarea"]
              ],
              "Record the outcome",
              async (v) => {
                await api("POST", `/v1/cases/${encodeURIComponent(tn)}/mediation/outcome`, v)
                await mediation.show(root)
              }
            )
          : el("p", { class: "ok" }, `Outcome: ${m?.outcome ?? "—"}`)
      )
    }
    root.replaceChildren(
      title,
      el(
        "div",
        { class: "two" },
        el(
          "section",
          { class: "card", "aria-label": "Cases in mediation" },
          el("h2", {}, "In mediation"),
          page.items.length === 0
            ? el("p", { class: "empty" }, "No case is in mediation.")
            : el(
                "ul",
                { class: "case-list" },
                page.items.map((c) =>
                  el(
                    "li",
                    {},
                    el(
                      "button",
                      {
                        type: "button",
                        class: "case-row",
                        dataset: { tracking: c.trackingNumber },
                        onclick: () => open(c.trackingNumber)
                      },
                      el("span", { class: "mono" }, c.trackingNumber),
                      el("span", { class: "subject" }, c.subject),
                      el("span", { class: "hint line3" }, c.orderReference ? `order ${c.orderReference}` : "")
                    )
                  )
                )
              )
        ),
        detail
      )
    )
  }
}

// --- quality reviews ----------------------------------------------------------------------------------------------

const REASON = { breached: "a clock breached", refused: "refused", reopened: "reopened", sampled: "sampled at random" }

export const quality = {
  show: async (root) => {
    const title = el("h1", { id: "quality-title" }, "Quality reviews")
    let pending
    try {
      pending = await api("GET", "/v1/quality-reviews?limit=50")
    } catch (error) {
      root.replaceChildren(title, el("p", { class: "error" }, error.message))
      return
    }
    root.replaceChildren(
      title,
      el(
        "p",
        { class: "hint" },
        "Closed cases selected for review (clause 7.4): rate each from 1 (poor) to 5 (excellent)."
      ),
      pending.items.length === 0
        ? el("p", { class: "empty card" }, "Nothing to review.")
        : el(
            "div",
            { class: "reviews" },
            pending.items.map((item) => {
              const c = item.case
              const rating = el(
                "fieldset",
                { class: "rating" },
                el("legend", {}, "Rating"),
                [1, 2, 3, 4, 5].map((n) =>
                  el("label", {}, el("input", { type: "radio", name: "rating", value: n, required: true }), ` ${n}`)
                )
              )
              const error = el("p", { class: "error", role: "alert", hidden: true })
              const f = el(
                "form",
                { class: "review", novalidate: true },
                rating,
                el("label", {}, "Note", el("textarea", { name: "note", rows: 2 })),
                el("button", { type: "submit" }, "Save review"),
                error
              )
              f.addEventListener("submit", async (event) => {
                event.preventDefault()
                error.hidden = true
                const data = new FormData(f)
                if (!data.get("rating")) return showError(error, "Pick a rating from 1 to 5.")
                try {
                  await api("POST", `/v1/cases/${encodeURIComponent(c.trackingNumber)}/actions/quality-review`, {
                    rating: Number(data.get("rating")),
                    ...(String(data.get("note") ?? "").trim() ? { note: String(data.get("note")).trim() } : {})
                  })
                  await quality.show(root)
                } catch (e) {
                  showError(error, e)
                }
              })
              return el(
                "article",
                { class: "card", dataset: { tracking: c.trackingNumber } },
                el("h2", {}, c.subject),
                el(
                  "p",
                  {},
                  el("a", { href: `#${c.trackingNumber}`, class: "mono" }, c.trackingNumber),
                  ` · selected ${when(item.selectedAt)} because ${item.reasons.map((r) => REASON[r] ?? r).join(", ")}`
                ),
                f
              )
            })
          )
    )
  }
}
