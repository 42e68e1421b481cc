import type { SecurityGroupRecord, SecurityGroupRule } from '../../model/sgp.js';

/**
 * Does any rule of a set of security groups allow a flow? EC2 security groups are allow-lists
 * (the union of every rule of every group on the ENI), so one matching rule is enough.
 *
 * The other end of the flow is described by what the auditor knows about it: its IPv4 address
 * (`'any'` when unknown: then every CIDR rule counts, so an unknown never becomes a finding) and the
 * security groups on its ENI (a rule naming one of them matches). Prefix-list rules cannot be
 * resolved offline and count as allowing, for the same reason.
 */
export interface Peer {
  ip: string | 'any';
  groupIds: readonly string[];
}

export function ipv4ToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** IPv4 CIDR containment; IPv6 CIDRs never contain an IPv4 address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  const base = m ? ipv4ToInt(m[1]!) : null;
  const addr = ipv4ToInt(ip);
  if (!m || base === null || addr === null) return false;
  const bits = Number(m[2]);
  if (bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((base & mask) >>> 0) === ((addr & mask) >>> 0);
}

const portMatches = (r: SecurityGroupRule, protocol: 'tcp' | 'udp', port: number): boolean =>
  r.protocol === '-1' || (r.protocol === protocol && r.fromPort !== null && r.toPort !== null && r.fromPort <= port && port <= r.toPort);

function peerMatches(r: SecurityGroupRule, peer: Peer): boolean {
  if (r.prefixListIds.length > 0) return true;
  if (r.groupIds.some((g) => peer.groupIds.includes(g))) return true;
  const ipv4 = r.cidrs.filter((c) => c.includes('.'));
  return peer.ip === 'any' ? ipv4.length > 0 : ipv4.some((c) => cidrContains(c, peer.ip));
}

export function allows(groups: readonly SecurityGroupRecord[], direction: 'ingress' | 'egress', protocol: 'tcp' | 'udp', port: number, peer: Peer): boolean {
  return groups.some((g) => g[direction].some((r) => portMatches(r, protocol, port) && peerMatches(r, peer)));
}
