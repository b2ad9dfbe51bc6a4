// Pusher private-channel authorization: a user may subscribe only to their own company's channel.
import { getSessionUser } from "~/server/auth/options";
import { isSameOriginRequest } from "~/server/identity/same-origin";
import { companyChannel } from "~/server/realtime/channels";
import { pusherServer } from "~/server/realtime/publish";

export async function POST(request: Request) {
  if (!isSameOriginRequest(request.headers)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const form = new URLSearchParams(await request.text());
  const socketId = form.get("socket_id");
  const channel = form.get("channel_name");
  if (!socketId || !channel) return Response.json({ error: "socket_id and channel_name are required" }, { status: 400 });
  if (channel !== companyChannel(user.companyId)) return Response.json({ error: "not your company's channel" }, { status: 403 });
  return Response.json(pusherServer().authorizeChannel(socketId, channel));
}
