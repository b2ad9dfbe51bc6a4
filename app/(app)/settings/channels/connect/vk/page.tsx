import { ConnectVk } from "../../_components/connect-vk";

export default function ConnectVkPage() {
  return <ConnectVk />;
}
