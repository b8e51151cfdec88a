/** Field schemas and checks the talk verbs share (each verb owns its own `Input`). */
import { z } from 'zod';
import { CommunityId, idOf, safeText } from '@/server/services/shared/zod';
import { badRequest } from '@/server/services/shared/errors';
import { bodyProblem, MESSAGE_MAX_CHARS, type RelayMessageKind } from './rules';

export const RelayTalkRef = z.object({ communityId: CommunityId, relayId: idOf('接龙') });

/**
 * A message's text. The schema only bounds what is parsed at all; the verb refuses an empty or
 * too long message with its own code (`RELAY_MESSAGE_EMPTY`, `RELAY_MESSAGE_TOO_LONG`), so the
 * form can say exactly what to change.
 */
export const MessageBody = safeText({ max: 4000, maxMessage: '内容太长 / The text is too long.' });

const KIND_ZH: Record<RelayMessageKind, string> = { notice: '公告', question: '问题', answer: '回答' };

export function checkBody(kind: RelayMessageKind, body: string): string {
  const problem = bodyProblem(kind, body);
  const max = MESSAGE_MAX_CHARS[kind];
  if (problem === 'empty')
    throw badRequest('RELAY_MESSAGE_EMPTY', `请填写${KIND_ZH[kind]}内容 / Please write something first.`, {
      field: 'body',
    });
  if (problem === 'too_long')
    throw badRequest(
      'RELAY_MESSAGE_TOO_LONG',
      `${KIND_ZH[kind]}最多 ${max} 个字 / At most ${max} characters.`,
      { field: 'body', details: { max } },
    );
  return body.trim();
}
