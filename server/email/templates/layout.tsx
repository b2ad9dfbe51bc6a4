import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import type { Locale } from "../../i18n";

const body = { backgroundColor: "#f8fafc", fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", margin: 0, padding: "24px 0" };
const card = { backgroundColor: "#ffffff", border: "1px solid #e2e8f0", borderRadius: "8px", margin: "0 auto", maxWidth: "560px", padding: "24px" };
const brand = { color: "#2449c4", fontSize: "14px", fontWeight: 600, margin: "0 0 16px" };
const footer = { color: "#64748b", fontSize: "12px", lineHeight: "18px", margin: 0 };

/** The frame every Switchboard email shares: brand line, the message, a footer saying why it came. */
export function EmailLayout({ locale, preview, footerText, children }: { locale: Locale; preview: string; footerText: string; children: ReactNode }) {
  return (
    <Html lang={locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={card}>
          <Text style={brand}>Switchboard</Text>
          <Section>{children}</Section>
          <Hr style={{ borderColor: "#e2e8f0", margin: "24px 0 16px" }} />
          <Text style={footer}>{footerText}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export const emailStyles = {
  heading: { color: "#0f172a", fontSize: "20px", fontWeight: 600, lineHeight: "28px", margin: "0 0 12px" },
  text: { color: "#0f172a", fontSize: "15px", lineHeight: "22px", margin: "0 0 12px" },
  muted: { color: "#475569", fontSize: "13px", lineHeight: "20px", margin: "0 0 12px" },
  button: { backgroundColor: "#2f5bea", borderRadius: "6px", color: "#ffffff", display: "inline-block", fontSize: "15px", fontWeight: 600, padding: "10px 18px", textDecoration: "none" },
  link: { color: "#2449c4", fontSize: "13px", wordBreak: "break-all" as const },
};
