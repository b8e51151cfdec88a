import { requestOtp, RequestOtpInput } from '@/server/services/auth/request-otp';
import { signOutEverywhere } from '@/server/services/auth/sessions';
import { protectedProcedure, publicProcedure, router } from '@/server/api/trpc';

/**
 * Sign-in itself goes through next-auth (`signIn('phone-otp', { phone, code })`), which sets the
 * session cookie; this router only asks for the code and tells the page who is signed in.
 */
export const authRouter = router({
  requestOtp: publicProcedure.input(RequestOtpInput).mutation(({ ctx, input }) => requestOtp({ ctx, input })),
  /** The signed-in person (id, phone, name), or null. */
  session: publicProcedure.query(({ ctx }) =>
    ctx.user ? { id: ctx.user.id, phone: ctx.user.phone, name: ctx.user.name } : null,
  ),
  /** 退出所有设备: ends every session of the caller, this one included; the page then signs out. */
  signOutEverywhere: protectedProcedure.mutation(({ ctx }) => signOutEverywhere({ ctx })),
});
