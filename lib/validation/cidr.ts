import * as ipaddr from 'ipaddr.js';

/**
 * Ranges the internet cannot route to a VPC: RFC 1918, shared address space (RFC 6598,
 * used by some VPNs and Transit setups) and IPv6 unique local addresses.
 */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** The widest public block a database may admit, even with a reason: a company's egress, not a continent. */
export const WIDEST_PUBLIC_PREFIX: Readonly<Record<'ipv4' | 'ipv6', number>> = { ipv4: 16, ipv6: 48 };

export interface Cidr {
  /** The canonical spelling, which is also what was written. */
  readonly cidr: string;
  readonly kind: 'ipv4' | 'ipv6';
  readonly prefix: number;
  /** Wholly inside one of PRIVATE_RANGES. */
  readonly private: boolean;
}

const PRIVATE = PRIVATE_RANGES.map((range) => ipaddr.parseCIDR(range));

/**
 * Parses a CIDR block, accepting only its canonical spelling: `010.0.0.0/8` (octal, so
 * 8.0.0.0), `0.0.0.0/00` or `10.1.2.3/16` mean something other than they seem, so each is
 * refused with the spelling to write instead. Returns the reason when it is not a block.
 */
export function parseCidr(value: unknown): Cidr | string {
  if (typeof value !== 'string') return 'is not a CIDR block (a string such as 10.0.0.0/16)';
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    [address, prefix] = ipaddr.parseCIDR(value);
  } catch {
    return 'is not a CIDR block, e.g. 10.0.0.0/16 or fd00:1::/64';
  }
  const kind = address.kind();
  const [written] = value.split('/');
  if (kind === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(written)) {
    return 'is not written in dotted decimal (leading zeros are octal, so it means another network)';
  }
  const network = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
  const canonical = `${network.toString()}/${prefix}`;
  if (canonical !== value) return `is not written canonically; write ${canonical}`;
  const inside = PRIVATE.some(([range, bits]) => range.kind() === kind && prefix >= bits && network.match(range as never, bits));
  return { cidr: canonical, kind, prefix, private: inside };
}
