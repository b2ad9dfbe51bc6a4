import { channelsRouter } from "./routers/channels";
import { inboxRouter } from "./routers/inbox";
import { linesRouter } from "./routers/lines";
import { mailboxRouter } from "./routers/mailbox";
import { peopleRouter } from "./routers/people";
import { teamsRouter } from "./routers/teams";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  inbox: inboxRouter,
  channels: channelsRouter,
  lines: linesRouter,
  people: peopleRouter,
  teams: teamsRouter,
  mailbox: mailboxRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
