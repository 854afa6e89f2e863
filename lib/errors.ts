/** Error codes and the HTTP status each maps to. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  /** Signed in with a one-time password (the first admin's, or one an admin generated): change it first. */
  password_change_required: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const BRAND = Symbol.for("perfpilot.AppError");

/** The one application error: a code, a message safe to show, optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
    (this as unknown as Record<symbol, true>)[BRAND] = true;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /**
   * Whether `err` is an AppError from any copy of this module. Next bundles route handlers with
   * their own copy of our modules while server.ts's services use another, so an AppError thrown
   * by a service is not `instanceof` the route's AppError class: the brand is what both share.
   */
  static is(err: unknown): err is AppError {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
  }
}
