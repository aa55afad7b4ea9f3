/** Query parameters that carry a credential (an order's link token): their values never reach a log line. */
const SECRET_PARAMS = /([?&]token=)[^&#]*/gi;

/** A request URL as it may be logged: credential-bearing query values replaced. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
