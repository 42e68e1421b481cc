import type { SynthEni, SynthInstance, SynthRouteTable, SynthRule, SynthSecurityGroup, SynthSubnet } from '../estate/types.js';
import { leaf, set, tagSet } from './xml.js';

const OWNER = '123456789012';
const azId = (az: string) => `use1-az${'abcdef'.indexOf(az.slice(-1)) + 1}`;
const dns = (ip: string) => `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
const mac = (id: string) => `02:${id.slice(-10).match(/../g)!.join(':')}`;

/** The fields of one DescribeNetworkInterfaces item (pad: the indentation of the fields). */
export function renderEni(e: SynthEni, pad: string): string {
  let x = leaf(pad, 'networkInterfaceId', e.id) + leaf(pad, 'subnetId', e.subnetId) + leaf(pad, 'vpcId', e.vpcId)
    + leaf(pad, 'availabilityZone', e.az) + leaf(pad, 'availabilityZoneId', azId(e.az)) + leaf(pad, 'description', e.description)
    + leaf(pad, 'ownerId', OWNER);
  if (e.requesterManaged) x += leaf(pad, 'requesterId', 'AROAEXAMPLEREQUESTER:service');
  x += leaf(pad, 'requesterManaged', e.requesterManaged) + leaf(pad, 'status', e.status) + leaf(pad, 'macAddress', mac(e.id))
    + leaf(pad, 'privateIpAddress', e.privateIp) + leaf(pad, 'privateDnsName', dns(e.privateIp)) + leaf(pad, 'sourceDestCheck', true)
    + set(pad, 'groupSet', e.groups, (p, g) => leaf(p, 'groupId', g.id) + leaf(p, 'groupName', g.name));
  if (e.attachment) {
    const p = `${pad}    `;
    x += `${pad}<attachment>\n${leaf(p, 'attachmentId', e.attachment.id)}${leaf(p, 'instanceId', e.attachment.instanceId)}${leaf(p, 'instanceOwnerId', OWNER)}`
      + `${leaf(p, 'deviceIndex', e.attachment.deviceIndex)}${leaf(p, 'networkCardIndex', 0)}${leaf(p, 'status', 'attached')}`
      + `${leaf(p, 'attachTime', '2026-01-01T00:01:00.000Z')}${leaf(p, 'deleteOnTermination', e.interfaceType !== 'branch')}${pad}</attachment>\n`;
  }
  x += tagSet(pad, e.tags);
  const ips = [e.privateIp, ...e.secondaryIps];
  x += set(pad, 'privateIpAddressesSet', ips, (p, ip) => leaf(p, 'privateIpAddress', ip) + leaf(p, 'privateDnsName', dns(ip)) + leaf(p, 'primary', ip === e.privateIp));
  x += `${pad}<ipv6AddressesSet/>\n${leaf(pad, 'interfaceType', e.interfaceType)}`;
  return x;
}

/** One reservation holding one instance (how node groups and Karpenter launch nodes). */
export function renderReservation(i: SynthInstance, pad: string): string {
  const p = `${pad}            `;
  const code = i.state === 'running' ? 16 : 48;
  let inst = leaf(p, 'instanceId', i.id) + leaf(p, 'imageId', 'ami-0a1b2c3d4e5f60718')
    + `${p}<instanceState>\n${leaf(`${p}    `, 'code', code)}${leaf(`${p}    `, 'name', i.state)}${p}</instanceState>\n`
    + leaf(p, 'privateDnsName', i.state === 'running' ? dns(i.privateIp) : '') + `${p}<dnsName/>\n`
    + leaf(p, 'reason', i.state === 'terminated' ? 'User initiated (2026-01-01 06:00:00 GMT)' : '') + leaf(p, 'amiLaunchIndex', 0)
    + `${p}<productCodes/>\n` + leaf(p, 'instanceType', i.instanceType) + leaf(p, 'launchTime', '2026-01-01T00:00:00.000Z')
    + `${p}<placement>\n${leaf(`${p}    `, 'availabilityZone', i.az)}${leaf(`${p}    `, 'groupName', '')}${leaf(`${p}    `, 'tenancy', 'default')}${p}</placement>\n`
    + `${p}<monitoring>\n${leaf(`${p}    `, 'state', 'disabled')}${p}</monitoring>\n`;
  if (i.state === 'running') inst += leaf(p, 'subnetId', i.subnetId) + leaf(p, 'vpcId', i.vpcId) + leaf(p, 'privateIpAddress', i.privateIp);
  inst += leaf(p, 'sourceDestCheck', true) + `${p}<groupSet/>\n` + leaf(p, 'architecture', 'x86_64') + leaf(p, 'rootDeviceType', 'ebs')
    + leaf(p, 'rootDeviceName', '/dev/xvda') + `${p}<blockDeviceMapping/>\n` + leaf(p, 'virtualizationType', 'hvm')
    + leaf(p, 'clientToken', `fleet-${i.id.slice(2)}`) + tagSet(p, i.tags) + leaf(p, 'hypervisor', 'xen') + `${p}<networkInterfaceSet/>\n`
    + leaf(p, 'ebsOptimized', true) + leaf(p, 'enaSupport', true) + leaf(p, 'bootMode', 'uefi-preferred');
  return leaf(pad, 'reservationId', `r-${i.id.slice(2)}`) + leaf(pad, 'ownerId', OWNER) + leaf(pad, 'requesterId', '940372691376')
    + `${pad}<groupSet/>\n${pad}<instancesSet>\n${pad}    <item>\n${inst}${pad}    </item>\n${pad}</instancesSet>\n`;
}

export function renderSubnet(s: SynthSubnet, pad: string): string {
  return leaf(pad, 'subnetId', s.id) + leaf(pad, 'subnetArn', `arn:aws:ec2:us-east-1:${OWNER}:subnet/${s.id}`) + leaf(pad, 'state', 'available')
    + leaf(pad, 'vpcId', s.vpcId) + leaf(pad, 'ownerId', OWNER) + leaf(pad, 'cidrBlock', s.cidr) + `${pad}<ipv6CidrBlockAssociationSet/>\n`
    + leaf(pad, 'availableIpAddressCount', s.availableIps) + leaf(pad, 'availabilityZone', s.az) + leaf(pad, 'availabilityZoneId', azId(s.az))
    + leaf(pad, 'defaultForAz', false) + leaf(pad, 'mapPublicIpOnLaunch', false) + tagSet(pad, { 'kubernetes.io/role/internal-elb': '1' });
}

const rule = (pad: string, r: SynthRule): string =>
  leaf(pad, 'ipProtocol', r.protocol) + (r.fromPort !== undefined ? leaf(pad, 'fromPort', r.fromPort) + leaf(pad, 'toPort', r.toPort ?? r.fromPort) : '')
  + set(pad, 'groups', r.groups, (p, g) => leaf(p, 'userId', OWNER) + leaf(p, 'groupId', g))
  + set(pad, 'ipRanges', r.cidrs, (p, c) => leaf(p, 'cidrIp', c)) + `${pad}<ipv6Ranges/>\n${pad}<prefixListIds/>\n`;

export function renderSecurityGroup(g: SynthSecurityGroup, pad: string): string {
  return leaf(pad, 'ownerId', OWNER) + leaf(pad, 'groupId', g.id) + leaf(pad, 'groupName', g.name) + leaf(pad, 'groupDescription', `${g.name} (bench)`)
    + leaf(pad, 'vpcId', g.vpcId) + set(pad, 'ipPermissions', g.ingress, rule) + set(pad, 'ipPermissionsEgress', g.egress, rule)
    + `${pad}<tagSet/>\n` + leaf(pad, 'securityGroupArn', `arn:aws:ec2:us-east-1:${OWNER}:security-group/${g.id}`);
}

export function renderRouteTable(t: SynthRouteTable, pad: string): string {
  const associations = t.main ? [null] : t.subnetIds;
  return leaf(pad, 'routeTableId', t.id) + leaf(pad, 'vpcId', t.vpcId) + leaf(pad, 'ownerId', OWNER)
    + set(pad, 'routeSet', t.routes, (p, r) => leaf(p, 'destinationCidrBlock', r.destination)
      + (r.target.startsWith('nat-') ? leaf(p, 'natGatewayId', r.target) : leaf(p, 'gatewayId', r.target))
      + leaf(p, 'state', 'active') + leaf(p, 'origin', r.target === 'local' ? 'CreateRouteTable' : 'CreateRoute'))
    + set(pad, 'associationSet', associations, (p, subnet) => leaf(p, 'routeTableAssociationId', `rtbassoc-0${(subnet ?? t.id).slice(-16)}`)
      + leaf(p, 'routeTableId', t.id) + (subnet ? leaf(p, 'subnetId', subnet) : '') + leaf(p, 'main', subnet === null)
      + `${p}<associationState>\n${leaf(`${p}    `, 'state', 'associated')}${p}</associationState>\n`)
    + `${pad}<propagatingVgwSet/>\n${pad}<tagSet/>\n`;
}
