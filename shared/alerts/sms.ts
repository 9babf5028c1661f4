// SMS length as carriers count it: GSM-7 (160 septets, 153 per part when split; extension characters such as € take
// two) unless one character needs UCS-2 (70 UTF-16 units, 67 per part). Messages are kept to two parts.
export const SMS_MAX_SEGMENTS = 2;

const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export const smsEncoding = (text: string): SmsEncoding =>
  [...text].every((c) => basic.has(c) || extension.has(c)) ? 'GSM-7' : 'UCS-2';

/** Length in the encoding's units: septets (extension characters count two) or UTF-16 code units. */
export function smsUnits(text: string, encoding = smsEncoding(text)): number {
  if (encoding === 'UCS-2') return text.length;
  let n = 0;
  for (const c of text) n += extension.has(c) ? 2 : 1;
  return n;
}

/** How many parts a carrier splits the text into. */
export function smsSegments(text: string): { encoding: SmsEncoding; units: number; segments: number } {
  const encoding = smsEncoding(text);
  const units = smsUnits(text, encoding);
  const [single, part] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  return { encoding, units, segments: units <= single ? 1 : Math.ceil(units / part) };
}

/** Units that fit in `segments` parts of the encoding. */
export const smsCapacity = (encoding: SmsEncoding, segments = SMS_MAX_SEGMENTS): number =>
  segments <= 1 ? (encoding === 'GSM-7' ? 160 : 70) : segments * (encoding === 'GSM-7' ? 153 : 67);

/**
 * Text in GSM-7 where it can be: accents are dropped (é stays, ą becomes a), typographic quotes and dashes become
 * plain ones, and what has no GSM-7 form is removed. Used for English messages, so one product name with an
 * unusual letter does not turn the whole SMS into UCS-2 and halve its length.
 */
export function toGsm7(text: string): string {
  const plain = text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, '-').replace(/…/g, '...').replace(/\u00a0|\u202f/g, ' ');
  let out = '';
  for (const c of plain) {
    if (basic.has(c) || extension.has(c)) { out += c; continue; }
    const stripped = c.normalize('NFKD').replace(/\p{M}/gu, '');
    out += [...stripped].every((s) => basic.has(s) || extension.has(s)) ? stripped : '';
  }
  return out.replace(/[ \t]+/g, ' ').replace(/ ([.,:;)])/g, '$1').trim();
}

/** Cuts `text` to at most `room` units of `encoding`, at a word boundary where one is near, ending in an ellipsis. */
export function fitSms(text: string, room: number, encoding: SmsEncoding): string {
  if (smsUnits(text, encoding) <= room) return text;
  const ellipsis = encoding === 'GSM-7' ? '...' : '…';
  const chars = [...text];
  let used = smsUnits(ellipsis, encoding);
  let cut = 0;
  for (; cut < chars.length; cut++) {
    const u = smsUnits(chars[cut]!, encoding);
    if (used + u > room) break;
    used += u;
  }
  let head = chars.slice(0, cut).join('');
  const space = head.lastIndexOf(' ');
  if (encoding === 'GSM-7' && space > head.length * 0.6) head = head.slice(0, space);
  return `${head.replace(/[\s,;:]+$/, '')}${ellipsis}`;
}

/**
 * The SMS text: `body` shortened to leave room for `link` (never shortened itself), joined by a space, or directly
 * after Chinese full-width punctuation, which needs none.
 */
export function smsWithLink(body: string, link: string): string {
  if (!link) { const encoding = smsEncoding(body); return fitSms(body, smsCapacity(encoding), encoding); }
  const encoding = smsEncoding(`${body}${link}`);
  const gap = (text: string) => (/[。！？）：，…]$/u.test(text) ? '' : ' ');
  const room = smsCapacity(encoding) - smsUnits(link, encoding) - 1;
  const fitted = fitSms(body, room, encoding);
  return `${fitted}${gap(fitted)}${link}`;
}
