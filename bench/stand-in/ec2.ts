import type { Estate, SynthEni, SynthInstance, SynthRouteTable, SynthSecurityGroup, SynthSubnet } from '../estate/types.js';
import { renderEni, renderReservation, renderRouteTable, renderSecurityGroup, renderSubnet } from './ec2-render.js';
import { QueryError, decodeToken, numbered, parseFilters, parseMaxResults } from './ec2-query.js';
import { Listing, tagField } from './listing.js';
import type { TokenBucket } from './token-bucket.js';
import { ec2Error, envelope, leaf } from './xml.js';

export interface Answer {
  status: number;
  body: string;
  contentType: string;
  /** Counter key, e.g. `ec2:DescribeNetworkInterfaces[description]`. */
  op: string;
  items?: number;
  throttled?: boolean;
  headers?: Record<string, string>;
}

export interface Ec2Buckets {
  /** Describe* calls. */
  nonMutating?: TokenBucket;
  /** DeleteNetworkInterface. */
  mutating?: TokenBucket;
}

const ITEM_PAD = '            ';
const XML = 'text/xml;charset=UTF-8';

const eniField = (e: SynthEni, f: string): string | readonly string[] | null | undefined => {
  switch (f) {
    case 'network-interface-id': return e.id;
    case 'description': return e.description;
    case 'status': return e.status;
    case 'vpc-id': return e.vpcId;
    case 'subnet-id': return e.subnetId;
    case 'availability-zone': return e.az;
    case 'interface-type': return e.interfaceType;
    case 'requester-managed': return String(e.requesterManaged);
    case 'attachment.instance-id': return e.attachment?.instanceId ?? null;
    case 'group-id': return e.groups.map((g) => g.id);
    default: return tagField(e.tags, f);
  }
};

const instanceField = (i: SynthInstance, f: string): string | readonly string[] | null | undefined => {
  switch (f) {
    case 'instance-id': return i.id;
    case 'instance-state-name': return i.state;
    case 'instance-type': return i.instanceType;
    case 'vpc-id': return i.state === 'running' ? i.vpcId : null;
    case 'subnet-id': return i.state === 'running' ? i.subnetId : null;
    default: return tagField(i.tags, f);
  }
};

const subnetField = (s: SynthSubnet, f: string): string | readonly string[] | null | undefined => {
  switch (f) {
    case 'subnet-id': return s.id;
    case 'vpc-id': return s.vpcId;
    case 'availability-zone': return s.az;
    default: return undefined;
  }
};

const securityGroupField = (g: SynthSecurityGroup, f: string): string | readonly string[] | null | undefined => {
  switch (f) {
    case 'group-id': return g.id;
    case 'vpc-id': return g.vpcId;
    case 'group-name': return g.name;
    default: return undefined;
  }
};

const routeTableField = (t: SynthRouteTable, f: string): string | readonly string[] | null | undefined => {
  switch (f) {
    case 'route-table-id': return t.id;
    case 'vpc-id': return t.vpcId;
    case 'association.subnet-id': return t.subnetIds;
    case 'association.main': return String(t.main);
    default: return undefined;
  }
};

/**
 * The EC2 Query API over an estate: DescribeNetworkInterfaces, DescribeInstances, DescribeSubnets,
 * DeleteNetworkInterface. Answers are EC2-shaped XML; rendered items are cached (the stand-in must
 * not be the bottleneck it measures).
 */
export class Ec2Service {
  readonly enis: Listing<SynthEni>;
  readonly instances: Listing<SynthInstance>;
  readonly subnets: Listing<SynthSubnet>;
  readonly securityGroups: Listing<SynthSecurityGroup>;
  readonly routeTables: Listing<SynthRouteTable>;
  private readonly cache = new Map<string, string>();
  private requestCounter = 0;

  constructor(estate: Estate, private readonly buckets: Ec2Buckets = {}) {
    this.enis = new Listing(estate.enis, eniField, 'network-interface-id');
    this.instances = new Listing(estate.instances, instanceField, 'instance-id');
    this.subnets = new Listing(estate.subnets, subnetField, 'subnet-id');
    this.securityGroups = new Listing(estate.securityGroups, securityGroupField, 'group-id');
    this.routeTables = new Listing(estate.routeTables, routeTableField, 'route-table-id');
  }

  /** Renders every item once, so the first measured sweep does not wait on the stand-in's own rendering. */
  warm(): void {
    for (const e of this.enis.all()) this.item(e.id, () => `        <item>\n${renderEni(e, ITEM_PAD)}        </item>\n`);
    for (const i of this.instances.all()) this.item(i.id, () => `        <item>\n${renderReservation(i, ITEM_PAD)}        </item>\n`);
  }

  private requestId(): string {
    const n = (this.requestCounter++).toString(16).padStart(12, '0');
    return `8e3c4a2b-1f0d-4c6e-a7b9-${n}`;
  }

  private item(key: string, render: () => string): string {
    let v = this.cache.get(key);
    if (v === undefined) this.cache.set(key, (v = render()));
    return v;
  }

  handle(params: URLSearchParams): Answer {
    const action = params.get('Action') ?? '';
    const filters = (() => { try { return parseFilters(params); } catch { return []; } })();
    const op = `ec2:${action}${filters.length ? `[${filters.map((f) => (f.name.startsWith('tag:') ? 'tag:…' : f.name)).join(',')}]` : ''}`;
    const requestId = this.requestId();
    try {
      const bucket = action.startsWith('Describe') ? this.buckets.nonMutating : this.buckets.mutating;
      if (bucket && !bucket.tryTake()) {
        return { status: 503, body: ec2Error('RequestLimitExceeded', 'Request limit exceeded.', requestId), contentType: XML, op, throttled: true };
      }
      switch (action) {
        case 'DescribeNetworkInterfaces': return this.describeEnis(params, op, requestId);
        case 'DescribeInstances': return this.describeInstances(params, op, requestId);
        case 'DescribeSubnets': return this.describeSubnets(params, op, requestId);
        case 'DescribeSecurityGroups': return this.describeSimple(params, op, requestId, this.securityGroups, 'GroupId', 'InvalidGroup.NotFound', 'securityGroupInfo', renderSecurityGroup, 1000);
        case 'DescribeRouteTables': return this.describeSimple(params, op, requestId, this.routeTables, 'RouteTableId', 'InvalidRouteTableID.NotFound', 'routeTableSet', renderRouteTable, 100);
        case 'DeleteNetworkInterface': return this.deleteEni(params, op, requestId);
        default: throw new QueryError('InvalidAction', `The action ${action} is not valid for this web service.`);
      }
    } catch (err) {
      if (err instanceof QueryError) return { status: err.status, body: ec2Error(err.code, err.message, requestId), contentType: XML, op };
      throw err;
    }
  }

  private listAnswer(action: string, setName: string, op: string, requestId: string, rendered: string[], nextToken: string | null): Answer {
    const items = rendered.length ? `    <${setName}>\n${rendered.join('')}    </${setName}>\n` : `    <${setName}/>\n`;
    return { status: 200, body: envelope(action, requestId, items + (nextToken ? leaf('    ', 'nextToken', nextToken) : '')), contentType: XML, op, items: rendered.length };
  }

  private describeEnis(params: URLSearchParams, op: string, requestId: string): Answer {
    const ids = numbered(params, 'NetworkInterfaceId');
    const missing = ids.filter((id) => !this.enis.get(id));
    if (missing.length) throw new QueryError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${missing.join(',')}' does not exist`);
    const page = this.enis.page(parseFilters(params), ids, parseMaxResults(params), decodeToken(params.get('NextToken')));
    const rendered = page.items.map((e) => this.item(e.id, () => `        <item>\n${renderEni(e, ITEM_PAD)}        </item>\n`));
    return this.listAnswer('DescribeNetworkInterfaces', 'networkInterfaceSet', op, requestId, rendered, page.nextToken);
  }

  private describeInstances(params: URLSearchParams, op: string, requestId: string): Answer {
    const ids = numbered(params, 'InstanceId');
    const missing = ids.filter((id) => !this.instances.get(id));
    if (missing.length) throw new QueryError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
    const page = this.instances.page(parseFilters(params), ids, parseMaxResults(params), decodeToken(params.get('NextToken')));
    const rendered = page.items.map((i) => this.item(i.id, () => `        <item>\n${renderReservation(i, ITEM_PAD)}        </item>\n`));
    return this.listAnswer('DescribeInstances', 'reservationSet', op, requestId, rendered, page.nextToken);
  }

  private describeSubnets(params: URLSearchParams, op: string, requestId: string): Answer {
    const ids = numbered(params, 'SubnetId');
    const missing = ids.filter((id) => !this.subnets.get(id));
    if (missing.length) throw new QueryError('InvalidSubnetID.NotFound', `The subnet ID '${missing.join(',')}' does not exist`);
    const page = this.subnets.page(parseFilters(params), ids, parseMaxResults(params), decodeToken(params.get('NextToken')));
    const rendered = page.items.map((s) => this.item(s.id, () => `        <item>\n${renderSubnet(s, ITEM_PAD)}        </item>\n`));
    return this.listAnswer('DescribeSubnets', 'subnetSet', op, requestId, rendered, page.nextToken);
  }

  /** A plain Describe*: id list or filters, MaxResults up to `max`, items rendered by `render`. */
  private describeSimple<T extends { id: string }>(params: URLSearchParams, op: string, requestId: string, listing: Listing<T>, idParam: string, notFound: string, setName: string, render: (t: T, pad: string) => string, max: number): Answer {
    const action = params.get('Action') ?? '';
    const ids = numbered(params, idParam);
    const missing = ids.filter((id) => !listing.get(id));
    if (missing.length) throw new QueryError(notFound, `The ID '${missing.join(',')}' does not exist`);
    const page = listing.page(parseFilters(params), ids, parseMaxResults(params, max), decodeToken(params.get('NextToken')));
    const rendered = page.items.map((t) => this.item(t.id, () => `        <item>\n${render(t, ITEM_PAD)}        </item>\n`));
    return this.listAnswer(action, setName, op, requestId, rendered, page.nextToken);
  }

  private deleteEni(params: URLSearchParams, op: string, requestId: string): Answer {
    const id = params.get('NetworkInterfaceId') ?? '';
    const eni = this.enis.get(id);
    if (!eni) throw new QueryError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);
    if (eni.status !== 'available' || eni.attachment) throw new QueryError('InvalidNetworkInterface.InUse', `The network interface '${id}' is currently in use.`);
    this.enis.delete(id);
    this.cache.delete(id);
    return { status: 200, body: envelope('DeleteNetworkInterface', requestId, '    <return>true</return>\n'), contentType: XML, op };
  }
}
