import { describe, expect, test } from '@jest/globals';
import { missingGroupIdsOf } from '../../src/check/sgp/events.js';
import { parsePodEniAnnotation, podProbes, securityGroupPolicy } from '../../src/collect/kubernetes/build-sgp.js';
import { branchFailed, SG_MISSING } from '../fixtures/sgp.js';

describe('BranchAllocationFailed messages', () => {
  test('SDK v2, SDK v1 and client-go aggregation name the missing group', () => {
    for (const shape of ['v2', 'v1', 'combined'] as const) {
      expect(missingGroupIdsOf(branchFailed({ pod: 'p', shape }).message!)).toEqual([SG_MISSING]);
    }
    // The exact upstream shapes (docs/domain-facts §4).
    expect(missingGroupIdsOf("failed to allocate branch ENI to pod: creating network interface, operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: 0f9a3c1e-2b7d-4c55-9e0a-1b2c3d4e5f60, api error InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-0aa11bb22cc33dd44' does not exist")).toEqual(['sg-0aa11bb22cc33dd44']);
    expect(missingGroupIdsOf("failed to allocate branch ENI to pod: creating network interface, InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-0aa11bb2' does not exist\n\tstatus code: 400, request id: 0f9a3c1e-2b7d-4c55-9e0a-1b2c3d4e5f60")).toEqual(['sg-0aa11bb2']);
  });

  test('other errors are not a missing group; the code without a parsable id still is', () => {
    expect(missingGroupIdsOf('failed to allocate branch ENI to pod: creating network interface, api error UnauthorizedOperation: You are not authorized')).toBeNull();
    expect(missingGroupIdsOf('Pod will get the following Security Groups [sg-0aa11bb22cc33dd44]')).toBeNull();
    expect(missingGroupIdsOf('api error InvalidSecurityGroupID.NotFound: something else')).toEqual([]);
    // The AWS CLI's wording names the code too, but not the sentence: no id, still recognised.
    expect(missingGroupIdsOf('An error occurred (InvalidSecurityGroupID.NotFound) when calling the CreateNetworkInterface operation')).toEqual([]);
  });
});

describe('pod fields', () => {
  test('the pod-eni annotation: the controller\'s shape, case-insensitive keys, and what is not readable', () => {
    const ok = parsePodEniAnnotation('[{"eniId":"eni-0abc","ifAddress":"02:42:ac:11:00:02","privateIp":"10.0.1.23","ipv6Addr":"","vlanId":1,"subnetCidr":"10.0.0.0/19","subnetV6Cidr":"","associationID":"trunk-assoc-0abc"}]');
    expect(ok).toEqual({ enis: [{ eniId: 'eni-0abc', privateIp: '10.0.1.23', vlanId: 1, subnetCidr: '10.0.0.0/19' }] });
    expect(parsePodEniAnnotation('[{"ENIID":"eni-1","VLANID":3}]')).toEqual({ enis: [{ eniId: 'eni-1', privateIp: null, vlanId: 3, subnetCidr: null }] });
    expect(parsePodEniAnnotation('{not json')).toEqual({ problem: 'vpc.amazonaws.com/pod-eni is not JSON' });
    expect(parsePodEniAnnotation('{"eniId":"eni-1"}')).toEqual({ problem: 'vpc.amazonaws.com/pod-eni is not a JSON list' });
    expect(parsePodEniAnnotation('[{"eniId":"vpc-1"}]')).toEqual({ problem: 'vpc.amazonaws.com/pod-eni[0] has no valid eniId' });
    expect(parsePodEniAnnotation('[null]')).toEqual({ problem: 'vpc.amazonaws.com/pod-eni[0] is not an object' });
  });

  test('probe ports: numbers, numeric strings, named ports resolved per container; exec probes ignored; sidecars count', () => {
    const probes = podProbes({
      containers: [
        { name: 'app', ports: [{ name: 'http', containerPort: 8080 }], livenessProbe: { httpGet: { path: '/', port: 'http' } }, readinessProbe: { tcpSocket: { port: '9090' } }, startupProbe: { exec: { command: ['true'] } } },
        { name: 'grpc', livenessProbe: { grpc: { port: 50051 } }, readinessProbe: { httpGet: { port: 'metrics' } } },
        'not a container',
      ],
      initContainers: [
        { name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 15000 }], readinessProbe: { httpGet: { port: 'admin' } } },
        { name: 'init', livenessProbe: { tcpSocket: { port: 1 } } },
      ],
    });
    expect(probes).toEqual([
      { container: 'app', kind: 'liveness', type: 'http', port: 8080, portName: 'http' },
      { container: 'app', kind: 'readiness', type: 'tcp', port: 9090, portName: null },
      { container: 'grpc', kind: 'liveness', type: 'grpc', port: 50051, portName: null },
      { container: 'grpc', kind: 'readiness', type: 'http', port: null, portName: 'metrics' },
      { container: 'proxy', kind: 'readiness', type: 'http', port: 15000, portName: 'admin' },
    ]);
    expect(podProbes(null)).toEqual([]);
    expect(podProbes({ containers: 'x' })).toEqual([]);
  });
});

describe('SecurityGroupPolicy normalisation (resource controller filterPodSecurityGroups)', () => {
  const policy = (spec: unknown) => securityGroupPolicy({ kind: 'SecurityGroupPolicy', metadata: { name: 'p', namespace: 'ns' }, spec });
  test('a valid policy applies; group ids are de-duplicated in order', () => {
    expect(policy({ podSelector: { matchLabels: { app: 'web' } }, securityGroups: { groupIds: ['sg-0aa11bb22cc33dd44', 'sg-01234567', 'sg-0aa11bb22cc33dd44'] } }))
      .toMatchObject({ applies: true, problems: [], groupIds: ['sg-0aa11bb22cc33dd44', 'sg-01234567'], podSelector: { text: 'app=web' }, serviceAccountSelector: null });
  });
  test('skipped: no selector, no group ids; never matching: a bad selector; applied but failing: malformed ids', () => {
    expect(policy({ securityGroups: { groupIds: ['sg-01234567'] } })).toMatchObject({ applies: false, problems: [{ kind: 'no-selector' }] });
    expect(policy({ podSelector: {} })).toMatchObject({ applies: false, problems: [{ kind: 'no-group-ids' }] });
    expect(policy({ podSelector: {}, securityGroups: { groupIds: [] } })).toMatchObject({ applies: false, problems: [{ kind: 'no-group-ids' }] });
    expect(policy({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Like' }] }, securityGroups: { groupIds: ['sg-01234567'] } })).toMatchObject({ applies: false, problems: [{ kind: 'bad-selector', detail: expect.stringMatching(/^podSelector: "Like"/) }] });
    expect(policy({ podSelector: {}, securityGroups: { groupIds: ['sg-XYZ', 'web-sg'] } })).toMatchObject({ applies: true, problems: [{ kind: 'malformed-group-id', detail: 'not security group ids: sg-XYZ, web-sg' }] });
    expect(policy('nonsense')).toMatchObject({ applies: false, problems: expect.arrayContaining([{ kind: 'bad-spec', detail: 'spec is not an object' }]) });
    expect(policy({ podSelector: {}, securityGroups: { groupIds: [42] } })).toMatchObject({ applies: false, problems: [{ kind: 'bad-spec', detail: 'securityGroups.groupIds holds a non-string (42)' }] });
    expect(policy(undefined)).toMatchObject({ applies: false, problems: [{ kind: 'no-selector' }, { kind: 'no-group-ids' }] });
    expect(securityGroupPolicy({ kind: 'SecurityGroupPolicy', metadata: {} })).toBeNull();
  });
});
