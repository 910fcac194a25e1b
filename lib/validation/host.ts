import * as ipaddr from 'ipaddr.js';

/** A DNS name: dot-separated labels of letters, digits and inner hyphens (RFC 1123). */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * A host name, a dotted-decimal IPv4 address or an IPv6 address, and nothing else: no
 * spaces, quotes or `key=value` a client would read as another setting.
 */
export function isHost(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (ipaddr.IPv4.isValidFourPartDecimal(value) || ipaddr.IPv6.isValid(value)) return true;
  // All digits and dots but not four decimal parts (`999.1.1.1`, `10.1`) is a mistyped address, not a name.
  return HOST_NAME.test(value) && !/^[\d.]+$/.test(value);
}

/** A TCP port, 1-65535, from a number or its decimal spelling; undefined otherwise. */
export function parsePort(value: unknown): number | undefined {
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}
