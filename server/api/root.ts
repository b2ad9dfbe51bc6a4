import { accountRouter } from "./routers/account";
import { channelsRouter } from "./routers/channels";
import { companyRouter } from "./routers/company";
import { contactsRouter } from "./routers/contacts";
import { inboxRouter } from "./routers/inbox";
import { ingestRouter } from "./routers/ingest";
import { linesRouter } from "./routers/lines";
import { mailboxRouter } from "./routers/mailbox";
import { metaWizardRouter } from "./routers/metaWizard";
import { peopleRouter } from "./routers/people";
import { savedRepliesRouter } from "./routers/savedReplies";
import { teamsRouter } from "./routers/teams";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  inbox: inboxRouter,
  channels: channelsRouter,
  lines: linesRouter,
  people: peopleRouter,
  teams: teamsRouter,
  mailbox: mailboxRouter,
  metaWizard: metaWizardRouter,
  ingest: ingestRouter,
  account: accountRouter,
  company: companyRouter,
  savedReplies: savedRepliesRouter,
  contacts: contactsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
