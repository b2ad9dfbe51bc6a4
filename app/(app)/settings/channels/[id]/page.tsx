import { ChannelDetails } from "../_components/channel-details";

/** Settings → messenger → "Details" (seed 000). */
export default async function ChannelDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ChannelDetails channelId={id} />;
}
