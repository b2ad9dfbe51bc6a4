import { z } from "zod";
import { locales } from "../../i18n";
import { kickJobs } from "../../queue/kick-jobs";
import { getCompanySettings, updateCompanySettings } from "../../services/companies/company-settings";
import { adminProcedure, createTRPCRouter } from "../trpc";

/** Settings → Company (admins only): the alert email, the language of the company's emails, its time zone. */
export const companyRouter = createTRPCRouter({
  settings: adminProcedure.query(({ ctx }) => getCompanySettings({ ctx: ctx.service })),

  update: adminProcedure
    .input(z.object({ alertEmail: z.string().trim().toLowerCase().pipe(z.email().max(254)), emailLocale: z.enum(locales), timeZone: z.string().trim().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const result = await updateCompanySettings({ ctx: ctx.service, input });
      if (result.noticesQueued) kickJobs();
      return result;
    }),
});
