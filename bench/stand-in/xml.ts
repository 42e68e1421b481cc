const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const esc = (v: string): string => (/[&<>"']/.test(v) ? v.replace(/[&<>"']/g, (c) => ESC[c]!) : v);

/** One indented leaf element, as EC2 pretty-prints its answers (the whitespace is part of the bytes). */
export const leaf = (pad: string, name: string, value: string | number | boolean): string => `${pad}<${name}>${esc(String(value))}</${name}>\n`;

/** A tagSet / groupSet style list: `<name>` then `<item>`s, each rendered by `item` one level deeper. */
export function set<T>(pad: string, name: string, items: readonly T[], item: (pad: string, v: T) => string): string {
  if (items.length === 0) return `${pad}<${name}/>\n`;
  const inner = `${pad}    `;
  let out = `${pad}<${name}>\n`;
  for (const v of items) out += `${inner}<item>\n${item(`${inner}    `, v)}${inner}</item>\n`;
  return `${out}${pad}</${name}>\n`;
}

export const tagSet = (pad: string, tags: Readonly<Record<string, string>>): string =>
  set(pad, 'tagSet', Object.entries(tags), (p, [k, v]) => leaf(p, 'key', k) + leaf(p, 'value', v));

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export const envelope = (action: string, requestId: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">\n    <requestId>${requestId}</requestId>\n${body}</${action}Response>`;

export const ec2Error = (code: string, message: string, requestId: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
