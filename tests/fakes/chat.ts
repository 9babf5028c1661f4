// Fake chat tools, each answering as the real service does (their public documentation): the URL forms, the body
// formats, the signatures (DingTalk over the URL, Feishu in the body), the size limits and the rate limits, and
// errors the way each reports them (WeCom, DingTalk and Feishu inside an HTTP 200; Slack and Teams by status).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startServer, type FakeRequest, type FakeResponse, type FakeServer } from './server.js';

export interface FakeChatOptions {
  wecomKey: string;
  dingtalkToken: string;
  dingtalkSecret: string;
  feishuHook: string;
  feishuSecret: string;
  slackPath: string;
  teamsSig: string;
  /** Messages per minute each robot accepts before it answers "too fast" (the real limits: 20, 20, 100, ~60, ~240). */
  perMinute?: Partial<Record<ChatKind, number>>;
  /** Answer the next N requests of a tool with its server error, to exercise retries. */
  failNext?: Partial<Record<ChatKind, number>>;
  now?: () => Date;
}

export type ChatKind = 'wecom' | 'dingtalk' | 'feishu' | 'slack' | 'teams';

export interface FakeChat extends FakeServer {
  /** The URLs a receiver configures (they carry the robot's key). */
  urls: Record<ChatKind, string>;
  /** Accepted messages per tool, parsed. */
  received: Record<ChatKind, Record<string, unknown>[]>;
  /** Refusals with the reason the service gives. */
  refused: { kind: ChatKind; reason: string }[];
  options: FakeChatOptions;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function startFakeChat(options: FakeChatOptions): Promise<FakeChat> {
  const received: FakeChat['received'] = { wecom: [], dingtalk: [], feishu: [], slack: [], teams: [] };
  const refused: FakeChat['refused'] = [];
  const sent: Record<ChatKind, number[]> = { wecom: [], dingtalk: [], feishu: [], slack: [], teams: [] };
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const limit = { wecom: 20, dingtalk: 20, feishu: 100, slack: 60, teams: 240, ...options.perMinute };
  const failNext = { ...options.failNext };
  const tooFast = (kind: ChatKind) => {
    const t = now();
    sent[kind] = sent[kind].filter((x) => t - x < 60_000);
    if (sent[kind].length >= limit[kind]) return true;
    sent[kind].push(t);
    return false;
  };
  const refuse = (kind: ChatKind, reason: string, response: FakeResponse): FakeResponse => { refused.push({ kind, reason }); return response; };
  const json = (body: string): Record<string, unknown> | undefined => { try { return JSON.parse(body) as Record<string, unknown>; } catch { return undefined; } };

  const wecom = (req: FakeRequest): FakeResponse => {
    // https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
    if (req.url.searchParams.get('key') !== options.wecomKey) return refuse('wecom', 'invalid key', { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    if (failNext.wecom) { failNext.wecom--; return { status: 200, body: { errcode: -1, errmsg: 'system busy' } }; }
    if (tooFast('wecom')) return refuse('wecom', 'rate', { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } });
    const body = json(req.body) as { msgtype?: string; markdown?: { content?: unknown } } | undefined;
    if (body?.msgtype !== 'markdown' || typeof body.markdown?.content !== 'string') return refuse('wecom', 'format', { status: 200, body: { errcode: 40008, errmsg: 'invalid message type' } });
    if (bytes(body.markdown.content) > 4096) return refuse('wecom', 'size', { status: 200, body: { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' } });
    received.wecom.push(body);
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  };

  const dingtalk = (req: FakeRequest): FakeResponse => {
    // https://oapi.dingtalk.com/robot/send?access_token=TOKEN&timestamp=MS&sign=BASE64(HMAC-SHA256(secret, "MS\nsecret"))
    if (req.url.searchParams.get('access_token') !== options.dingtalkToken) return refuse('dingtalk', 'token', { status: 200, body: { errcode: 300001, errmsg: 'token is not exist' } });
    const timestamp = req.url.searchParams.get('timestamp') ?? '';
    const expected = createHmac('sha256', options.dingtalkSecret).update(`${timestamp}\n${options.dingtalkSecret}`).digest('base64');
    if (!same(req.url.searchParams.get('sign') ?? '', expected) || Math.abs(now() - Number(timestamp)) > 3_600_000) {
      return refuse('dingtalk', 'sign', { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    }
    if (failNext.dingtalk) { failNext.dingtalk--; return { status: 503, body: 'busy' }; }
    if (tooFast('dingtalk')) return refuse('dingtalk', 'rate', { status: 200, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } });
    const body = json(req.body) as { msgtype?: string; actionCard?: { title?: unknown; text?: unknown; btns?: { title?: unknown; actionURL?: unknown }[] }; markdown?: { title?: unknown; text?: unknown } } | undefined;
    const card = body?.msgtype === 'actionCard' ? body.actionCard : body?.msgtype === 'markdown' ? body.markdown : undefined;
    if (!card || typeof card.title !== 'string' || typeof card.text !== 'string'
      || (body?.actionCard?.btns ?? []).some((b) => typeof b.title !== 'string' || typeof b.actionURL !== 'string')) {
      return refuse('dingtalk', 'format', { status: 200, body: { errcode: 40035, errmsg: 'missing or invalid parameter' } });
    }
    if (bytes(req.body) > 20_000) return refuse('dingtalk', 'size', { status: 200, body: { errcode: 460101, errmsg: 'message too long' } });
    received.dingtalk.push(body!);
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  };

  const feishu = (req: FakeRequest): FakeResponse => {
    // https://open.feishu.cn/open-apis/bot/v2/hook/HOOK; body {timestamp (s), sign: BASE64(HMAC-SHA256(key="ts\nsecret", ""))}
    if (req.url.pathname !== `/open-apis/bot/v2/hook/${options.feishuHook}`) return refuse('feishu', 'hook', { status: 200, body: { code: 19001, msg: 'param invalid: incoming webhook access token invalid' } });
    if (bytes(req.body) > 20 * 1024) return refuse('feishu', 'size', { status: 200, body: { code: 9499, msg: 'request body too large' } });
    const body = json(req.body) as { timestamp?: string; sign?: string; msg_type?: string; card?: { header?: unknown; elements?: unknown[] } } | undefined;
    const expected = createHmac('sha256', `${body?.timestamp ?? ''}\n${options.feishuSecret}`).update('').digest('base64');
    if (!body || !same(body.sign ?? '', expected) || Math.abs(now() / 1000 - Number(body.timestamp)) > 3600) {
      return refuse('feishu', 'sign', { status: 200, body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } });
    }
    if (failNext.feishu) { failNext.feishu--; return { status: 200, body: { code: 11232, msg: 'frequency limited' } }; }
    if (tooFast('feishu')) return refuse('feishu', 'rate', { status: 200, body: { code: 11232, msg: 'frequency limited' } });
    if (body.msg_type !== 'interactive' || !Array.isArray(body.card?.elements) || typeof body.card?.header !== 'object') {
      return refuse('feishu', 'format', { status: 200, body: { code: 9499, msg: 'Bad Request' } });
    }
    received.feishu.push(body);
    return { status: 200, body: { code: 0, msg: 'success', data: {} } };
  };

  const slack = (req: FakeRequest): FakeResponse => {
    // https://hooks.slack.com/services/T…/B…/X…; answers 200 "ok", or a status with a plain-text error code.
    if (req.url.pathname !== options.slackPath) return refuse('slack', 'path', { status: 404, body: 'no_service' });
    if (failNext.slack) { failNext.slack--; return { status: 500, body: 'rollup_error' }; }
    if (tooFast('slack')) return refuse('slack', 'rate', { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });
    const body = json(req.body) as { text?: unknown; blocks?: { type?: string; text?: { type?: string; text?: string }; elements?: unknown[] }[] } | undefined;
    if (!body || (typeof body.text !== 'string' && !Array.isArray(body.blocks))) return refuse('slack', 'format', { status: 400, body: 'invalid_payload' });
    const blocks = body.blocks ?? [];
    const invalid = blocks.length > 50 || blocks.some((b) => (b.type === 'header' && [...(b.text?.text ?? '')].length > 150) || (b.type === 'section' && [...(b.text?.text ?? '')].length > 3000)
      || (b.type === 'actions' && (b.elements?.length ?? 0) > 25) || !['header', 'section', 'context', 'actions', 'divider'].includes(b.type ?? ''));
    if (invalid) return refuse('slack', 'blocks', { status: 400, body: 'invalid_blocks' });
    received.slack.push(body);
    return { status: 200, body: 'ok' };
  };

  const teams = (req: FakeRequest): FakeResponse => {
    // A Workflows "When a Teams webhook request is received" trigger: …/workflows/ID/triggers/manual/paths/invoke?…&sig=SIG
    if (req.url.searchParams.get('sig') !== options.teamsSig) return refuse('teams', 'sig', { status: 401, body: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated' } } });
    if (failNext.teams) { failNext.teams--; return { status: 502, body: { error: { code: 'BadGateway' } } }; }
    if (tooFast('teams')) return refuse('teams', 'rate', { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'TooManyRequests' } } });
    if (bytes(req.body) > 28 * 1024) return refuse('teams', 'size', { status: 413, body: { error: { code: 'MessageTooLarge' } } });
    const body = json(req.body) as { type?: string; attachments?: { contentType?: string; content?: { type?: string; version?: string; body?: unknown[] } }[] } | undefined;
    const card = body?.attachments?.[0];
    if (body?.type !== 'message' || card?.contentType !== 'application/vnd.microsoft.card.adaptive' || card.content?.type !== 'AdaptiveCard' || !Array.isArray(card.content.body)) {
      return refuse('teams', 'format', { status: 400, body: { error: { code: 'InvalidRequestContent' } } });
    }
    received.teams.push(body);
    return { status: 202, body: '' };
  };

  const server = await startServer((req) => {
    if (req.method !== 'POST') return { status: 405, body: 'method not allowed' };
    if (req.url.pathname === '/cgi-bin/webhook/send') return wecom(req);
    if (req.url.pathname === '/robot/send') return dingtalk(req);
    if (req.url.pathname.startsWith('/open-apis/bot/v2/hook/')) return feishu(req);
    if (req.url.pathname.startsWith('/services/')) return slack(req);
    if (/^\/workflows\/[^/]+\/triggers\/manual\/paths\/invoke$/.test(req.url.pathname)) return teams(req);
    return { status: 404, body: 'not found' };
  });
  return {
    ...server, received, refused, options,
    urls: {
      wecom: `${server.url}/cgi-bin/webhook/send?key=${options.wecomKey}`,
      dingtalk: `${server.url}/robot/send?access_token=${options.dingtalkToken}`,
      feishu: `${server.url}/open-apis/bot/v2/hook/${options.feishuHook}`,
      slack: `${server.url}${options.slackPath}`,
      teams: `${server.url}/workflows/4f1c2b/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${options.teamsSig}`,
    },
  };
}
