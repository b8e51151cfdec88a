import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/options';

export const dynamic = 'force-dynamic';

const handler = NextAuth(authOptions) as (
  req: Request,
  ctx: { params: Promise<{ nextauth: string[] }> },
) => Promise<Response>;

export { handler as GET, handler as POST };
