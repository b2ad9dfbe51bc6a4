import Link from "next/link";
import { getT } from "./_lib/i18n";

export default async function NotFound() {
  const t = await getT();
  return (
    <main className="mx-auto max-w-md p-8 text-center">
      <h1 className="text-xl font-semibold">{t("errors.notFoundTitle")}</h1>
      <p className="mt-4">
        <Link className="text-brand-600 underline" href="/inbox">
          {t("nav.inbox")}
        </Link>
      </p>
    </main>
  );
}
