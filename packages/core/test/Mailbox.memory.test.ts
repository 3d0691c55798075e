import { Mailbox } from "@support-policy/core"
import { MailboxContract } from "@support-policy/core/testing"

MailboxContract.suite("memory", Mailbox.layerMemory)
