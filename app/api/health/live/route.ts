// Liveness: the process is up and answering. No database: a database outage must not get instances restarted.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
