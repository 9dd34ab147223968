import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * The caller's address, for per-address rate limits (survey submissions, failed
 * authentication, requests without a key).
 *
 * Without TRUST_PROXY it is the TCP peer: a client cannot choose it. With
 * TRUST_PROXY the peer is the operator's reverse proxy, and the client is the last
 * X-Forwarded-For hop that is not itself a proxy of the operator's network
 * (loopback or private addresses): everything left of it was written by the client
 * and could be anything, so it is never read.
 */

/** Addresses of the operator's own network: proxies in front of the server live here. */
const INTERNAL = new BlockList();
INTERNAL.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('10.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('172.16.0.0', 12, 'ipv4');
INTERNAL.addSubnet('192.168.0.0', 16, 'ipv4');
INTERNAL.addSubnet('169.254.0.0', 16, 'ipv4');
INTERNAL.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT, used by some cloud load balancers
INTERNAL.addAddress('::1', 'ipv6');
INTERNAL.addSubnet('fc00::', 7, 'ipv6'); // unique local
INTERNAL.addSubnet('fe80::', 10, 'ipv6'); // link local

export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  return clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxy);
}

/** The pure rule behind clientAddressOf: the peer's address and the header as received. */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  const socketAddress = normalizeAddress(peer ?? '') ?? 'unknown';
  if (!trustProxy || forwardedFor === undefined) return socketAddress;
  // Several X-Forwarded-For headers are one list, in order (RFC 9110 field lines).
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((hop) => hop.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const address = normalizeAddress(hops[i]);
    // A hop the proxy appended is an address; anything else means the chain cannot be read: keep the peer.
    if (address === null) return socketAddress;
    if (!isInternal(address) || i === 0) return address;
  }
  return socketAddress;
}

/**
 * The key a per-address limit counts under: an IPv4 address as it is, an IPv6 address
 * by its /64 network, since one subscriber usually holds a whole /64 and could
 * otherwise take a fresh address for every request.
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

/** A bare IP address (IPv4-mapped IPv6 as IPv4, brackets and ports dropped), or null when it is none. */
export function normalizeAddress(raw: string): string | null {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1];
  const family = isIP(value);
  if (family === 4) return value;
  if (family === 6) return value.toLowerCase();
  return null;
}

function isInternal(address: string): boolean {
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** The eight 16-bit groups of an IPv6 address (without leading zeros), or null. */
function expandIpv6(address: string): string[] | null {
  const [head, tail, more] = address.split('::');
  if (more !== undefined) return null;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms other than mapped) counts as two groups.
  const last = (tail !== undefined ? right : left).at(-1);
  if (last?.includes('.')) {
    const octets = last.split('.').map(Number);
    const groups = [((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16)];
    (tail !== undefined ? right : left).splice(-1, 1, ...groups);
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => (parseInt(g, 16) || 0).toString(16));
}

/**
 * The request came straight from this machine: a loopback peer and no proxy in
 * between (the pages prefill the embedded database's local key only then).
 */
export function fromThisMachine(req: Pick<IncomingMessage, 'socket' | 'headers'>): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
