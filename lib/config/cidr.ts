// IPv4/IPv6 CIDR parsing and matching for the trusted-proxy list. Pure: no I/O.
// An IPv4-mapped IPv6 address (::ffff:10.0.0.1, as Node reports IPv4 peers on a dual-stack socket)
// matches IPv4 ranges.
import { isIPv4, isIPv6 } from "node:net";

export interface Cidr {
  version: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address.split("%")[0] ?? address; // zone id (fe80::1%eth0)
  // Trailing dotted IPv4 (::ffff:1.2.3.4) -> two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) {
    const v4 = ipv4ToBigInt(dotted);
    text = `${text.slice(0, -dotted.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups =
    tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address as (version, number); IPv4-mapped IPv6 is reported as IPv4. Undefined if not an IP. */
export function parseAddress(address: string): { version: 4 | 6; value: bigint } | undefined {
  const trimmed = address.trim().replace(/^\[|\]$/g, "");
  if (isIPv4(trimmed)) return { version: 4, value: ipv4ToBigInt(trimmed) };
  if (!isIPv6(trimmed)) return undefined;
  const value = ipv6ToBigInt(trimmed);
  if (value >> 32n === 0xffffn) return { version: 4, value: value & 0xffffffffn };
  return { version: 6, value };
}

/** "10.0.0.0/8", "::1/128", or a bare address (a /32 or /128); throws an Error naming the entry. */
export function parseCidr(text: string): Cidr {
  const [addressPart = "", prefixPart] = text.trim().split("/");
  const address = parseAddress(addressPart);
  if (!address) throw new Error(`"${text}" is not an IPv4 or IPv6 address or CIDR range`);
  const bits = address.version === 4 ? 32 : 128;
  const prefix = prefixPart === undefined ? bits : Number(prefixPart);
  if (
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > bits ||
    (prefixPart !== undefined && !/^\d+$/.test(prefixPart))
  ) {
    throw new Error(`"${text}": prefix length must be 0-${bits}`);
  }
  const shift = BigInt(bits - prefix);
  return { version: address.version, base: (address.value >> shift) << shift, prefix, text: text.trim() };
}

/** True when the address lies in one of the ranges; an unparsable address matches nothing. */
export function inCidrs(address: string | undefined, cidrs: readonly Cidr[]): boolean {
  if (address === undefined) return false;
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return cidrs.some((c) => {
    if (c.version !== parsed.version) return false;
    const shift = BigInt((c.version === 4 ? 32 : 128) - c.prefix);
    return (parsed.value >> shift) << shift === c.base;
  });
}
