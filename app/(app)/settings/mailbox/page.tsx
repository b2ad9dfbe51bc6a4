import { getT } from "../../../_lib/i18n";
import { Mailbox } from "./mailbox";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("people.mailbox.title")} · ${t("app.name")}` };
}

/** Settings → Mailbox: every email the product sent or captured, newest first (admins; the layout guards). */
export default async function MailboxPage({ searchParams }: { searchParams: Promise<{ email?: string | string[] }> }) {
  const { email } = await searchParams;
  const openId = typeof email === "string" && /^[0-9a-f-]{36}$/i.test(email) ? email : null;
  return <Mailbox openId={openId} />;
}
