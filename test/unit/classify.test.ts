import { describe, expect, test } from '@jest/globals';
import { classify, normaliseEni } from '../../src/collect/classify.js';
import { cniTags, eni, rcTags } from '../fixtures/raw.js';

describe('classify', () => {
  test.each([
    ['aws-k8s-branch-eni', rcTags('c1'), false, 'branch', true],
    ['aws-k8s-trunk-eni', rcTags('c1'), false, 'trunk', true],
    ['aws-K8S-i-0123456789abcdef0', cniTags('i-0123456789abcdef0'), false, 'cni', true],
    ['aws-K8S-i-0123456789abcdef0', cniTags('i-0123456789abcdef0', 'c1'), false, 'cni', true],
    // The resource controller's prefix is lower case; the CNI's is upper case. Case matters.
    ['aws-k8s-i-0123456789abcdef0', cniTags('i-0123456789abcdef0'), false, 'other', false],
    // Described right, but no owner tag: a hand-made look-alike.
    ['aws-k8s-branch-eni', { Name: 'copy' }, false, 'lookalike', false],
    ['aws-k8s-branch-eni', { 'eks:eni:owner': 'someone-else' }, false, 'lookalike', false],
    ['aws-K8S-i-0123456789abcdef0', {}, false, 'lookalike', false],
    ['aws-K8S-i-0123456789abcdef0', cniTags('i-0123456789abcdef0', undefined, { 'eks:eni:owner': 'eks-vpc-resource-controller' }), false, 'lookalike', false],
    // Requester-managed ENIs belong to an AWS service whatever their description says.
    ['aws-k8s-branch-eni', rcTags('c1'), true, 'lookalike', false],
    ['ELB app/my-alb/123', {}, true, 'other', false],
    ['AWS Lambda VPC ENI-fn', {}, true, 'other', false],
  ])('%s %j requesterManaged=%s -> %s', (description, tags, rm, kind, owned) => {
    expect(classify(description, tags, rm)).toEqual({ kind, ownedByEks: owned });
  });

  test('normaliseEni reads cluster, instance, trunk and vlan from tags', () => {
    const n = normaliseEni(eni({
      id: 'eni-b1', description: 'aws-k8s-branch-eni',
      tags: rcTags('prod', { 'vpcresources.k8s.aws/trunk-eni-id': 'eni-t1', 'vpcresources.k8s.aws/vlan-id': '7', 'node.k8s.amazonaws.com/instance_id': 'i-1' }),
    }));
    expect(n).toMatchObject({ kind: 'branch', cluster: 'prod', clusterSource: 'eni-tag', trunkId: 'eni-t1', vlanId: 7, instanceId: 'i-1', ownedByEks: true });
  });

  test('cluster tag must be "owned" to name the owner', () => {
    const n = normaliseEni(eni({ id: 'eni-b1', description: 'aws-k8s-branch-eni', tags: { 'eks:eni:owner': 'eks-vpc-resource-controller', 'kubernetes.io/cluster/prod': 'shared' } }));
    expect(n.cluster).toBeNull();
  });

  test('an entry without an id is rejected, not guessed', () => {
    expect(() => normaliseEni({ Description: 'aws-k8s-branch-eni' })).toThrow(/NetworkInterfaceId/);
  });
});
