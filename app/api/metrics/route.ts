// Prometheus metrics (README: Production topology → Metrics). Bearer METRICS_TOKEN; none configured: 404 in production.
import { metricsResponse } from "~/server/metrics/endpoint";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return metricsResponse(request);
}
