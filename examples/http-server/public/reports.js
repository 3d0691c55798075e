// The reports screen: SLA attainment by week per metric, breaches by category, the backlog and the requesters'
// satisfaction ratings (average, count, low share and how many gave each score), drawn by Chart.js (served as an ES
// module from its package, no build step), with the numbers in tables and a CSV download.
import { Chart, registerables } from "/vendor/chart.js/chart.js"
import * as SP from "./common.js"

Chart.register(...registerables)

const { el, api, showError } = SP

const METRICS = { firstResponse: "First reply", progressUpdate: "Progress update", resolution: "Resolution" }
const COLORS = { firstResponse: "#0a5bd3", progressUpdate: "#a15c00", resolution: "#1b7a3c" }
const charts = []

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10)
const percent = (x) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`)
const hours = (ms) => (ms === null ? "—" : SP.duration(ms))

/** Monday four weeks back, to next Monday: the default period. */
const defaultPeriod = () => {
  const now = new Date()
  const monday = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7))
  )
  return { from: isoDate(monday.getTime() - 21 * 86_400_000), to: isoDate(monday.getTime() + 7 * 86_400_000) }
}

const chartBox = (id, title, description) =>
  el(
    "figure",
    { class: "card chart" },
    el("figcaption", {}, el("h2", {}, title), el("p", { class: "hint" }, description)),
    el("div", { class: "canvas-box" }, el("canvas", { id, role: "img", "aria-label": `${title}: ${description}` }))
  )

const draw = (id, config) => {
  const canvas = document.getElementById(id)
  const chart = new Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options }
  })
  charts.push(chart)
  canvas.dataset.drawn = "true"
  canvas.dataset.values = JSON.stringify(config.data.datasets.map((d) => d.data))
}

const figuresTable = (report) =>
  el(
    "table",
    { class: "figures", id: "report-table" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ["Group", "Metric", "Counted", "Met", "Breached", "Refused", "Attainment", "Median", "p90", "Backlog"].map(
          (h) => el("th", { scope: "col" }, h)
        )
      )
    ),
    el(
      "tbody",
      {},
      [...report.groups, report.total].flatMap((g) =>
        g.metrics.map((m) =>
          el(
            "tr",
            { dataset: { group: g.key, metric: m.metric } },
            el("td", {}, g.label),
            el("td", {}, METRICS[m.metric]),
            el("td", {}, String(m.counted)),
            el("td", {}, String(m.met)),
            el("td", {}, String(m.breached)),
            el("td", {}, String(m.refused)),
            el("td", {}, percent(m.attainment)),
            el("td", {}, hours(m.medianBusinessMs)),
            el("td", {}, hours(m.p90BusinessMs)),
            el("td", {}, String(g.backlog))
          )
        )
      )
    )
  )

/** The satisfaction ratings given in the period (`report.total.satisfaction`): the figures, the chart and its table. */
const satisfactionSection = (s) => {
  const share = s.rated === 0 ? null : s.low / s.rated
  const figure = (label, value, id) => el("div", { class: "stat" }, el("dt", {}, label), el("dd", { id }, value))
  return el(
    "section",
    { class: "card", id: "report-satisfaction", "aria-labelledby": "satisfaction-title" },
    el("h2", { id: "satisfaction-title" }, "Satisfaction"),
    el("p", { class: "hint" }, "Ratings requesters gave in the period (clause 7.4), on the policy's scale."),
    el(
      "dl",
      { class: "stats" },
      figure("Average rating", s.average === null ? "—" : s.average.toFixed(2), "satisfaction-average"),
      figure("Ratings", String(s.rated), "satisfaction-rated"),
      figure("Low ratings", s.rated === 0 ? "—" : `${s.low} (${percent(share)})`, "satisfaction-low")
    ),
    el(
      "div",
      { class: "satisfaction-figures" },
      el(
        "figure",
        { class: "chart" },
        el("figcaption", {}, el("h3", {}, "Ratings by score")),
        el(
          "div",
          { class: "canvas-box" },
          el("canvas", {
            id: "chart-satisfaction",
            role: "img",
            "aria-label": `Ratings by score: ${s.distribution.map((d) => `${d.count} rated ${d.rating}`).join(", ")}`
          })
        )
      ),
      el(
        "table",
        { class: "figures", id: "satisfaction-table" },
        el("caption", {}, "Ratings by score"),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Score"), el("th", { scope: "col" }, "Ratings"))),
        el(
          "tbody",
          {},
          s.distribution.map((d) =>
            el(
              "tr",
              { dataset: { rating: String(d.rating) } },
              el("th", { scope: "row" }, String(d.rating)),
              el("td", {}, String(d.count))
            )
          )
        )
      )
    )
  )
}

const render = async (root, period, groupBy) => {
  const out = root.querySelector("#report-output")
  const error = root.querySelector("#report-error")
  error.hidden = true
  for (const chart of charts.splice(0)) chart.destroy()
  let weekly
  let byCategory
  let grouped
  const q = (g) => `/v1/reports/sla?from=${period.from}&to=${period.to}&groupBy=${g}`
  try {
    ;[weekly, byCategory, grouped] = await Promise.all([
      api("GET", q("week")),
      api("GET", q("category")),
      api("GET", q(groupBy))
    ])
  } catch (e) {
    out.replaceChildren()
    showError(error, e)
    return
  }
  const weeks = weekly.groups.map((g) => g.key)
  const metricsOf = (report) => report.total.metrics.map((m) => m.metric)
  out.replaceChildren(
    el(
      "div",
      { class: "charts" },
      chartBox("chart-attainment", "Attainment by week", "met ÷ (met + breached), per metric"),
      chartBox("chart-breaches", "Breaches by category", "clocks breached in the period"),
      chartBox("chart-backlog", "Backlog", "cases still owing an answer at the end of each week")
    ),
    satisfactionSection(grouped.total.satisfaction),
    el(
      "section",
      { class: "card" },
      el("h2", {}, `Figures by ${groupBy}`),
      el("p", { class: "hint" }, `${grouped.cases} case(s) read; business time as hours and minutes of service hours.`),
      el(
        "div",
        { class: "table-scroll", tabindex: 0, role: "region", "aria-label": `Figures by ${groupBy}` },
        figuresTable(grouped)
      )
    )
  )
  draw("chart-attainment", {
    type: "line",
    data: {
      labels: weeks,
      datasets: metricsOf(weekly).map((metric) => ({
        label: METRICS[metric],
        borderColor: COLORS[metric],
        backgroundColor: COLORS[metric],
        spanGaps: true,
        data: weekly.groups.map((g) => {
          const m = g.metrics.find((x) => x.metric === metric)
          return m.attainment === null ? null : Math.round(m.attainment * 1000) / 10
        })
      }))
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } } }
  })
  const breached = byCategory.groups.filter((g) => g.metrics.some((m) => m.breached > 0))
  const short = (label) => (label.length > 28 ? `${label.slice(0, 27)}…` : label)
  draw("chart-breaches", {
    type: "bar",
    data: {
      labels: breached.map((g) => short(g.label)),
      datasets: metricsOf(byCategory).map((metric) => ({
        label: METRICS[metric],
        backgroundColor: COLORS[metric],
        data: breached.map((g) => g.metrics.find((x) => x.metric === metric).breached)
      }))
    },
    options: { indexAxis: "y", scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } } }
  })
  draw("chart-backlog", {
    type: "bar",
    data: {
      labels: weeks,
      datasets: [{ label: "Backlog", backgroundColor: "#5b6478", data: weekly.groups.map((g) => g.backlog) }]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  })
  const scores = grouped.total.satisfaction.distribution
  draw("chart-satisfaction", {
    type: "bar",
    data: {
      labels: scores.map((d) => String(d.rating)),
      datasets: [{ label: "Ratings", backgroundColor: "#6a3fb5", data: scores.map((d) => d.count) }]
    },
    options: {
      plugins: { legend: { display: false } },
      scales: {
        x: { title: { display: true, text: "Score" } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Ratings" } }
      }
    }
  })
  root.dataset.rendered = "true"
}

export const screen = {
  show: (root) => {
    const period = defaultPeriod()
    const f = el(
      "form",
      { class: "filters report-form", id: "report-form" },
      el("label", {}, "From", el("input", { type: "date", name: "from", value: period.from, required: true })),
      el("label", {}, "To", el("input", { type: "date", name: "to", value: period.to, required: true })),
      el(
        "label",
        {},
        "Group by",
        el(
          "select",
          { name: "groupBy" },
          ["week", "category", "priority", "queue", "agent", "channel"].map((g) => el("option", { value: g }, g))
        )
      ),
      el("button", { type: "submit" }, "Show"),
      el("button", { type: "button", class: "secondary", id: "report-csv" }, "Download CSV")
    )
    const current = () => {
      const data = new FormData(f)
      return { period: { from: data.get("from"), to: data.get("to") }, groupBy: data.get("groupBy") }
    }
    f.addEventListener("submit", (event) => {
      event.preventDefault()
      const { period, groupBy } = current()
      render(root, period, groupBy)
    })
    root.replaceChildren(
      el("h1", { id: "reports-title" }, "SLA reports"),
      el(
        "p",
        { class: "hint" },
        "From the handling records (clause 7.4): every clock met, breached or refused in the period."
      ),
      f,
      el("p", { class: "error", id: "report-error", role: "alert", hidden: true }),
      el("div", { id: "report-output" })
    )
    f.querySelector("#report-csv").addEventListener("click", async () => {
      const { period, groupBy } = current()
      const response = await fetch(`/v1/reports/sla?from=${period.from}&to=${period.to}&groupBy=${groupBy}`, {
        headers: { accept: "text/csv", authorization: `Bearer ${SP.currentToken()}` }
      })
      if (!response.ok) return showError(root.querySelector("#report-error"), `HTTP ${response.status}`)
      const url = URL.createObjectURL(await response.blob())
      const a = el("a", { href: url, download: `sla-${groupBy}-${period.from}-${period.to}.csv` })
      document.body.append(a)
      a.click()
      a.remove()
      URL.revokeObjectURL(url)
    })
    render(root, period, "week")
  }
}
