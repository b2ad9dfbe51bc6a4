import type { Metadata } from "next";
import type { ReactNode } from "react";
import { catalog } from "~/server/i18n";
import { Providers } from "./_components/providers";
import { getLocale } from "./_lib/i18n";
import "./globals.css";

export const metadata: Metadata = { title: "Switchboard", description: "Omnichannel support inbox", icons: { icon: "/icon.svg" } };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers messages={catalog(locale)} locale={locale}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
