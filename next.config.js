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
  experimental: {
    // One chunk per chunk group: each request costs a round trip on a 150 ms phone network and ~300
    // bytes of headers, and brotli compresses a bigger file better. The groups still split where
    // pages differ (framework, shared libraries, the shell, each page), so a page's chunk is all a
    // navigation fetches. Measured: 9–10 → 6–7 scripts and −5.5 KB compressed on every page
    // (issue 18, docs/PERFORMANCE.md §11).
    turbopackChunking: {
      requestCost: 5_000_000,
      minChunkSize: 2_000_000,
      maxChunkCountPerGroup: 1,
      maxMergeChunkSize: 5_000_000,
      firstPageLoadPriority: 1,
    },
  },
};

export default withNextIntl(nextConfig);
