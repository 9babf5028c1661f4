// Chat tools against fakes that check what the real services check: wire format, signature, size, rate limits.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatPacer, ChatPublisher } from '../../../connectors/chat/deliver.js';
import { secretsManagerCredentials } from '../../../connectors/sdk/credentials.js';
import { sqsChatDeadLetter } from '../../../functions/dispatch-alerts.js';
import { LocalDeliveryPublisher } from '../../../infra/local/delivery.js';
import { buildNotification, type Alert } from '../../../shared/alerts/index.js';
import { receiver as receiverSchema, type CredentialRef } from '../../../shared/config.js';
import { startFakeChat, type ChatKind, type FakeChat } from '../../fakes/chat.js';
import { EXAMPLE_LINKS, EXAMPLE_NOW, exampleDirectory, exampleGroup, exampleItems } from '../../support/message-examples.js';

const SECRETS = { wecomKey: 'wk-693a91f6', dingtalkToken: 'dt-e9a8118c', dingtalkSecret: 'SEC10d6e79b42bd94be0d', feishuHook: 'db264cc8-856d', feishuSecret: 'CSTEfHRnFBuHis', slackPath: '/services/T000/B000/XXXX', teamsSig: 'sig-Hk2j' };
let chat: FakeChat;
let clock = Date.parse('2026-05-04T07:30:00Z');
const now = () => new Date(clock);
/** Sleeping moves the shared fake time, so rate limits and backoff are exercised without waiting. */
const sleep = async (ms: number) => { clock += ms; };

beforeAll(async () => { chat = await startFakeChat({ ...SECRETS, now }); });
afterAll(() => chat.stop());

const env: Record<string, string> = {};
const ref = (name: string, value: string): CredentialRef => { env[name] = value; return { env: name }; };

function receiverFor(tools: ChatKind[], locale: 'en' | 'zh-CN' = 'en', overrides: Partial<Record<string, string>> = {}) {
  return receiverSchema.parse({
    name: 'store-north-team', locale, chats: tools.map((type) => ({
      type, webhook: ref(`CHAT_${type.toUpperCase()}_URL`, overrides[type] ?? chat.urls[type]),
      ...(type === 'dingtalk' ? { secret: ref('CHAT_DINGTALK_SECRET', overrides.dingtalkSecret ?? SECRETS.dingtalkSecret) } : {}),
      ...(type === 'feishu' ? { secret: ref('CHAT_FEISHU_SECRET', overrides.feishuSecret ?? SECRETS.feishuSecret) } : {}),
    })),
  });
}

const notification = (tools: ChatKind[], firing: Alert[] = exampleGroup(), locale: 'en' | 'zh-CN' = 'en', overrides = {}) => buildNotification({
  id: `n-${Math.random().toString(16).slice(2, 10)}`, kind: 'firing', receiver: receiverFor(tools, locale, overrides), groupKey: 'root/store-north', groupLabels: { location: 'store-north' },
  firing, resolved: [], now: EXAMPLE_NOW, links: EXAMPLE_LINKS, directory: exampleDirectory(locale), items: exampleItems(locale), linkSetId: '5f3a9c1d2e4b6a7f',
});

async function publisher(options: { pacer?: boolean; attempts?: number } = {}) {
  const outboxDir = await mkdtemp(path.join(tmpdir(), 'outbox-'));
  const delivery = new LocalDeliveryPublisher({
    outboxDir, resolveSecret: (r) => ('env' in r ? env[r.env] : undefined), clock: { now },
    chat: { sleep, clock: { now }, baseDelayMs: 500, attempts: options.attempts ?? 4, ...(options.pacer === false ? { pacer: undefined } : { pacer: new ChatPacer(sleep, () => clock) }) },
  });
  return { delivery, outboxDir };
}

const ALL: ChatKind[] = ['wecom', 'dingtalk', 'feishu', 'slack', 'teams'];
const reset = () => { for (const k of ALL) chat.received[k].length = 0; chat.refused.length = 0; };

describe('chat tools', () => {
  it('get the grouped message in their own format, signed where the tool signs, with the acknowledge-all and console links', async () => {
    reset();
    const { delivery } = await publisher();
    await delivery.publish(notification(ALL));
    expect(chat.refused).toEqual([]);
    const wecom = chat.received.wecom[0] as { markdown: { content: string } };
    expect(wecom.markdown.content).toMatch(/^### North Street store: Oat milk 1 l \(SKU-0042\) is out of stock and 11 more alerts\n/);
    expect(wecom.markdown.content).toContain('[Acknowledge all 12](https://hub.example-retail.com/a/');
    expect(wecom.markdown.content).toContain('<font color="warning">');
    const ding = chat.received.dingtalk[0] as { msgtype: string; actionCard: { title: string; btns: { title: string; actionURL: string }[] } };
    expect(ding.msgtype).toBe('actionCard');
    expect(ding.actionCard.btns.map((b) => b.title)).toEqual(['Acknowledge all 12', 'All of them in the console']);
    const feishu = chat.received.feishu[0] as { card: { header: { template: string; title: { content: string } }; elements: { tag: string }[] } };
    expect(feishu.card.header).toMatchObject({ template: 'red', title: { content: expect.stringContaining('North Street store') } });
    expect(feishu.card.elements.map((e) => e.tag)).toEqual(['div', 'hr', 'action']);
    const slack = chat.received.slack[0] as { text: string; blocks: { type: string }[] };
    expect(slack.blocks[0]!.type).toBe('header');
    expect(slack.blocks.at(-1)!.type).toBe('actions');
    const teams = chat.received.teams[0] as { attachments: { content: { version: string; actions: { title: string }[] } }[] };
    expect(teams.attachments[0]!.content.version).toBe('1.4');
    expect(teams.attachments[0]!.content.actions.map((a) => a.title)).toEqual(['Acknowledge all 12', 'All of them in the console']);
  });

  it('write Chinese for a zh-CN receiver', async () => {
    reset();
    const { delivery } = await publisher();
    await delivery.publish(notification(['wecom', 'feishu'], exampleGroup(), 'zh-CN'));
    expect((chat.received.wecom[0] as { markdown: { content: string } }).markdown.content).toContain('### 北街门店：燕麦奶 1 升（SKU-0042）已断货');
    expect(JSON.stringify(chat.received.feishu[0])).toContain('一键确认全部 12 条');
  });

  it('stay within each tool\'s size limit for a very large group, saying how many more there are', async () => {
    reset();
    const many = Array.from({ length: 200 }, (_, i) => ({ ...exampleGroup()[i % 12]!, fingerprint: (0x1000000000000000 + i).toString(16), sku: `SKU-${1000 + i}` }));
    const { delivery } = await publisher();
    await delivery.publish(notification(ALL, many));
    expect(chat.refused).toEqual([]);
    for (const kind of ALL) {
      expect(chat.received[kind]).toHaveLength(1);
      expect(JSON.stringify(chat.received[kind][0])).toMatch(/And 19\d more/);
    }
    expect(Buffer.byteLength((chat.received.wecom[0] as { markdown: { content: string } }).markdown.content)).toBeLessThanOrEqual(4096);
  });

  it('retry what the service says to try again, then deliver', async () => {
    reset();
    chat.options.failNext = undefined;
    const fake = await startFakeChat({ ...SECRETS, now, failNext: { wecom: 1, dingtalk: 1, feishu: 1, slack: 2, teams: 1 } });
    try {
      const { delivery, outboxDir } = await publisher();
      await delivery.publish(notification(ALL, exampleGroup(), 'en', Object.fromEntries(ALL.map((k) => [k, fake.urls[k]]))));
      for (const kind of ALL) expect(fake.received[kind], kind).toHaveLength(1);
      expect(await readdir(outboxDir)).not.toContain('dead-letter');
    } finally { await fake.stop(); }
  });

  it('keep under a robot\'s rate limit by pacing its posts; without pacing the limit answers and a retry waits it out', async () => {
    reset();
    clock += 120_000; // a fresh minute for the robot
    const start = clock;
    const paced = await publisher();
    for (let i = 0; i < 25; i++) await paced.delivery.publish(notification(['wecom']));
    expect(chat.received.wecom).toHaveLength(25);
    expect(chat.refused, JSON.stringify(chat.refused)).toEqual([]);
    expect(clock - start).toBeGreaterThanOrEqual(24 * 3000);

    reset();
    clock += 120_000;
    const rushed = await publisher({ pacer: false, attempts: 8 });
    for (let i = 0; i < 21; i++) await rushed.delivery.publish(notification(['wecom']));
    expect(chat.refused.filter((r) => r.reason === 'rate').length).toBeGreaterThan(0);
    expect(chat.received.wecom).toHaveLength(21);
  });

  it('dead-letter a message the tool refuses, with every attempt and what it would have got, but not the robot\'s URL', async () => {
    reset();
    const { delivery, outboxDir } = await publisher();
    await delivery.publish(notification(['dingtalk', 'feishu'], exampleGroup(), 'en', { dingtalkSecret: 'SECwrong', feishuSecret: 'wrong' }));
    expect(chat.refused.map((r) => [r.kind, r.reason]).sort()).toEqual([['dingtalk', 'sign'], ['feishu', 'sign']]);
    const letters = (await readdir(path.join(outboxDir, 'dead-letter'))).sort();
    expect(letters).toEqual([expect.stringMatching(/-store-north-team-dingtalk0\.json$/), expect.stringMatching(/-store-north-team-feishu1\.json$/)]);
    const letter = await readFile(path.join(outboxDir, 'dead-letter', letters[0]!), 'utf8');
    expect(JSON.parse(letter)).toMatchObject({ tool: 'dingtalk', chat: 0, failures: ['attempt 1: dingtalk error 310000: sign not match'], payload: { msgtype: 'actionCard' } });
    expect(letter).not.toContain(SECRETS.dingtalkToken);
    expect(letter).not.toContain('SECwrong');
  });
});

describe('chat tools on AWS', () => {
  it('take robot URLs and signing secrets from Secrets Manager, and dead-letter to the chat queue without the URL', async () => {
    reset();
    const secrets = mockClient(SecretsManagerClient);
    const sqs = mockClient(SQSClient);
    try {
      secrets.on(GetSecretValueCommand, { SecretId: 'stocksentry/wecom-store' }).resolves({ SecretString: chat.urls.wecom });
      secrets.on(GetSecretValueCommand, { SecretId: 'stocksentry/dingtalk' }).resolves({ SecretString: JSON.stringify({ url: chat.urls.dingtalk, secret: 'SECwrong' }) });
      secrets.on(GetSecretValueCommand, { SecretId: 'stocksentry/feishu' }).rejects(Object.assign(new Error('Secrets Manager can\'t find the specified secret.'), { name: 'ResourceNotFoundException' }));
      sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
      const publisher = new ChatPublisher({
        resolve: secretsManagerCredentials(new SecretsManagerClient({ region: 'eu-west-1' }), {}),
        deadLetter: sqsChatDeadLetter(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/1/chat-dlq'),
        clock: { now }, send: { sleep, clock: { now }, attempts: 2 },
      });
      const n = buildNotification({
        id: 'n-aws', kind: 'firing', groupKey: 'root/store-north', groupLabels: { location: 'store-north' }, firing: exampleGroup(), resolved: [], now: EXAMPLE_NOW,
        links: EXAMPLE_LINKS, directory: exampleDirectory('en'), items: exampleItems('en'), linkSetId: '5f3a9c1d2e4b6a7f',
        receiver: receiverSchema.parse({
          name: 'store-chat', chats: [
            { type: 'wecom', webhook: { secretName: 'stocksentry/wecom-store' } },
            { type: 'dingtalk', webhook: { secretName: 'stocksentry/dingtalk', field: 'url' }, secret: { secretName: 'stocksentry/dingtalk', field: 'secret' } },
            { type: 'feishu', webhook: { secretName: 'stocksentry/feishu' } },
          ],
        }),
      });
      await publisher.publish(n);
      expect(chat.received.wecom).toHaveLength(1);
      const letters = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
      expect(letters.map((l) => l.MessageAttributes?.tool?.StringValue).sort()).toEqual(['dingtalk', 'feishu']);
      for (const l of letters) expect(l.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/1/chat-dlq');
      const byTool = Object.fromEntries(letters.map((l) => [l.MessageAttributes!.tool!.StringValue, JSON.parse(l.MessageBody!) as { failures: string[]; payload: unknown }]));
      expect(byTool.dingtalk!.failures).toEqual(['attempt 1: dingtalk error 310000: sign not match']);
      expect(byTool.feishu!.failures).toEqual([expect.stringMatching(/^webhook \{"secretName":"stocksentry\/feishu"\} did not resolve: Secrets Manager can't find/)]);
      expect(JSON.stringify(letters)).not.toContain(SECRETS.dingtalkToken);
      expect(JSON.stringify(letters)).not.toContain(SECRETS.wecomKey);
    } finally { secrets.restore(); sqs.restore(); }
  });
});
