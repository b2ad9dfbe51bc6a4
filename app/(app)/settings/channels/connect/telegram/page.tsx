import { ConnectTelegram } from "../../_components/connect-telegram";

export default function ConnectTelegramPage() {
  return <ConnectTelegram />;
}
