import type { Estate } from '../estate/types.js';
import type { Answer } from './ec2.js';
import { esc } from './xml.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const XML = 'text/xml';

/** IAM's Query API, as far as the auditor reads it: ListAttachedRolePolicies (MaxItems, Marker). */
export class IamService {
  constructor(private readonly estate: Estate) {}

  handle(params: URLSearchParams): Answer {
    const action = params.get('Action') ?? '';
    const op = `iam:${action}`;
    if (action !== 'ListAttachedRolePolicies') return error(400, 'InvalidAction', `Could not find operation ${action}`, op);
    const role = params.get('RoleName') ?? '';
    const policies = this.estate.rolePolicies[role];
    if (!policies) return error(404, 'NoSuchEntity', `The role with name ${role} cannot be found.`, op);
    const start = Number(params.get('Marker') ?? '0');
    const max = Number(params.get('MaxItems') ?? '100');
    const page = policies.slice(start, start + max);
    const truncated = start + max < policies.length;
    const members = page.map((p) => `      <member>\n        <PolicyName>${esc(p.name)}</PolicyName>\n        <PolicyArn>${esc(p.arn)}</PolicyArn>\n      </member>\n`).join('');
    const body = `<ListAttachedRolePoliciesResponse xmlns="${NS}">\n  <ListAttachedRolePoliciesResult>\n    <AttachedPolicies>\n${members}    </AttachedPolicies>\n`
      + `    <IsTruncated>${truncated}</IsTruncated>\n${truncated ? `    <Marker>${start + max}</Marker>\n` : ''}  </ListAttachedRolePoliciesResult>\n`
      + `  <ResponseMetadata>\n    <RequestId>7a62c49f-347e-4fc4-9331-6e8ebench0001</RequestId>\n  </ResponseMetadata>\n</ListAttachedRolePoliciesResponse>\n`;
    return { status: 200, body, contentType: XML, op, items: page.length };
  }
}

function error(status: number, code: string, message: string, op: string): Answer {
  const body = `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>7a62c49f-347e-4fc4-9331-6e8ebench0002</RequestId>\n</ErrorResponse>\n`;
  return { status, body, contentType: XML, op };
}
