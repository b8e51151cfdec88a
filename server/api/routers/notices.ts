/**
 * Notices (通知) with read receipts: staff post and follow up, residents read and confirm. Each
 * verb owns its input schema and checks scope itself (a leader's stairwells, a resident's household).
 */
import { confirmNotice, ConfirmNoticeInput } from '@/server/services/notices/confirm-notice';
import { getNoticeReach, GetNoticeReachInput } from '@/server/services/notices/get-notice-reach';
import { getNoticeStairwell, GetNoticeStairwellInput } from '@/server/services/notices/get-notice-stairwell';
import { listMyNotices, ListMyNoticesInput } from '@/server/services/notices/list-my-notices';
import { listNotices, ListNoticesInput } from '@/server/services/notices/list-notices';
import { markInformed, MarkInformedInput } from '@/server/services/notices/mark-informed';
import { postNotice, PostNoticeInput } from '@/server/services/notices/post-notice';
import { readNotice, ReadNoticeInput } from '@/server/services/notices/read-notice';
import { residentProcedure, router, volunteerProcedure } from '@/server/api/trpc';

export const noticesRouter = router({
  post: volunteerProcedure.input(PostNoticeInput).mutation(({ ctx, input }) => postNotice({ ctx, input })),
  list: volunteerProcedure.input(ListNoticesInput).query(({ ctx, input }) => listNotices({ ctx, input })),
  reach: volunteerProcedure
    .input(GetNoticeReachInput)
    .query(({ ctx, input }) => getNoticeReach({ ctx, input })),
  stairwell: volunteerProcedure
    .input(GetNoticeStairwellInput)
    .query(({ ctx, input }) => getNoticeStairwell({ ctx, input })),
  markInformed: volunteerProcedure
    .input(MarkInformedInput)
    .mutation(({ ctx, input }) => markInformed({ ctx, input })),
  mine: residentProcedure.input(ListMyNoticesInput).query(({ ctx, input }) => listMyNotices({ ctx, input })),
  read: residentProcedure.input(ReadNoticeInput).mutation(({ ctx, input }) => readNotice({ ctx, input })),
  confirm: residentProcedure
    .input(ConfirmNoticeInput)
    .mutation(({ ctx, input }) => confirmNotice({ ctx, input })),
});
