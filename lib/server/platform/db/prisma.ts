import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../../generated/prisma/client";

export type { PrismaClient };

/** The one Prisma client of a process, on the pg driver adapter. */
export function createPrisma(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, options: "-c timezone=UTC" }) });
}
