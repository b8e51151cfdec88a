import { z } from 'zod';
import { getCommunityOverview } from '@/server/services/platform/get-community-overview';
import { getMe } from '@/server/services/platform/get-me';
import {
  countUnreadNotifications,
  listNotifications,
  markNotificationsRead,
} from '@/server/services/platform/notifications';
import { setLocale } from '@/server/services/platform/set-locale';
import { coordinatorProcedure, protectedProcedure, router } from '../trpc';

export const ListNotificationsInput = z.object({
  limit: z.number().int().min(1).max(100).default(30),
  cursor: z.string().max(100).nullish(),
  unreadOnly: z.boolean().default(false),
});
export type ListNotificationsInput = z.infer<typeof ListNotificationsInput>;

export const MarkNotificationsReadInput = z.union([
  z.object({ all: z.literal(true) }),
  z.object({
    items: z
      .array(z.object({ communityId: z.uuid(), id: z.uuid() }))
      .min(1)
      .max(200),
  }),
]);
export type MarkNotificationsReadInput = z.infer<typeof MarkNotificationsReadInput>;

export const SetLocaleInput = z.object({ locale: z.enum(['zh-CN', 'en']) });
export type SetLocaleInput = z.infer<typeof SetLocaleInput>;

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
  /** The coordinator dashboard's figures for one compound. */
  communityOverview: coordinatorProcedure.query(({ ctx, input }) => getCommunityOverview({ ctx, input })),
});
