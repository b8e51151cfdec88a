import createNextIntlPlugin from 'next-intl/plugin';

// Messages are precompiled at build time (ICU → a compact form), so the browser gets next-intl's
// formatter without the ICU parser (~8 KB compressed of every page's first load, issue 18).
const withNextIntl = createNextIntlPlugin({
  requestConfig: './app/i18n/request.ts',
  experimental: {
    messages: { path: './app/i18n/messages', format: 'json', locales: 'infer', precompile: true },
  },
});

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time,
  // and pdfkit reads its AFM fonts from disk: neither survives bundling.
  // rate-limiter-flexible loads drizzle-orm with a computed dynamic import, which a bundle cannot follow.
  serverExternalPackages: ['@electric-sql/pglite', 'pdfkit', 'exceljs', 'postgres', 'rate-limiter-flexible'],
  // Several people (or agents) building in one checkout each use their own dir: NEXT_DIST_DIR=.next-x.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  typedRoutes: false,
};

export default withNextIntl(nextConfig);
