import { authRouteHandlers } from "@/lib/server/domains/auth/auth-route";

export const dynamic = "force-dynamic";

/**
 * better-auth: POST sign-in/email (rate limited), POST sign-out, GET get-session,
 * POST change-password (rate limited; ends a one-time password). Public by nature; better-auth
 * checks sessions and origins itself.
 */
export const { GET, POST } = authRouteHandlers();
