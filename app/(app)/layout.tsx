import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { companyChannel } from "~/server/realtime/channels";
import { clientRealtimeConfig } from "~/server/realtime/config";
import { listLostChannels } from "~/server/services/channels/list-channels";
import { sandboxEnabled } from "~/server/services/sandbox/telegram-sandbox";
import { AppNav } from "../_components/app-nav";
import { AttentionNotifier } from "../_components/attention";
import { LiveQueries } from "../_components/live-queries";
import { RealtimeProvider } from "../_components/realtime";
import { ViewerProvider } from "../_components/viewer";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const lostChannels =
    user.role === "admin" ? await listLostChannels({ ctx: { db, companyId: user.companyId, actor: { kind: "user", userId: user.id, role: user.role } } }) : [];
  return (
    <RealtimeProvider config={clientRealtimeConfig()} channel={companyChannel(user.companyId)}>
      <ViewerProvider userId={user.id}>
        <LiveQueries />
        <AttentionNotifier />
        <AppNav user={{ name: user.name, role: user.role }} initialLostChannels={lostChannels} sandbox={sandboxEnabled()} />
        <main id="main" className="mx-auto max-w-7xl px-4 py-4">
          {children}
        </main>
      </ViewerProvider>
    </RealtimeProvider>
  );
}
