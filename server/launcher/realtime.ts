/**
 * `npm run realtime`: one Pusher-protocol server for every app instance, for self-hosters without Pusher Channels.
 * Run it once; give it and every instance the same PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET, and point the
 * instances' PUSHER_HOST/PUSHER_PORT at it (README: Production topology). Ctrl+C or SIGTERM stops it.
 */
import { env } from "../env.js";
import { sharedRealtimeServerOptions } from "../realtime/config";
import { startEmbeddedPusher } from "../realtime/embedded-server";

let options;
try {
  options = sharedRealtimeServerOptions(env());
} catch (error) {
  console.error(`switchboard realtime: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const server = await startEmbeddedPusher(options);
console.log(`switchboard realtime: Pusher-protocol server for app ${options.appId} on ${server.host}:${server.port}`);

const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
