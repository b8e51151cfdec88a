import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./app/i18n/request.ts');

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
