/**
 * The talk under a relay as the caller may see it:
 *   - residents and volunteers of the compound: notices and questions with their answers, hidden
 *     ones left out; other households masked (`3号楼 2单元 2**室 张*`), their own marked as theirs;
 *   - the relay's merchant (with `merchantId`): the same, masked the same way;
 *   - coordinators: everything, hidden messages marked with the reason, askers in full.
 * Newest first.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { householdIdsOf } from '@/server/services/relay/get-relay';
import { requireRelay, type RelayRow } from '@/server/services/relay/load';
import { COORDINATOR_ROLES, myMemberships, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { maskName, maskRoom } from '@/server/services/shared/privacy';
import { countInWindow } from '@/server/services/shared/rolling-window';
import { idOf } from '@/server/services/shared/zod';
import { RelayTalkRef } from './fields';
import { requireOwnRelay } from './load';
import {
  mayAsk,
  mayPostNotice,
  MESSAGE_MAX_CHARS,
  QUESTION_LIMIT,
  QUESTIONS_PER_DAY,
  type RelayMessageKind,
} from './rules';

export const ListRelayMessagesInput = RelayTalkRef.extend({ merchantId: idOf('商家').optional() });
export type ListRelayMessagesInput = z.input<typeof ListRelayMessagesInput>;

type Viewer = 'member' | 'merchant' | 'coordinator';

type TalkMessage = {
  id: string;
  body: string;
  createdAt: Date;
  /** Coordinators only: when and why it was hidden (others never receive hidden messages). */
  hidden: { at: Date; reason: string } | null;
};

type TalkQuestion = TalkMessage & {
  /** Who asked: masked for residents and the merchant, in full for coordinators. */
  asker: { building: string; stairwell: string; room: string; name: string };
  /** Asked for one of the caller's own households. */
  mine: boolean;
  /** The standing answer (coordinators also see a hidden one when there is no other). */
  answer: TalkMessage | null;
};

type RelayTalk = {
  viewer: Viewer;
  notices: TalkMessage[];
  questions: TalkQuestion[];
  /** The household a resident asks for (their first), or null when they cannot ask here. */
  askFor: string | null;
  /** Questions that household may still ask on this relay today. */
  questionsLeft: number;
  canPostNotice: boolean;
  maxChars: Record<RelayMessageKind, number>;
};

type Row = {
  id: string;
  kind: RelayMessageKind;
  parent_id: string | null;
  household_id: string | null;
  body: string;
  created_at: Date | string;
  hidden_at: Date | string | null;
  hidden_reason: string | null;
  building: string | null;
  stairwell: string | null;
  room: string | null;
  author_name: string | null;
};

async function resolveViewer(
  ctx: ServiceContext,
  input: z.infer<typeof ListRelayMessagesInput>,
): Promise<{ viewer: Viewer; relay: RelayRow; households: string[] }> {
  if (input.merchantId) {
    const { relay } = await requireOwnRelay(ctx, { ...input, merchantId: input.merchantId });
    return { viewer: 'merchant', relay, households: [] };
  }
  requireUser(ctx);
  const mine = await myMemberships(ctx, input.communityId);
  if (mine.length === 0) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  const relay = await requireRelay(ctx.db, input.communityId, input.relayId);
  const coordinator = mine.some((m) => COORDINATOR_ROLES.includes(m.role));
  return { viewer: coordinator ? 'coordinator' : 'member', relay, households: householdIdsOf(mine) };
}

const at = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toMessage(r: Row, viewer: Viewer): TalkMessage {
  return {
    id: r.id,
    body: r.body,
    createdAt: at(r.created_at),
    hidden:
      viewer === 'coordinator' && r.hidden_at ? { at: at(r.hidden_at), reason: r.hidden_reason ?? '' } : null,
  };
}

export async function listRelayMessages({
  ctx,
  input: rawInput,
}: {
  ctx: ServiceContext;
  input: ListRelayMessagesInput;
}): Promise<RelayTalk> {
  const input = ListRelayMessagesInput.parse(rawInput);
  const { viewer, relay, households } = await resolveViewer(ctx, input);
  const rows = await queryRows<Row>(
    ctx.db,
    sql`select m.id, m.kind, m.parent_id, m.household_id, m.body, m.created_at, m.hidden_at,
               m.hidden_reason, b.number as building, s.number as stairwell, h.room,
               u.name as author_name
          from relay_messages m
          join users u on u.id = m.author_user_id
          left join households h on h.community_id = m.community_id and h.id = m.household_id
          left join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          left join buildings b on b.community_id = s.community_id and b.id = s.building_id
         where m.community_id = ${input.communityId}::uuid and m.relay_id = ${relay.id}::uuid
         order by m.created_at desc, m.id desc`,
  );
  const full = viewer === 'coordinator';
  const shown = rows.filter((r) => full || !r.hidden_at);
  const mine = new Set(households);
  // Answers by question: the standing one first, a hidden one only when there is no other.
  const answers = new Map<string, Row>();
  for (const r of shown) {
    if (r.kind !== 'answer' || !r.parent_id) continue;
    const had = answers.get(r.parent_id);
    if (!had || (had.hidden_at && !r.hidden_at)) answers.set(r.parent_id, r);
  }
  const questions: TalkQuestion[] = shown
    .filter((r) => r.kind === 'question')
    .map((r) => {
      const answer = answers.get(r.id);
      return {
        ...toMessage(r, viewer),
        asker: {
          building: r.building ?? '',
          stairwell: r.stairwell ?? '',
          room: full ? (r.room ?? '') : maskRoom(r.room),
          name: full ? (r.author_name ?? '') : maskName(r.author_name),
        },
        mine: r.household_id !== null && mine.has(r.household_id),
        answer: answer ? toMessage(answer, viewer) : null,
      };
    });
  const askFor = viewer !== 'merchant' && mayAsk(relay.status) ? (households[0] ?? null) : null;
  const askedToday = countInWindow(
    rows.filter((r) => r.kind === 'question' && r.household_id === askFor).map((r) => at(r.created_at)),
    QUESTION_LIMIT,
    ctx.now(),
  );
  return {
    viewer,
    notices: shown.filter((r) => r.kind === 'notice').map((r) => toMessage(r, viewer)),
    questions,
    askFor,
    questionsLeft: askFor ? Math.max(0, QUESTIONS_PER_DAY - askedToday) : 0,
    canPostNotice: viewer === 'merchant' && mayPostNotice(relay.status),
    maxChars: MESSAGE_MAX_CHARS,
  };
}
