// Pusher channel authorization: a user may subscribe only to their own company's channel, and to the presence
// channel of a conversation of their company (as themselves: their id and name are what the others see).
import { getSessionUser } from "~/server/auth/options";
import { isSameOriginRequest } from "~/server/identity/same-origin";
import { companyChannel, companyIdFromPresenceChannel } from "~/server/realtime/channels";
import { pusherServer } from "~/server/realtime/publish";

export async function POST(request: Request) {
  if (!isSameOriginRequest(request.headers)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const form = new URLSearchParams(await request.text());
  const socketId = form.get("socket_id");
  const channel = form.get("channel_name");
  if (!socketId || !channel) return Response.json({ error: "socket_id and channel_name are required" }, { status: 400 });
  if (channel.startsWith("presence-")) {
    if (companyIdFromPresenceChannel(channel) !== user.companyId) return Response.json({ error: "not your company's conversation" }, { status: 403 });
    return Response.json(pusherServer().authorizeChannel(socketId, channel, { user_id: user.id, user_info: { name: user.name } }));
  }
  if (channel !== companyChannel(user.companyId)) return Response.json({ error: "not your company's channel" }, { status: 403 });
  return Response.json(pusherServer().authorizeChannel(socketId, channel));
}
