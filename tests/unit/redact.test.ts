import { describe, expect, it } from 'vitest';
import { redactMessageBody, redactSecrets } from '../../shared/redact.js';

describe('credentials are blanked before a raw message is stored', () => {
  it('blanks cXML SharedSecret, CredentialMac and DigitalSignature, namespaced or empty, and keeps the rest', () => {
    const xml = '<cXML><Header><Sender><Credential domain="DUNS"><Identity>ALT-1</Identity><SharedSecret>s3cr3t</SharedSecret>'
      + '<c:CredentialMac type="FromSenderCredentials" algorithm="HMAC-SHA1v1.0">mac==</c:CredentialMac></Credential></Sender></Header>'
      + '<DigitalSignature type="x"><![CDATA[sig]]></DigitalSignature><SharedSecret/></cXML>';
    const out = redactMessageBody(xml);
    expect(out).not.toMatch(/s3cr3t|mac==|sig]]/);
    expect(out).toContain('<SharedSecret>[redacted]</SharedSecret>');
    expect(out).toContain('<c:CredentialMac type="FromSenderCredentials" algorithm="HMAC-SHA1v1.0">[redacted]</c:CredentialMac>');
    expect(out).toContain('<Identity>ALT-1</Identity>');
  });

  it('blanks token-, secret-, password- and authorization-named JSON values at any depth; an unchanged body stays byte for byte', () => {
    const body = JSON.stringify({ type: 'ack', messageId: 'm-00000001', auth: { Authorization: 'Bearer abc', apiKey: 'k', access_token: 't' }, lines: [{ password: 'p', qty: 1 }] });
    expect(JSON.parse(redactMessageBody(body))).toEqual({ type: 'ack', messageId: 'm-00000001', auth: { Authorization: '[redacted]', apiKey: '[redacted]', access_token: '[redacted]' }, lines: [{ password: '[redacted]', qty: 1 }] });
    const clean = '{"type":"ack",  "messageId":"m-00000001"}';
    expect(redactMessageBody(clean)).toBe(clean);
    expect(redactSecrets({ raw: { token: 42, nested: [{ clientSecret: 'x' }] } })).toEqual({ raw: { token: '[redacted]', nested: [{ clientSecret: '[redacted]' }] } });
  });
});
