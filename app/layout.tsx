import type { Metadata, Viewport } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { cookies, headers } from 'next/headers';
import { BIG_TEXT_COOKIE } from './i18n/config';
import { getLocale, getMessages } from 'next-intl/server';
import { REQUEST_ID_META } from './_components/request-ref';
import { Providers } from './_components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: '邻里 Linli',
  description: '小区团购保供 · Group buys for residential compounds',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#b91c1c' };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  const messages = await getMessages();
  // The error pages show it so a resident can quote it (app/error.tsx).
  const requestId = (await headers()).get('x-request-id');
  // 大字 (app/_components/big-text-switch.tsx): the first render is already large.
  const big = (await cookies()).get(BIG_TEXT_COOKIE)?.value === '1';
  return (
    <html lang={locale} data-big={big ? '1' : '0'}>
      <head>{requestId ? <meta name={REQUEST_ID_META} content={requestId} /> : null}</head>
      <body>
        <NextIntlClientProvider locale={locale} messages={messages}>
          <Providers>{children}</Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
