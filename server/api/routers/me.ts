import {
  GetCommunityOverviewInput,
  getCommunityOverview,
} from '@/server/services/platform/get-community-overview';
import { getMe } from '@/server/services/platform/get-me';
import {
  countUnreadNotifications,
  ListNotificationsInput,
  listNotifications,
  MarkNotificationsReadInput,
  markNotificationsRead,
} from '@/server/services/platform/notifications';
import { SetLocaleInput, setLocale } from '@/server/services/platform/set-locale';
import { SetBigTextInput, setBigText } from '@/server/services/platform/set-big-text';
import { coordinatorProcedure, protectedProcedure, router } from '@/server/api/trpc';

/** The signed-in person: where they belong, their notifications, their language. */
export const meRouter = router({
  get: protectedProcedure.query(({ ctx }) => getMe({ ctx, input: {} })),
  unreadCount: protectedProcedure.query(({ ctx }) => countUnreadNotifications({ ctx, input: {} })),
  notifications: protectedProcedure
    .input(ListNotificationsInput)
    .query(({ ctx, input }) => listNotifications({ ctx, input })),
  markNotificationsRead: protectedProcedure
    .input(MarkNotificationsReadInput)
    .mutation(({ ctx, input }) => markNotificationsRead({ ctx, input })),
  setLocale: protectedProcedure.input(SetLocaleInput).mutation(({ ctx, input }) => setLocale({ ctx, input })),
  setBigText: protectedProcedure
    .input(SetBigTextInput)
    .mutation(({ ctx, input }) => setBigText({ ctx, input })),
  /** The coordinator dashboard's figures for one compound. */
  communityOverview: coordinatorProcedure
    .input(GetCommunityOverviewInput)
    .query(({ ctx, input }) => getCommunityOverview({ ctx, input })),
});
