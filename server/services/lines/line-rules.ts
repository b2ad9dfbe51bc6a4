import { DomainError } from "../../errors";
import { isUniqueViolation } from "../users/unique-violation";

/** Line names are unique within a company: the index says so, and so do we, in words. */
export function lineNameConflict(error: unknown): never {
  if (isUniqueViolation(error, "lines_company_name_unique")) throw new DomainError("conflict", "people.lines.errors.nameTaken");
  throw error;
}
