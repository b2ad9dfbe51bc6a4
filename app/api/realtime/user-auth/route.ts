// Pusher user authentication: a socket signs in as the browser's session, so ending the session closes it.
import { getSessionUser } from "~/server/auth/options";
import { isSameOriginRequest } from "~/server/identity/same-origin";
import { pusherServer } from "~/server/realtime/publish";

export async function POST(request: Request) {
  if (!isSameOriginRequest(request.headers)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const user = await getSessionUser();
  if (!user?.sessionId) return Response.json({ error: "sign in first" }, { status: 401 });
  const socketId = new URLSearchParams(await request.text()).get("socket_id");
  if (!socketId || !/^\d+\.\d+$/.test(socketId)) return Response.json({ error: "socket_id is required" }, { status: 400 });
  // The Pusher "user" is the session: terminate-connections then ends exactly the sockets of a session that ended.
  return Response.json(pusherServer().authenticateUser(socketId, { id: user.sessionId }));
}
