// An in-memory MessageStore for unit tests and dry runs.
import type { ApprovalSeen, LinkSet, MessageStore } from './ports.js';

export class MemoryMessageStore implements MessageStore {
  readonly linkSets = new Map<string, LinkSet>();
  readonly seen = new Map<string, ApprovalSeen>();

  async putLinkSet(set: LinkSet): Promise<void> { this.linkSets.set(set.id, structuredClone(set)); }
  async getLinkSet(id: string): Promise<LinkSet | undefined> { const s = this.linkSets.get(id); return s && structuredClone(s); }
  async getApprovalSeen(requestKey: string, receiver: string): Promise<ApprovalSeen | undefined> {
    const s = this.seen.get(`${requestKey}\u0000${receiver}`);
    return s && structuredClone(s);
  }
  async putApprovalSeen(seen: ApprovalSeen): Promise<void> { this.seen.set(`${seen.requestKey}\u0000${seen.receiver}`, structuredClone(seen)); }
}
