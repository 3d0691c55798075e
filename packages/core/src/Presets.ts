/**
 * Ready-made support policies. The first is the Global Sources Support Policy v1.8 (last updated 11 April 2025),
 * mirrored clause by clause: each entry carries the clause it implements, and `docs/policy/global-sources.md` maps
 * every bullet of the text to the field here, the code that enforces it and the test that proves it, and records
 * each choice made where the text is silent.
 *
 * @since 0.1.0
 */
import { hongKongPublicHolidays } from "./internal/hongKongHolidays.ts"
import * as SupportPolicy from "./SupportPolicy.ts"

const weekday = [["09:00", "18:00"]] as const

const publicUpdates = ["replied", "progressUpdated", "informationRequested", "resolved", "explained"] as const

/**
 * The escalation levels of every SLA rule of the preset (a choice where the policy is silent; see
 * docs/policy/global-sources.md): at 75 % of the target the assignee is warned; at the deadline the assignee and the
 * lead of the case's queue; one business day after it, in service hours, the support manager.
 */
const escalations = [
  { id: "warning", when: { fractionOfTarget: 0.75 }, notify: ["assignee"] },
  { id: "breached", when: "due", notify: ["assignee", "queueLead"] },
  {
    id: "support-manager",
    when: { afterDue: { businessDays: 1 } },
    notify: [{ role: "supportManager" }],
    serviceHoursOnly: true
  }
] as const

const globalSourcesDocument = {
  id: "global-sources",
  version: "1.8",
  effectiveDate: "2025-04-11",
  title: "Global Sources Support Policy",
  publisher: "Global Sources",
  calendar: {
    clause: "2.1",
    spec: {
      timeZone: "+08:00",
      week: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday },
      holidays: hongKongPublicHolidays.map((h) => ({ date: h.date, name: h.name }))
    },
    holidaySource: {
      kind: "date-holidays",
      country: "HK",
      types: ["public"],
      language: "en",
      years: { from: 2024, to: 2035 }
    }
  },
  audiences: [
    { id: "buyer", name: "Buyer", clause: "Preamble" },
    { id: "supplier", name: "Supplier", clause: "Preamble" }
  ],
  roles: [
    { id: "requester", name: "Requester", clause: "Preamble", description: "A buyer or supplier who asks for support" },
    { id: "agent", name: "Support agent", clause: "2.2", description: "Answers cases from email, forms and chat" },
    {
      id: "accountManager",
      name: "Account manager",
      clause: "2.4",
      description: "Expedites priority issues of the requesters assigned to them (2.4) and visits suppliers (5.4)"
    },
    {
      id: "administrator",
      name: "Administrator",
      clause: "7.5",
      description: "Maintains the policy and its interpretation for Global Sources"
    },
    {
      id: "supportManager",
      name: "Support manager",
      description:
        "Leads the support team; told of every clock still unmet one business day after its deadline (a choice where the policy is silent)"
    }
  ],
  requesterFlags: [
    {
      id: "dedicatedAccountManager",
      clause: "2.4",
      description: "The requester has a dedicated account manager (assigned under 5.4)"
    }
  ],
  channels: [
    { id: "email", name: "Email", clause: "2.2", availability: "always", opensCase: true },
    { id: "online-form", name: "Online form", clause: "2.2", availability: "always", opensCase: true },
    {
      id: "live-chat",
      name: "Live chat",
      clause: "2.2",
      availability: "businessHours",
      opensCase: true,
      whenClosed: "online-form",
      description:
        "Staffed during the service hours of 2.1; a chat not settled in the chat becomes a case; outside the hours a chat message is taken as an online form"
    },
    {
      id: "self-help-centre",
      name: "Self-help centre and FAQ",
      clause: "2.3",
      availability: "always",
      opensCase: false
    },
    {
      id: "account-manager",
      name: "Dedicated account manager",
      clause: "2.4",
      availability: "businessHours",
      opensCase: true,
      requesterFlags: ["dedicatedAccountManager"]
    }
  ],
  priorities: [
    { id: "normal", name: "Normal", rank: 0, clause: "6.1", description: "General inquiries" },
    { id: "high", name: "High", rank: 1, clause: "6.2", description: "High-priority issues: daily progress updates" }
  ],
  categories: [
    {
      id: "consultation",
      name: "Consultation and operational guidance",
      clause: "1.1",
      audiences: ["buyer", "supplier"],
      defaultPriority: "normal"
    },
    {
      id: "account-access",
      name: "Account login, permissions and verification",
      clause: "1.2",
      audiences: ["buyer", "supplier"],
      defaultPriority: "normal"
    },
    {
      id: "orders-messages-transactions",
      name: "Orders, messages and transaction processes",
      clause: "1.3",
      audiences: ["buyer", "supplier"],
      defaultPriority: "normal"
    },
    {
      id: "rules-and-policies",
      name: "Platform rules, policies and procedures",
      clause: "1.4",
      audiences: ["buyer", "supplier"],
      defaultPriority: "normal"
    },
    {
      id: "misconduct-fraud-report",
      name: "Report of misconduct or fraud",
      clause: "1.5",
      audiences: ["buyer", "supplier"],
      defaultPriority: "high"
    },
    {
      id: "technical-diagnosis",
      name: "Platform functionality, page loading and upload problems",
      clause: "3.1",
      audiences: ["buyer", "supplier"],
      defaultPriority: "normal"
    },
    {
      id: "product-uploads",
      name: "Product uploads, sample submissions and templates",
      clause: "3.2",
      audiences: ["supplier"],
      defaultPriority: "normal"
    },
    {
      id: "online-exhibition",
      name: "Online exhibition integration and media uploads",
      clause: "3.3",
      audiences: ["supplier"],
      defaultPriority: "normal"
    },
    {
      id: "platform-bugs",
      name: "Platform bugs, failures and compatibility issues",
      clause: "3.4",
      audiences: ["buyer", "supplier"],
      defaultPriority: "high"
    },
    {
      id: "data-security",
      name: "Account data security and access control",
      clause: "3.5",
      audiences: ["buyer", "supplier"],
      defaultPriority: "high"
    },
    {
      id: "supplier-verification",
      name: "Supplier verification details and credit references",
      clause: "4.1",
      audiences: ["buyer"],
      defaultPriority: "normal"
    },
    {
      id: "sourcing-samples-inquiries",
      name: "Finding quality products, samples and inquiries",
      clause: "4.2",
      audiences: ["buyer"],
      defaultPriority: "normal"
    },
    {
      id: "order-delivery",
      name: "Order issues and delivery delays",
      clause: "4.3",
      audiences: ["buyer"],
      defaultPriority: "normal"
    },
    {
      id: "buyer-seller-communication",
      name: "Buyer–seller communication during an order",
      clause: "4.4",
      audiences: ["buyer"],
      defaultPriority: "normal"
    },
    {
      id: "dispute-mediation",
      name: "Platform mediation of a dispute",
      clause: "4.5",
      audiences: ["buyer"],
      defaultPriority: "high"
    },
    {
      id: "supplier-onboarding",
      name: "Supplier registration, certification and brand showcase",
      clause: "5.1",
      audiences: ["supplier"],
      defaultPriority: "normal"
    },
    {
      id: "listing-optimisation",
      name: "Product detail pages, keywords and tags",
      clause: "5.2",
      audiences: ["supplier"],
      defaultPriority: "normal"
    },
    {
      id: "exhibit-promotion",
      name: "Online exhibit promotion and advertising",
      clause: "5.3",
      audiences: ["supplier"],
      defaultPriority: "normal"
    },
    {
      id: "account-manager-visits",
      name: "Account-manager visits and operational advice",
      clause: "5.4",
      audiences: ["supplier"],
      defaultPriority: "normal"
    },
    {
      id: "multilingual-listings",
      name: "Multi-language listings and translation",
      clause: "5.5",
      audiences: ["supplier"],
      defaultPriority: "normal"
    }
  ],
  triage: [
    {
      id: "trust-and-safety",
      clause: "1.5",
      when: { categories: ["misconduct-fraud-report", "data-security"] },
      routeTo: { role: "agent", queue: "trust-and-safety" },
      description: "Fraud, misconduct and data-security cases go to trust & safety, even with an account manager"
    },
    {
      id: "expedite-through-account-manager",
      clause: "2.4",
      when: { priorities: ["high"], requesterFlags: ["dedicatedAccountManager"] },
      routeTo: { role: "accountManager" },
      description: "High-priority issues of a requester with a dedicated account manager go to that manager"
    },
    {
      id: "account-manager-channel",
      clause: "2.4",
      when: { channels: ["account-manager"] },
      routeTo: { role: "accountManager" }
    },
    {
      id: "account-manager-visits",
      clause: "5.4",
      when: { categories: ["account-manager-visits"], requesterFlags: ["dedicatedAccountManager"] },
      routeTo: { role: "accountManager" }
    },
    {
      id: "mediation-queue",
      clause: "4.5",
      when: { categories: ["dispute-mediation"] },
      routeTo: { role: "agent", queue: "mediation" }
    },
    {
      id: "technical-queue",
      clause: "3.1",
      when: {
        categories: [
          "technical-diagnosis",
          "product-uploads",
          "online-exhibition",
          "platform-bugs",
          "exhibit-promotion"
        ]
      },
      routeTo: { role: "agent", queue: "technical" }
    }
  ],
  holds: [
    {
      id: "awaitingRequester",
      clause: "6.3",
      startOn: ["informationRequested"],
      endOn: ["requesterResponded", "reopened"],
      description: "The desk asked the requester for information and waits for the answer"
    },
    {
      id: "verificationHold",
      clause: "7.2",
      startOn: ["verificationStarted"],
      endOn: ["verificationConcluded"],
      description: "Submitted content is being verified as genuine and lawful"
    },
    {
      id: "incidentLinked",
      clause: "6.5",
      startOn: ["incidentLinked"],
      endOn: ["incidentUnlinked"],
      description: "The case is linked to an open system-wide incident"
    },
    {
      id: "awaitingCounterparty",
      clause: "4.5",
      startOn: ["counterpartyContacted"],
      endOn: ["counterpartyResponded", "mediationConcluded"],
      description: "A mediation waits for the other party"
    }
  ],
  sla: [
    {
      id: "first-response",
      clause: "6.1",
      metric: "firstResponse",
      appliesTo: {},
      target: { businessDays: 2 },
      startOn: ["submitted"],
      stopOn: publicUpdates,
      pauseWhile: [],
      warnAt: [0.75],
      onPriorityChange: "keepElapsed",
      onReopen: "restart",
      escalations,
      description: "Every inquiry is answered within 2 business days; a reopened case is answered again within 2"
    },
    {
      id: "progress-update",
      clause: "6.2",
      metric: "progressUpdate",
      appliesTo: { priorities: ["high"] },
      target: { businessDays: 1 },
      startOn: ["submitted"],
      stopOn: publicUpdates,
      pauseWhile: ["awaitingRequester"],
      warnAt: [0.75],
      onPriorityChange: "restart",
      onReopen: "restart",
      escalations,
      description: "High-priority cases get an update within 1 business day, and again every business day"
    },
    {
      id: "resolution",
      clause: "6.3",
      metric: "resolution",
      appliesTo: {},
      target: { businessDays: 7 },
      startOn: ["submitted"],
      stopOn: ["resolved", "explained"],
      pauseWhile: ["awaitingRequester", "verificationHold", "incidentLinked"],
      warnAt: [0.5, 0.75],
      onPriorityChange: "keepElapsed",
      onReopen: "keepElapsed",
      escalations,
      description: "Every case is resolved or explained within 7 business days of the platform's own time"
    }
  ],
  verification: {
    clause: "7.2",
    categories: [
      "account-access",
      "misconduct-fraud-report",
      "product-uploads",
      "dispute-mediation",
      "supplier-onboarding"
    ],
    hold: "verificationHold"
  },
  incidents: { clause: "6.5", announce: true, hold: "incidentLinked" },
  mediation: {
    clause: "4.5",
    categories: ["dispute-mediation"],
    audiences: ["buyer"],
    hold: "awaitingCounterparty"
  },
  refusal: {
    clause: "7.3",
    reasons: [
      { code: "abusive-language", description: "Insulting, obscene or demeaning language towards staff" },
      { code: "harassment", description: "Harassing staff or other users, including repeated unwanted contact" },
      { code: "threats", description: "Threats of violence or of unlawful harm" },
      { code: "repeated-requests", description: "Repeating a request already answered, to flood the desk" }
    ],
    rateLimits: [
      { id: "cases-per-day", measure: "casesOpened", limit: 10, windowHours: 24, action: "review" },
      { id: "messages-per-hour", measure: "messagesSent", limit: 30, windowHours: 1, action: "review" }
    ]
  },
  lifecycle: {
    clause: "6.3",
    reopenWithinBusinessDays: 7,
    closeResolvedAfterBusinessDays: 5,
    closeAwaitingRequesterAfterBusinessDays: 10,
    description: "Chosen where the policy is silent; see docs/policy/global-sources.md"
  },
  tracking: { clause: "6.4", prefix: "GS", requesterSeesRecord: true },
  retention: {
    clause: "7.4",
    keepClosedCasesForDays: 730,
    afterwards: "anonymise",
    legalHoldSuspends: true,
    description: "Chosen where the policy is silent; see docs/policy/global-sources.md"
  },
  qualityReview: {
    clause: "7.4",
    sampleRate: 0.05,
    alwaysReview: ["breached", "refused", "reopened"]
  },
  satisfaction: {
    clause: "7.4",
    question: "How satisfied are you with how we handled your request?",
    scale: { min: 1, max: 5 },
    comment: "optional",
    withinBusinessDays: 7,
    lowRating: { atMost: 2, action: "review" },
    description: "Chosen where the policy is silent; see docs/policy/global-sources.md"
  },
  notices: [
    {
      clause: "Preamble",
      text:
        "To enhance service quality and platform experience, Global Sources offers the following support services " +
        "to buyers and suppliers, ensuring safe transactions, transparent information, and stable technology."
    },
    { clause: "7.1", text: "Global Sources continuously optimizes and adjusts support services." },
    { clause: "7.5", text: "Interpretation of this policy is reserved by Global Sources." }
  ]
}

/**
 * The Global Sources Support Policy v1.8 (2025-04-11): Mon–Fri 09:00–18:00 at +08:00 with Hong Kong public
 * holidays; a first response within 2 business days (6.1); for high-priority issues a progress update within 1
 * business day and again every business day until resolved (6.2); every case resolved or explained within 7
 * business days (6.3).
 *
 * @since 0.1.0
 * @category presets
 */
export const globalSources: SupportPolicy.SupportPolicy = SupportPolicy.makeUnsafe(globalSourcesDocument)
