import { MetaWizard } from "./meta-wizard";

/** Settings → Channels → "Update permissions" / "Connect with Facebook": the Meta re-authorization wizard (F3). */
export default async function MetaWizardPage({ params }: { params: Promise<{ attemptId: string }> }) {
  const { attemptId } = await params;
  return <MetaWizard attemptId={attemptId} />;
}
